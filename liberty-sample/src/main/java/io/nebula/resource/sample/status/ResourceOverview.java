package io.nebula.resource.sample.status;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.Resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Reads every declared resource's figures from the extension's {@link Resources} into
 * {@link ResourceView}s, sorted by name. A resource whose figures cannot be read is still listed,
 * DOWN with the error, so the dashboard never silently loses a row.
 */
final class ResourceOverview {

    private final Resources resources;

    ResourceOverview(Resources resources) {
        this.resources = resources;
    }

    List<ResourceView> views() {
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
            return view(found.get());
        } catch (RuntimeException e) {
            return unreadable(name, e);
        }
    }

    static ResourceView view(ManagedResource<?> resource) {
        PoolSnapshot pool = resource.pool();
        HealthStatus health = resource.health();
        return new ResourceView(resource.name(), resource.kind(), resource.scope().configName(),
                resource.state().name(), health.status().name(), health.message().orElse(null),
                pool.utilization(), pool.active(), pool.idle(), pool.pending(), pool.maxSize(),
                null, null, null, List.copyOf(resource.dependsOn()));
    }

    private static ResourceView unreadable(String name, RuntimeException error) {
        String message = error == null
                ? "declared but not registered"
                : "figures could not be read: " + error.getClass().getSimpleName()
                        + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return new ResourceView(name, null, null, "UNKNOWN", HealthStatus.Status.DOWN.name(), message,
                0, 0, 0, 0, 0, null, null, null, List.of());
    }
}
