package io.nebula.resource.core.pipeline;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.Admission;
import io.nebula.resource.core.ConnectionPools;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.Ticker;
import io.nebula.resource.core.cluster.ClusterLimits;
import io.nebula.resource.core.audit.AuditGate;
import io.nebula.resource.core.credential.CredentialedProvider;
import io.nebula.resource.core.telemetry.PoolLog;
import io.nebula.resource.core.telemetry.PoolView;
import io.nebula.resource.core.telemetry.Redactor;
import io.nebula.resource.core.telemetry.Telemetry;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Assembles a {@link WovenPool}: the engine's pool ({@link ResourcePool#builder}) and the parts of its pipeline.
 * Every setting has a default read from the resource's settings, so {@code WovenPool.builder(provider,
 * settings).build()} is what the CDI extension makes for a resource declared with the same keys, less the
 * container's parts (CDI events, audit, a tenant's admission, the application's telemetry backends), which are set
 * here too.
 *
 * @param <R> the instance type
 */
public final class WovenPoolBuilder<R> {

    private final ResourceProvider<R> provider;
    private final ResourceSettings settings;
    private final ResourcePool.Builder<R> engine;
    private ResiliencePolicy resilience;
    private HealthPolicy health;
    private PoolConfig config;
    private Ticker ticker = Ticker.SYSTEM;
    private Telemetry telemetry = Telemetry.NONE;
    private AttemptGuard.Factory attemptGuards;
    private BiConsumer<ResourceContext, Throwable> onFailure = (ctx, error) -> { };
    private String tenant;
    private AuditGate audit;
    private Admission admission;
    private Fallback fallback;
    private String kind;
    private Supplier<HealthStatus> healthOf;
    private HealthScheduler scheduler;
    private Runnable onClose = () -> { };
    private io.nebula.resource.core.history.HistoryClock historyClock;
    private io.nebula.resource.core.history.AnomalyListener anomalies;
    private ClusterLimits cluster;
    private io.nebula.resource.core.cluster.ResourceGate gate;

