package io.nebula.resource.cdi;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.cdi.integration.faulttolerance.FaultToleranceLibrary;
import io.nebula.resource.cdi.integration.faulttolerance.SmallRyeAttemptGuard;
import io.nebula.resource.cdi.integration.telemetry.TraceContext;
import io.nebula.resource.cdi.scope.ScopeRegistry;
import io.nebula.resource.core.audit.AuditGate;
import io.nebula.resource.core.declared.LivePools;
import io.nebula.resource.core.declared.PoolEvents;
import io.nebula.resource.core.declared.ResourceDeclaration;
import io.nebula.resource.core.pipeline.HealthScheduler;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.core.telemetry.Telemetry;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * The application's woven pools: each pool (a resource's shared pool, each tenant's) is a core
 * {@link WovenPool}, whose pipeline core assembles; this class gives it the container's parts — its CDI events,
 * audit, SmallRye Fault Tolerance for timeouts and bulkheads, the application's telemetry backends (found only
 * after deployment, then swapped into every live pool) and one health scheduler. Each pool is added to its
 * resource's {@link LivePools} while it lives, for the health checks and statistics that report on them.
 */
final class Weaving {

    private final HealthScheduler scheduler = new HealthScheduler();
    private volatile Telemetry telemetry = Telemetry.NONE;

    /**
     * Builds a woven pool of {@code builder}'s settings, for {@code declaration}.
     *
     * @param settings the pool's own settings (a tenant's, with its overrides): their secrets are masked in its telemetry
     * @param tenant   the tenant whose pool this is, {@code null} for the resource's shared pool
     * @param health   the resource's health, cascaded, for gauges
     * @param events   the pool's CDI events: a failed acquisition is fired from its pipeline
     * @param audit    where the pool's leases enter the resource's audit trail; {@code null} when audit is off
     * @param live     the resource's live pools: the pool is in them until it closes
     */
    <R> WovenPool<R> weave(ResourceDeclaration declaration, ResourceSettings settings,
                           io.nebula.resource.spi.ResourceProvider<R> provider, io.nebula.resource.core.PoolConfig config,
                           String tenant, Supplier<HealthStatus> health, PoolEvents events, AuditGate audit,
                           LivePools live) {
        WovenPool<?>[] made = new WovenPool<?>[1];
        var builder = WovenPool.builder(provider, settings)
                .config(config)
                .resilience(declaration.resilience())
                .health(declaration.health())
                .kind(declaration.settings().kind())
                .tenant(tenant)
                .healthOf(health)
                .attemptGuards(SmallRyeAttemptGuard::new)
                .onFailure(events::acquisitionFailed)
                .scheduler(scheduler)
                .telemetry(telemetry)
                .listener(events)
                .onClose(() -> live.remove(made[0]));
        if (audit != null) {
            builder.listener(audit);
        }
        WovenPool<R> woven = builder.build();
        made[0] = woven;
        live.add(woven);
        return woven;
    }

    /**
     * Reports every pool through {@code backends} from now on, the {@code live} ones started earlier included;
     * and makes {@link TraceContext} use them.
     */
    void use(Telemetry backends, Collection<LivePools> live) {
        telemetry = backends;
        TraceContext.use(backends);
        live.forEach(pools -> pools.list().forEach(p -> p.use(backends)));
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
