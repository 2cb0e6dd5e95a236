package io.nebula.resource.core.pipeline;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.EndpointStatus;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A pool with its acquisition pipeline: every acquisition passes through the stages
 * {@link AcquisitionPipeline#assemble} puts together from the resource's policy (a tenant's admission, audit, tracing,
 * metering, quarantine, circuit breaker, retry, timeout and bulkhead), every health check is traced and counted by its quarantine.
 * Everything else is the engine's pool as it is. What the CDI extension injects is one of these; a plain Java
 * user builds the same:
 *
 * <pre>{@code
 * WovenPool<Channel> jobs = WovenPool.builder(provider, settings)   // reads pool.*, retry.*, circuit-breaker.*, health.*
 *         .telemetry(telemetry)                                   // optional: spans and metrics
 *         .build();
 * jobs.start();
 * try (Lease<Channel> lease = jobs.acquire(Duration.ofMillis(250), ResourceContext.GLOBAL)) {
 *     lease.get().basicPublish(...);
 * }
 * jobs.close();
 * }</pre>
 *
 * @param <R> the instance type
 */
public final class WovenPool<R> implements ResourcePool<R> {

    private final ResourcePool<R> pool;
    private final Weave weave;
    private final Weave.Woven<Lease<R>> leases;
    private final Weave.Woven<Lease<R>> ownLeases; // without the fallback stage: leases when there is no fallback
    private final Runnable onClose;
    private final java.util.concurrent.locks.ReentrantLock handOutLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile Object gated; // the last instance put behind the pipeline
    private volatile boolean handsOut; // whether its provider runs what it hands out through the pipeline
    private volatile Weave.Woven<?> handOuts; // the pipeline of what the gated instance hands out

    WovenPool(ResourcePool<R> pool, Weave weave, Runnable onClose) {
        this.pool = pool;
        this.weave = weave;
        this.onClose = onClose;
        // pool.acquire-timeout read as the wait begins: an operator may change it (acquireTimeout)
        Acquisition<Lease<R>> own = (timeout, ctx) -> pool.acquire(timeout == null ? pool.config().acquireTimeout()
                : timeout, ctx);
        Fallback fallback = weave.fallback();
        this.leases = weave.weave(own, true, fallback == null ? null
                : (timeout, ctx) -> new FallbackLease<>(fallback.lease(timeout, ctx), pool.name()));
        this.ownLeases = fallback == null ? leases : weave.weave(own, true, null);
    }

    /** Assembles a pool with its pipeline: the engine's pool from {@code pool.*}, the stages from the other keys. */
    public static <R> WovenPoolBuilder<R> builder(ResourceProvider<R> provider, io.nebula.resource.ResourceSettings settings) {
        return new WovenPoolBuilder<>(provider, settings);
    }

    /**
     * {@code instance}, a shared instance of this pool, with what it hands out itself (a JDBC {@code getConnection()})
     * behind this pool's pipeline: its breaker, meter, quarantine, audit and telemetry are the pool's (no tenant's
     * quota counts a hand-out), and each hand-out is
     * made for the scopes {@code context} gives at the time. The provider is asked once per instance
     * ({@link ResourceProvider#handOutThrough}); later calls with the same instance return it at once.
     */
    public R handingOut(R instance, java.util.function.Supplier<ResourceContext> context) {
        Object gated = this.gated;
        if (gated != instance) {
            gate(instance, context);
        }
        return instance;
    }

