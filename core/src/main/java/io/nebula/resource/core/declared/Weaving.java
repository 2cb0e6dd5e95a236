package io.nebula.resource.core.declared;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.Admission;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.audit.AuditGate;
import io.nebula.resource.core.pipeline.AttemptGuard;
import io.nebula.resource.core.pipeline.Fallback;
import io.nebula.resource.core.pipeline.HealthScheduler;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.core.telemetry.Telemetry;
import io.nebula.resource.spi.ResourceProvider;

import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The application's woven pools: each pool (a resource's shared pool, each tenant's) is a {@link WovenPool}, whose
 * pipeline core assembles; this class gives it what the application's pools share — its events, audit, a tenant's
 * admission, the guards
 * of each attempt's timeout and bulkhead (SmallRye Fault Tolerance's in the CDI extension), the application's
 * telemetry backends (found only after deployment in the CDI extension, then swapped into every live pool) and one
 * health scheduler. Each pool is added to its resource's {@link LivePools} while it lives, for the health checks and
 * statistics that report on them.
 */
public final class Weaving {

    private final HealthScheduler scheduler = new HealthScheduler();
    private final AttemptGuard.Factory attemptGuards;
    private final Consumer<Telemetry> telemetryChanged;
    private volatile Telemetry telemetry = Telemetry.NONE;
    private volatile io.nebula.resource.core.history.HistoryClock history; // null: nebula.history.enabled=false
    private volatile io.nebula.resource.core.cluster.Cluster cluster; // null: nebula.cluster.resource unset

    /**
     * @param attemptGuards    guards each attempt of a resource with a timeout or a bulkhead
     * @param telemetryChanged told which telemetry the pools report through whenever that changes, and
     *                         {@link Telemetry#NONE} at the end (the extension's trace context follows it)
     */
    public Weaving(AttemptGuard.Factory attemptGuards, Consumer<Telemetry> telemetryChanged) {
        this.attemptGuards = attemptGuards;
        this.telemetryChanged = telemetryChanged;
    }

    /** Keeps every pool's last hour on {@code clock} from now on ({@code nebula.history.enabled}); {@code null} for none. */
    public void history(io.nebula.resource.core.history.HistoryClock clock) {
        this.history = clock;
    }

    /**
     * Weaves each resource's cluster-wide limits ({@code cluster.*}) into its pools from now on
     * ({@code nebula.cluster.resource}); set before the first pool is made. Its metrics are reported through the
     * telemetry backends ({@link Telemetry#cluster}).
     */
    public void cluster(io.nebula.resource.core.cluster.Cluster cluster) {
        this.cluster = cluster;
        if (cluster != null) {
            telemetry.cluster(cluster);
        }
    }

    /** The clock of the pools' history; {@code null} when they keep none. */
    public io.nebula.resource.core.history.HistoryClock history() {
        return history;
    }

    /**
     * Builds a woven pool of {@code builder}'s settings, for {@code declaration}.
     *
     * @param settings the pool's own settings (a tenant's, with its overrides): their secrets are masked in its telemetry
     * @param tenant   the tenant whose pool this is, {@code null} for the resource's shared pool
     * @param health   the resource's health, cascaded, for gauges
     * @param events   the pool's events: a failed acquisition is reported from its pipeline
     * @param audit    where the pool's leases and failed acquisitions enter the resource's audit trail; {@code null}
     *                 when audit is off, and the pipeline has no audit stage
     * @param admission a tenant's quota, admitting each lease first; {@code null} when it limits nothing
     * @param fallback  the resource that serves the pool's acquisitions while it is down; {@code null} when none
     * @param live     the resource's live pools: the pool is in them until it closes
     */
    <R> WovenPool<R> weave(ResourceDeclaration declaration, ResourceSettings settings, ResourceProvider<R> provider,
                           PoolConfig config, String tenant, Supplier<HealthStatus> health, PoolEvents events,
                           AuditGate audit, Admission admission, Fallback fallback, LivePools live) {
        WovenPool<?>[] made = new WovenPool<?>[1];
        var builder = WovenPool.builder(provider, settings)
                .config(config)
                .resilience(declaration.resilience())
                .health(declaration.health())
                .kind(declaration.settings().kind())
                .tenant(tenant)
                .healthOf(health)
                .attemptGuards(attemptGuards)
                .onFailure(events::acquisitionFailed)
                .scheduler(scheduler)
                .telemetry(telemetry)
                .listener(events)
                .onClose(() -> {
                    live.remove(made[0]);
                    leaveRotation(declaration.name(), provider);
                });
        io.nebula.resource.core.history.HistoryClock clock = history;
        if (clock != null) {
            builder.history(clock, events);
        }
        if (audit != null) {
            builder.audit(audit);
        }
        if (admission != null) {
            builder.admission(admission);
        }
        if (fallback != null) {
            builder.fallback(fallback);
        }
        io.nebula.resource.core.cluster.Cluster c = cluster;
        if (c != null) { // the resource's limits, shared by its tenants' pools; null when it sets no cluster.* key
            builder.cluster(c.limits(declaration.name(), declaration.settings()));
            if (declaration.resilience().circuitBreaker()) { // the gate is the cluster's circuit: only with one here
                builder.gate(c.gate(declaration.name()));
            }
        }
        if (c != null && c.rotation() != null
                && provider instanceof io.nebula.resource.core.credential.CredentialedProvider<R> credentialed) {
            c.rotation().join(declaration.name(), credentialed); // its rotations told to and heard from every node
        }
        WovenPool<R> woven = builder.build();
        made[0] = woven;
        live.add(woven);
        return woven;
    }

    private void leaveRotation(String resource, ResourceProvider<?> provider) {
        io.nebula.resource.core.cluster.Cluster c = cluster;
        if (c != null && c.rotation() != null
                && provider instanceof io.nebula.resource.core.credential.CredentialedProvider<?> credentialed) {
            c.rotation().leave(resource, credentialed);
        }
    }

    /** Reports every pool through {@code backends} from now on, the {@code live} ones started earlier included. */
    public void use(Telemetry backends, Collection<LivePools> live) {
        telemetry = backends;
        telemetryChanged.accept(backends);
        io.nebula.resource.core.cluster.Cluster c = cluster;
        if (c != null) {
            backends.cluster(c);
        }
        live.forEach(pools -> pools.list().forEach(p -> p.use(backends)));
    }

    /** The application stops, after every pool was closed. */
    public void close() {
        scheduler.close();
        Telemetry t = telemetry;
        telemetry = Telemetry.NONE;
        telemetryChanged.accept(Telemetry.NONE);
        t.close();
    }
}
