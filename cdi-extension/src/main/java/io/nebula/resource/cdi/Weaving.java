package io.nebula.resource.cdi;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.cdi.health.HealthScheduler;
import io.nebula.resource.cdi.health.Quarantine;
import io.nebula.resource.cdi.resilience.CircuitState;
import io.nebula.resource.cdi.resilience.Failures;
import io.nebula.resource.cdi.resilience.FaultToleranceLibrary;
import io.nebula.resource.cdi.resilience.ResiliencePolicy;
import io.nebula.resource.cdi.resilience.ResourceGuard;
import io.nebula.resource.cdi.telemetry.PoolLog;
import io.nebula.resource.cdi.telemetry.PoolView;
import io.nebula.resource.cdi.telemetry.Redactor;
import io.nebula.resource.cdi.telemetry.Telemetry;
import io.nebula.resource.cdi.telemetry.TraceContext;
import io.nebula.resource.core.ResourcePool;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Weaves fault tolerance, health and telemetry around every pool of one application's resources, with no
 * code from their users: each pool (a resource's shared pool, each tenant's) gets its own guard and so its
 * own circuit, its quarantine, its scheduled health checks, its telemetry and its structured log, and every
 * acquisition passes through its {@link AcquisitionChain}. Knows the live pools of each resource, for the
 * health checks that report on them.
 */
final class Weaving {

    private final Map<String, List<WovenPool<?>>> pools = new ConcurrentHashMap<>();
    private final HealthScheduler scheduler = new HealthScheduler();
    private final Clock clock = Clock.systemUTC();
    private volatile Telemetry telemetry = Telemetry.NONE;

    /**
     * Builds {@code builder}'s pool with the weaving's listener, wraps it, and schedules its health checks.
     *
     * @param settings the pool's own settings (a tenant's, with its overrides): their secrets are masked in its telemetry
     * @param tenant   the tenant whose pool this is, {@code null} for the resource's shared pool
     * @param health   the resource's health, cascaded, for gauges
     * @param events   the pool's CDI events: a failed acquisition is fired from its chain
     * @param audit    where the pool's leases enter the resource's audit trail; {@code null} when audit is off
     */
    <R> WovenPool<R> weave(ResourceDeclaration declaration, ResourceSettings settings, ResourcePool.Builder<R> builder,
                           String tenant, Supplier<HealthStatus> health, PoolEvents events, AuditGate audit) {
        String name = declaration.name();
        ResiliencePolicy policy = declaration.resilience();
        AtomicReference<ResourcePool<R>> built = new AtomicReference<>();
        AtomicReference<PoolLog> log = new AtomicReference<>();
        CircuitState circuit = !policy.circuitBreaker() ? null : new CircuitState(name, policy.circuitDelay(), clock,
                (from, now) -> log.get().circuitChanged(CircuitState.describe(from), now.describe(), now.nextProbe(),
                        now.lastError()));
        PoolView view = new PoolView(name, declaration.settings().kind(), tenant, () -> {
            ResourcePool<R> p = built.get();
            return p != null ? p.snapshot()
                    : new PoolSnapshot(0, 0, 0, 0, declaration.pool().minSize(), declaration.pool().maxSize());
        }, health, circuit, Redactor.of(settings));
        log.set(new PoolLog(view));
        PoolWeave weave = new PoolWeave(view, new ResourceGuard(name, policy, new Failures(declaration.provider()), circuit),
                new Quarantine(name, declaration.health().quarantineAfter(), log.get()), log.get(), events::acquisitionFailed);
        weave.use(telemetry);
        ResourcePool<R> pool = builder.listener(weave.listener(events, audit)).build();
        built.set(pool);

        List<WovenPool<?>> ofResource = pools.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
        WovenPool<R> woven = new WovenPool<>(pool, weave, () -> ofResource.removeIf(p -> p.weave() == weave));
        ofResource.add(woven);
        if (!declaration.health().interval().isZero()) {
            weave.scheduled(scheduler.every(declaration.health().interval(), name, () -> {
                if (woven.state().acceptsAcquisitions()) {
                    woven.check(declaration.health().depth());
                }
            }));
        }
        return woven;
    }

    /** The live pools of {@code resource}: its shared pool and its tenants'. */
    List<WovenPool<?>> poolsOf(String resource) {
        return pools.getOrDefault(resource, List.of());
    }

    /**
     * Reports every pool through {@code backends} from now on, pools started earlier included; and makes
     * {@link TraceContext} use them.
     */
    void use(Telemetry backends) {
        telemetry = backends;
        TraceContext.use(backends);
        pools.values().forEach(list -> list.forEach(p -> p.weave().use(backends)));
    }

    /** The current thread's scopes, for a data source's {@code getConnection()}. */
    static Supplier<ResourceContext> contextOf(ScopeRegistry scopes) {
        return () -> scopes.chain().context();
    }

    /** The application stops, after every pool was closed. */
    void close() {
        scheduler.close();
        Telemetry t = telemetry;
        telemetry = Telemetry.NONE;
        TraceContext.use(Telemetry.NONE);
        t.close();
        FaultToleranceLibrary.shutdown();
    }
}