    private void gate(R instance, java.util.function.Supplier<ResourceContext> context) {
        handOutLock.lock(); // two first callers must not both put the instance behind two pipelines
        try {
            if (gated != instance) {
                pool.provider().handOutThrough(instance, new io.nebula.resource.spi.HandOutPipeline() {
                    @Override
                    public <T> Gate<T> around(java.util.concurrent.Callable<T> handOut) {
                        return bounded(within -> handOut.call());
                    }

                    /** Each attempt is told what the retry left of the budget: its {@code timeout}, null for the first. */
                    @Override
                    public <T> Gate<T> bounded(Bounded<T> handOut) {
                        handsOut = true;
                        Fallback fallback = weave.fallback();
                        @SuppressWarnings("unchecked") // the fallback's instances are of this resource's type
                        Acquisition<T> served = fallback == null ? null : (timeout, ctx) -> (T) fallback.handOut(ctx);
                        Weave.Woven<T> pipeline = weave.weave((timeout, ctx) -> handOut.handOut(timeout), false, served);
                        handOuts = pipeline;
                        return () -> pipeline.acquire(null, context.get());
                    }
                });
                gated = instance;
            }
        } finally {
            handOutLock.unlock();
        }
    }

    /**
     * Whether the instance's provider runs each of its hand-outs (a data source's {@code getConnection()}) through
     * this pool's pipeline, so that each is an acquisition of its own; known once the instance was first handed out.
     */
    public boolean handsOutThroughPipeline() {
        return handsOut;
    }

    /**
     * What this pool's shared instance hands out (a data source's {@code getConnection()}), through this pool's
     * pipeline, for {@code ctx}: how this resource serves as the {@code fallback} of another. An instance not yet
     * behind the pipeline is put there first ({@link #handingOut}, with {@code context} for its later callers), from
     * a lease of it taken and given back.
     *
     * @throws IllegalStateException when its provider hands out nothing through the pipeline
     */
    public Object handOut(ResourceContext ctx, java.util.function.Supplier<ResourceContext> context) throws Exception {
        Weave.Woven<?> pipeline = handOuts;
        if (pipeline == null) {
            try (Lease<R> lease = ownLeases.acquire(null, ctx)) {
                handingOut(lease.get(), context);
            }
            pipeline = handOuts;
            if (pipeline == null) {
                throw new IllegalStateException("Resource '" + name() + "' (" + provider().kind() + ") hands out"
                        + " nothing of its own, so it cannot stand in for what another resource's instance hands out");
            }
        }
        return pipeline.acquire(null, ctx);
    }

    /**
     * For a caller that will use this pool's shared instance later, through what it hands out (an {@code @Action}
     * naming a data source of global scope): nothing is acquired, metered or audited while the pool is ready and the
     * pipeline would let an acquisition through. Otherwise one acquisition is made and given back at once, so that a
     * refusal (circuit open, quarantined, draining) is the pipeline's own, counted and reported as any.
     *
     * <p>A pool that is {@code FAILED} while its instance hands out through the pipeline is let through too when the
     * pipeline admits: a lease of the shared instance asks nothing of the backend, so its success would move
     * readiness UP although nobody asked the backend, and the hand-out that follows would move it DOWN again — under
     * load readiness would read UP through a whole outage. The caller's hand-outs ask the backend, each an
     * acquisition of its own, and they move readiness.
     */
    public void admit(ResourceContext ctx) {
        ResourceState state = pool.state();
        if ((state == ResourceState.READY || state == ResourceState.FAILED && handsOut) && weave.admits()) {
            return;
        }
        acquire(null, ctx).close();
    }

    @Override
    public Lease<R> acquire(Duration timeout, ResourceContext ctx) {
        return Stages.unchecked(pool.name(), leases, timeout, ctx);
    }

    /**
     * A lease of this pool's own instance, never its fallback's: for a caller that keeps the instance as this
     * resource's (the CDI extension injecting a shared instance). The same as {@link #acquire} without a fallback.
     */
    public Lease<R> acquireOwn(Duration timeout, ResourceContext ctx) {
        return Stages.unchecked(pool.name(), ownLeases, timeout, ctx);
    }

    /**
     * Records that the resource was down ({@code error}) and its fallback served a caller that this pool's pipeline
     * did not see (the CDI extension's stand-in for a shared instance never had): the fallback's telemetry and audit,
     * as {@link FallbackStage} records one. Nothing when the resource has no fallback.
     */
    public void fellBack(ResourceContext ctx, io.nebula.resource.ResourceException error) {
        Fallback fallback = weave.fallback();
        if (fallback == null) {
            return;
        }
        weave.telemetry().fellBack(ctx, fallback.name(), error);
        if (weave.audit() != null) {
            weave.audit().fellBack(ctx, fallback.name(), error);
        }
    }

