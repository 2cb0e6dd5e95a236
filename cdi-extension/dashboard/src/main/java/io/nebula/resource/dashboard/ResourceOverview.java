package io.nebula.resource.dashboard;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceFigures;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Reads every declared resource's figures from the extension ({@link Resources} for the declaration,
 * {@link ResourceStatistics} for what its pools are doing) into {@link ResourceView}s, sorted by name. A
 * resource whose figures cannot be read is still listed, DOWN with the error, so the dashboard never
 * silently loses a row. Public for an application that serves the same rows elsewhere (the sample's
 * {@code /api/resources}).
 */
public final class ResourceOverview {

    private final Resources resources;
    private final ResourceStatistics statistics;

    public ResourceOverview(Resources resources, ResourceStatistics statistics) {
        this.resources = resources;
        this.statistics = statistics;
    }

    /** Every declared resource, sorted by name. */
    public List<ResourceView> views() {
        List<ResourceView> views = new ArrayList<>();
        for (String name : new TreeSet<>(resources.names())) {
            views.add(view(name));
        }
        return views;
    }

    private ResourceView view(String name) {
        Optional<ManagedResource<?>> found;
        try {
            found = resources.find(name);
        } catch (RuntimeException e) {
            return unreadable(name, e);
        }
        if (found.isEmpty()) {
            return unreadable(name, null);
        }
        try {
            return view(found.get(), statistics.of(name));
        } catch (RuntimeException e) {
            return unreadable(name, e);
        }
    }

    static ResourceView view(ManagedResource<?> resource, ResourceFigures figures) {
        PoolSnapshot pool = figures.pool();
        HealthStatus health = figures.health();
        List<ResourceView.TenantPool> tenants = figures.tenants().entrySet().stream()
                .map(t -> new ResourceView.TenantPool(t.getKey(), t.getValue().utilization(), t.getValue().active(),
                        t.getValue().idle(), t.getValue().pending(), t.getValue().maxSize()))
                .toList();
        return new ResourceView(resource.name(), figures.kind(), resource.scope().configName(),
                figures.state().name(), health.status().name(), health.message().orElse(null),
                figures.downDependencies(), pool.utilization(), pool.active(), pool.idle(), pool.pending(),
                pool.maxSize(), pool.minSize(),
                figures.p99Acquisition().map(p99 -> p99.toNanos() / 1_000_000.0).orElse(null),
                figures.errorRate().isPresent() ? figures.errorRate().getAsDouble() : null,
                figures.circuit().map(ResourceOverview::circuitState).orElse(null),
                List.copyOf(resource.dependsOn()), tenants);
    }

    /** The extension's {@code half-open} as the JSON's {@code HALF_OPEN}. */
    private static String circuitState(String circuit) {
        return circuit.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static ResourceView unreadable(String name, RuntimeException error) {
        String message = error == null
                ? "declared but not registered"
                : "figures could not be read: " + error.getClass().getSimpleName()
                        + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return new ResourceView(name, null, null, "UNKNOWN", HealthStatus.Status.DOWN.name(), message, List.of(),
                0, 0, 0, 0, 0, 0, null, null, null, List.of(), List.of());
    }
}
