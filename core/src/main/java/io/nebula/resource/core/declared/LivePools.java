package io.nebula.resource.core.declared;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceFigures;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.EndpointStatus;
import io.nebula.resource.core.pipeline.CircuitState;
import io.nebula.resource.core.pipeline.RecentAcquisitions;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.core.telemetry.Redactor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The live pools of one declared resource, read as one: its shared pool or each tenant's, each added when it is
 * made and removed when it closes. Its own {@code pool()} figures, its health checks ({@link HealthReport}) and its
 * statistics ({@link ResourceFigures}) all sum the same pools here, so they cannot disagree. A resource derived with
 * overrides keeps pools of its own; the reports of a name read its pools and its derived resources' together
 * ({@link #of}).
 */
public final class LivePools {

    private final List<WovenPool<?>> pools;

    public LivePools() {
        this(new CopyOnWriteArrayList<>());
    }

    private LivePools(List<WovenPool<?>> pools) {
        this.pools = pools;
    }

    /** The pools of several resources (a resource and those derived from it) read together, as they are now. */
    public static LivePools of(Collection<LivePools> each) {
        List<WovenPool<?>> all = new ArrayList<>();
        each.forEach(p -> all.addAll(p.pools));
        return new LivePools(all);
    }

    /** A pool was made: it is read from now until it closes. */
    public void add(WovenPool<?> pool) {
        pools.add(pool);
    }

    public void remove(WovenPool<?> pool) {
        pools.remove(pool);
    }

    public List<WovenPool<?>> list() {
        return List.copyOf(pools);
    }

    /** Their figures summed; {@code none} when no pool is live. */
    public PoolSnapshot snapshot(PoolSnapshot none) {
        if (pools.isEmpty()) {
            return none;
        }
        List<PoolSnapshot> snapshots = new ArrayList<>(pools.size());
        pools.forEach(p -> snapshots.add(p.snapshot()));
        return PoolSnapshot.sum(snapshots);
    }

    /**
     * What the health checks of {@code declaration} report over these pools: the worst circuit, quarantined when
     * any is, the first last error (masked with the secrets of the pool it came from: a tenant's pool has its own).
     *
     * @param health its status cascaded through its dependencies
     * @param none   its figures when no pool is live
     */
    public HealthReport report(ResourceDeclaration declaration, ResourceState state, HealthStatus health, PoolSnapshot none) {
        Redactor redactor = Redactor.of(declaration.settings());
        String circuit = declaration.resilience().circuitBreaker() ? "closed" : "off";
        boolean quarantined = false;
        boolean stalled = false;
        Throwable lastError = null;
        Redactor errorRedactor = redactor;
        Map<String, String> endpoints = new LinkedHashMap<>();
        for (WovenPool<?> p : pools) {
            for (EndpointStatus e : p.endpoints()) {
                // over the shared pool and the tenants': an endpoint DOWN in any of them is shown DOWN
                if (!e.up() || !endpoints.containsKey(e.name())) {
                    endpoints.put(e.name(), e.up() ? "UP" : String.format(Locale.ROOT, "DOWN for %.1f s: %s",
                            e.since().toMillis() / 1000.0, p.view().redactor().describe(e.error().orElse(null))));
                }
            }
            quarantined |= p.quarantined();
            stalled |= p.state().acceptsAcquisitions() && p.checksStalled(declaration.health().interval());
            CircuitState c = p.circuit().orElse(null);
            if (c != null && order(c.describe()) > order(circuit)) {
                circuit = c.describe();
            }
            if (lastError == null) {
                lastError = p.lastError().orElse(c == null ? null : c.lastError());
                errorRedactor = p.view().redactor();
            }
        }
        HealthStatus shown = health.with(health.status(), redactor.redact(health.message().orElse(null)));
        Object down = health.details().get("downDependencies");
        List<String> downDependencies = down instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
        return new HealthReport(declaration.name(), declaration.settings().kind(), state, shown, snapshot(none), circuit,
                errorRedactor.describe(lastError), quarantined, downDependencies, stalled, endpoints);
    }

    /** {@code report}'s figures with each tenant's pool and the recent acquisitions of these pools. */
    public ResourceFigures figures(HealthReport report) {
        Map<String, PoolSnapshot> tenants = new TreeMap<>();
        for (WovenPool<?> p : pools) {
            String tenant = p.view().tenant();
            if (tenant != null) {
                tenants.put(tenant, p.snapshot());
            }
        }
        Optional<RecentAcquisitions> recent = RecentAcquisitions.of(pools);
        String circuit = report.circuit();
        return new ResourceFigures(report.resource(), report.kind(), report.state(), report.health(),
                report.downDependencies(), report.pool(), tenants,
                recent.map(f -> (int) Math.min(Integer.MAX_VALUE, f.acquisitions())).orElse(0),
                recent.map(RecentAcquisitions::p99),
                recent.map(f -> OptionalDouble.of(f.errorRate())).orElse(OptionalDouble.empty()),
                "off".equals(circuit) ? Optional.empty() : Optional.of(circuit));
    }

    private static int order(String circuit) {
        return switch (circuit) {
            case "open" -> 3;
            case "half-open" -> 2;
            case "closed" -> 1;
            default -> 0;
        };
    }
}