    @Override
    public Lease<R> acquire() {
        return acquire(null, ResourceContext.GLOBAL);
    }

    @Override
    public Lease<R> acquire(Duration timeout) {
        return acquire(timeout, ResourceContext.GLOBAL);
    }

    @Override
    public HealthStatus check(CheckDepth depth) {
        return weave.observe(depth, () -> pool.check(depth));
    }

    /**
     * Starts the pool and proves it ({@code start=eager}): {@link #start}, then one {@link #check} at {@code depth},
     * which creates an instance when none is idle and asks the provider about it. When the backend does not answer,
     * the pool is {@code FAILED} (readiness DOWN) and is checked again every second in the background until it
     * answers (while the cluster's gate is open, only holding the cluster's probe claim); this does not throw.
     *
     * @return the check's answer
     */
    public HealthStatus startChecked(CheckDepth depth) {
        pool.start();
        HealthStatus status = check(depth);
        if (status.status() == HealthStatus.Status.DOWN && pool.state().acceptsAcquisitions()) {
            weave.recoverWith(() -> pool.state().acceptsAcquisitions() ? claimedCheck(depth) : HealthStatus.up());
        }
        return status;
    }

    /**
     * A check that, while the cluster's gate is open, is one of the cluster's probes ({@link ClaimedCheck}): asks the
     * backend only holding the claim, else answers what the gate knows.
     */
    private HealthStatus claimedCheck(CheckDepth depth) {
        return ClaimedCheck.run(weave.gate(), pool, depth, this::check, known -> weave.observe(depth, () -> known));
    }

    /** Reports this pool through {@code backends} from now on; its pipelines are assembled again for them. */
    public void use(io.nebula.resource.core.telemetry.Telemetry backends) {
        weave.use(backends);
    }

    /** The circuit breaker's state; empty when the breaker is off. */
    public Optional<CircuitState> circuit() {
        return Optional.ofNullable(weave.circuit());
    }

    /** Whether the pool is quarantined: it failed {@code health.quarantine-after} deep checks in a row. */
    public boolean quarantined() {
        Quarantine q = weave.quarantine();
        return q != null && q.active();
    }

    /**
     * An operator pauses or drains the pool ({@code PAUSE}, {@code DRAIN}): new acquisitions are refused at once with
     * {@link io.nebula.resource.admin.ResourcePausedException}; {@code null} serves them again. Leases out are kept.
     */
    public void hold(io.nebula.resource.admin.AdminAction action) {
        weave.hold(action);
    }

    /** {@code PAUSE} or {@code DRAIN} while an operator holds the pool, empty otherwise. */
    public Optional<io.nebula.resource.admin.AdminAction> held() {
        return Optional.ofNullable(weave.hold());
    }

    /**
     * An operator changed {@code retry.*}, {@code circuit-breaker.*} (but {@code enabled}) or {@code timeout}: from the
     * next acquisition on, with {@code policy}'s settings of {@link ResiliencePolicy#CHANGEABLE_KEYS}; the breaker keeps
     * its state, an acquisition under way its stages.
     *
     * @throws IllegalStateException when {@code timeout} changes on a pool with a bulkhead, or needs an attempt guard
     *                               the pool has no factory for; nothing is changed then
     */
    public void resilience(ResiliencePolicy policy) {
        weave.resilience(policy);
    }

    /**
     * Checks the pool every {@code health.interval} at {@code health.depth} from now on (never for an interval of 0),
     * in place of the checks scheduled before; a check under way finishes. While the cluster's gate is open a check
     * asks the backend only holding the cluster's probe claim ({@link ClaimedCheck}). {@code health.quarantine-after}
     * keeps the value the pool was made with (it adds or removes the quarantine stage).
     */
    public void healthChecks(HealthPolicy health) {
        weave.checkEvery(health.interval(), health.depth(), depth -> {
            if (state().acceptsAcquisitions()) {
                // while the cluster's gate is open, one of the cluster's probes: only holding its claim
                claimedCheck(depth);
            }
        });
    }