    WovenPoolBuilder(ResourceProvider<R> provider, ResourceSettings settings) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.engine = ResourcePool.builder(provider, settings);
    }

    /** The engine's configuration; default {@link PoolConfig#from(ResourceSettings)}. */
    public WovenPoolBuilder<R> config(PoolConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        engine.config(config);
        return this;
    }

    /** Retry, circuit breaker, timeout and bulkhead; default read from {@code retry.*}, {@code circuit-breaker.*}, ... */
    public WovenPoolBuilder<R> resilience(ResiliencePolicy policy) {
        this.resilience = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** Scheduled checks and quarantine; default read from {@code health.*}. */
    public WovenPoolBuilder<R> health(HealthPolicy policy) {
        this.health = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** The clock of the engine and of every stage; tests pass a fake one. */
    public WovenPoolBuilder<R> ticker(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        engine.ticker(ticker);
        return this;
    }

    /** Runs the engine's creations; default its pool threads. Tests pass {@code Runnable::run}. */
    public WovenPoolBuilder<R> creator(java.util.concurrent.Executor creator) {
        engine.creator(creator);
        return this;
    }

    /** A listener of the engine's pool, beside the pipeline's own (log and telemetry). */
    public WovenPoolBuilder<R> listener(PoolListener listener) {
        engine.listener(listener);
        return this;
    }

    /** Spans and metrics; default none. {@link WovenPool#use} swaps them later. */
    public WovenPoolBuilder<R> telemetry(Telemetry telemetry) {
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        return this;
    }

    /** What runs an attempt within {@code timeout}; required when it is set (the bulkhead needs none). */
    public WovenPoolBuilder<R> attemptGuards(AttemptGuard.Factory factory) {
        this.attemptGuards = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /** Told of each failed acquisition, after its retries (the extension fires a CDI event). */
    public WovenPoolBuilder<R> onFailure(BiConsumer<ResourceContext, Throwable> onFailure) {
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        return this;
    }

    /**
     * The resource's cluster-wide limits ({@code cluster.*}), shared by the pools of all its tenants on this node:
     * its leases then pass the cluster stage. Default none: no such stage.
     */
    public WovenPoolBuilder<R> cluster(ClusterLimits cluster) {
        this.cluster = cluster;
        return this;
    }

    /**
     * The cluster's known-down gate of the resource ({@code ClusterGate.resource(name)}): the pipeline's cluster gate
     * stage, which fails acquisitions fast while another node has seen the backend down; and this pool tells it when its
     * circuit opens or an acquisition finds the backend down. Default none: no such stage.
     */
    public WovenPoolBuilder<R> gate(io.nebula.resource.core.cluster.ResourceGate gate) {
        this.gate = gate;
        return this;
    }

    /**
     * Audits the pool's acquisitions: its leases granted and given back (the gate hears the pool) and its failed
     * acquisitions, once per caller after its retries (the pipeline's audit stage). Default none: no audit stage.
     */
    public WovenPoolBuilder<R> audit(AuditGate audit) {
        this.audit = Objects.requireNonNull(audit, "audit");
        engine.listener(audit);
        return this;
    }

    /**
     * Admits each lease's acquisition first: a tenant's quota, from {@code TenantPools}, which gives the place back
     * when the lease is closed (so take leases from it, not from this pool). Default none: no admission stage.
     */
    public WovenPoolBuilder<R> admission(Admission admission) {
        this.admission = Objects.requireNonNull(admission, "admission");
        return this;
    }

    /**
     * Serves the pool's acquisitions from {@code fallback} while the resource is down (circuit open, quarantined,
     * backend unavailable), once, through the fallback's own pipeline: a lease of it, or what its shared instance hands
     * out. Its leases say so ({@code Lease.requested()}). Default none: no fallback stage.
     */
    public WovenPoolBuilder<R> fallback(Fallback fallback) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        return this;
    }

    /** The tenant whose pool this is, for telemetry and logs; default none (a resource's shared pool). */
    public WovenPoolBuilder<R> tenant(String tenant) {
        this.tenant = tenant;
        return this;
    }

    /** The kind reported in telemetry and logs; default the settings' kind. */
    public WovenPoolBuilder<R> kind(String kind) {
        this.kind = kind;
        return this;
    }

    /** The resource's health for its gauges (the extension's is cascaded through dependencies); default the pool's state. */
    public WovenPoolBuilder<R> healthOf(Supplier<HealthStatus> health) {
        this.healthOf = Objects.requireNonNull(health, "health");
        return this;
    }

    /** Runs the scheduled health checks; default a scheduler of two daemon threads shared by every pool. */
    public WovenPoolBuilder<R> scheduler(HealthScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    /**
     * Keeps the pool's last hour ({@link io.nebula.resource.core.history.PoolHistory}) on {@code clock}, telling
     * {@code anomalies} when it departs from its baseline and returns. Default none: the metering stage keeps no history.
     */
    public WovenPoolBuilder<R> history(io.nebula.resource.core.history.HistoryClock clock,
                                       io.nebula.resource.core.history.AnomalyListener anomalies) {
        this.historyClock = Objects.requireNonNull(clock, "clock");
        this.anomalies = Objects.requireNonNull(anomalies, "anomalies");
        return this;
    }

    /** Runs once the pool is closed or drained. */
    public WovenPoolBuilder<R> onClose(Runnable onClose) {
        this.onClose = Objects.requireNonNull(onClose, "onClose");
        return this;
    }

    /** @throws io.nebula.resource.ConfigurationInvalidException listing every invalid key */
    public WovenPool<R> build() {
        ConfigProblems problems = new ConfigProblems();
        ResiliencePolicy policy = resilience != null ? resilience : ResiliencePolicy.parse(settings, problems).orElse(null);
        HealthPolicy checks = health != null ? health : HealthPolicy.parse(settings, problems).orElse(null);
        PoolConfig pool = config != null ? config : PoolConfig.from(settings);
        problems.throwIfAny();
        AttemptGuard guard = null;
        if (!policy.timeout().isZero()) { // the bulkhead is core's own: it needs no guard
            if (attemptGuards == null) {
                throw settings.problem(ResiliencePolicy.TIMEOUT,
                        "needs an attempt guard (SmallRye Fault Tolerance in the CDI extension; "
                                + "WovenPoolBuilder.attemptGuards for a plain Java pool)");
            }
            guard = attemptGuards.guard(settings.name(), policy);
        }
        String name = settings.name();
        AtomicReference<ResourcePool<R>> built = new AtomicReference<>();
        AtomicReference<PoolLog> log = new AtomicReference<>();
        CircuitState circuit = !policy.circuitBreaker() ? null : new CircuitState(name, policy.circuitDelay(),
                Clock.systemUTC(), (from, now) -> log.get().circuitChanged(CircuitState.describe(from), now.describe(),
                now.nextProbe(), now.lastError()));
        Supplier<PoolSnapshot> snapshot = () -> {
            ResourcePool<R> p = built.get();
            return p != null ? p.snapshot() : new PoolSnapshot(0, 0, 0, 0, pool.minSize(), pool.maxSize());
        };
        Supplier<HealthStatus> healthNow = healthOf != null ? healthOf : () -> {
            ResourcePool<R> p = built.get();
            return p == null || p.state() != ResourceState.FAILED ? HealthStatus.up()
                    : p.lastError().map(HealthStatus::down).orElse(HealthStatus.down("Resource '" + name + "' failed"));
        };
        Ticker hitClock = ticker == Ticker.SYSTEM ? Ticker.coarse() : ticker;
        AcquisitionMeter meter = new AcquisitionMeter(tenant);
        ConnectionPools connections = new ConnectionPools();
        engine.connections(connections);
        io.nebula.resource.core.history.PoolHistory history = historyClock == null ? null
                : new io.nebula.resource.core.history.PoolHistory(name, tenant, historyClock, snapshot, anomalies,
                        meter::hitsAll); // the metering stage counts every hit; it tells the history only the time
        PoolView view = new PoolView(name, kind != null ? kind : settings.kind(), tenant, snapshot, healthNow,
                circuit == null ? null : circuit::code, meter, Redactor.of(settings), connections,
                history == null ? null : history::flagged);
        log.set(new PoolLog(view));
        Weave weave = new Weave(name, policy, new Failures(provider), circuit, checks.quarantineAfter(), guard, audit,
                admission, fallback, meter, view, log.get(), onFailure, hitClock, ticker, pool.acquireTimeout());
        weave.history(history);
        weave.attemptGuards(attemptGuards);
        weave.cluster(cluster);
        weave.gate(gate);
        if (gate != null) {
            weave.health().onDown(gate::down);
            engine.probeClaim(gate.recoveryProbes()); // the engine's recovery probe is one of the cluster's probes
        }
        if (cluster != null) { // this pool's share of cluster.max-instances / cluster.tenant.max-instances
            engine.instances(cluster.instances(tenant));
        }
        ResourcePool<R> engined = engine.listener(new WovenListener(log.get(), weave)).build();
        built.set(engined);
        weave.health().pool(engined);
        WovenPool<R> woven = new WovenPool<>(engined, weave, onClose);
        weave.use(telemetry);
        HealthScheduler s = scheduler != null ? scheduler : HealthScheduler.shared();
        weave.scheduler(s);
        if (weave.breaker() != null) {
            CircuitProber prober = new CircuitProber(name, weave.breaker(), () -> engined.check(CheckDepth.SHALLOW), s,
                    gate);
            CircuitState c = weave.circuit();
            weave.circuit().whenOpened(() -> {
                weave.health().circuitOpened(c);
                prober.opened();
            });
            weave.probing(prober);
        }
        if (gate != null) {
            // another node's probe found the backend up: this node's pool stops waiting out its backoff first, so the
            // half-open circuit's trial acquisition creates instead of being refused (which reopened the circuit and
            // the gate), then the circuit half-opens at once
            gate.whenClosed(engined::backendUpElsewhere);
            if (weave.breaker() != null) {
                gate.whenClosed(weave.breaker()::backendAnswered);
            }
        }
        if (provider instanceof CredentialedProvider<R> credentialed) {
            credentialed.listen(new RotationMetrics(woven));
        }
        woven.healthChecks(checks);
        return woven;
    }
}