    /** Quarantines the pool by hand until {@link #release}, whatever {@code health.quarantine-after} says. */
    public void quarantine(String reason) {
        weave.quarantineByHand(reason);
    }

    /** Lifts a quarantine, by hand or by checks. */
    public void release() {
        weave.release();
    }

    /** Closes the circuit breaker and forgets its failures; nothing when the breaker is off. */
    public void resetCircuit() {
        CircuitBreaker b = weave.breaker();
        if (b != null) {
            b.reset();
        }
    }

    @Override
    public int closeIdle() {
        return pool.closeIdle();
    }

    @Override
    public void reopen() {
        pool.reopen();
    }

    /** Whether its scheduled health checks stopped running (see {@link Weave#checksStalled}). */
    public boolean checksStalled(Duration interval) {
        return weave.checksStalled(interval);
    }

    /** How its acquisitions ended, since it started: what metrics read. */
    public io.nebula.resource.core.telemetry.AcquisitionCounts counts() {
        return weave.meter();
    }

    /** What telemetry may read of this pool. */
    public io.nebula.resource.core.telemetry.PoolView view() {
        return weave.view();
    }

    /** The telemetry in use now; for the extension's own per-pool figures (credential rotations). */
    public io.nebula.resource.core.telemetry.PoolTelemetry telemetry() {
        return weave.telemetry();
    }

    /** The stages a lease passes through now, outermost first, as {@link AcquisitionPipeline} assembled them. */
    public java.util.List<String> stages() {
        return leases.stages();
    }

    /** The pool's last hour; empty when {@code nebula.history.enabled=false}. */
    public Optional<io.nebula.resource.core.history.PoolHistory> history() {
        return Optional.ofNullable(weave.history());
    }

    AcquisitionMeter meter() {
        return weave.meter();
    }

    Weave weave() {
        return weave;
    }

    @Override
    public String name() {
        return pool.name();
    }

    @Override
    public ResourceProvider<R> provider() {
        return pool.provider();
    }

    @Override
    public PoolConfig config() {
        return pool.config();
    }

    @Override
    public void start() {
        pool.start();
    }

    @Override
    public PoolSnapshot snapshot() {
        return pool.snapshot();
    }

    @Override
    public ResourceState state() {
        return pool.state();
    }

    @Override
    public Optional<Throwable> lastError() {
        return pool.lastError();
    }

    @Override
    public List<EndpointStatus> endpoints() {
        return pool.endpoints();
    }

    @Override
    public void backendFailed(Throwable error) {
        pool.backendFailed(error);
    }

    @Override
    public void backendAnswered() {
        pool.backendAnswered();
    }

    @Override
    public void backendUpElsewhere() {
        pool.backendUpElsewhere();
    }

    @Override
    public void resize(int minSize, int maxSize) {
        pool.resize(minSize, maxSize);
    }

    /**
     * An operator changed {@code pool.acquire-timeout}: the engine's pool and its live instances take it
     * ({@link ResourcePool#acquireTimeout}), then the pipelines are assembled again with it (deadline, retry and
     * cluster-gate stages bound an acquisition naming no timeout by it). An acquisition already waiting, or already in
     * the pipeline, keeps the budget it began with; acquisitions begun from now on wait at most {@code timeout}.
     */
    @Override
    public void acquireTimeout(Duration timeout) {
        pool.acquireTimeout(timeout);
        weave.poolTimeout(timeout);
    }

    @Override
    public void drain(Duration grace) {
        try {
            pool.drain(grace);
        } finally {
            weave.close();
            onClose.run();
        }
    }

    @Override
    public boolean reportError(Lease<R> lease, Throwable error) {
        return pool.reportError(lease, error);
    }

    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            weave.close();
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return pool.toString();
    }
}
