package io.nebula.resource.core.pipeline;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.Admission;
import io.nebula.resource.core.Ticker;
import io.nebula.resource.core.audit.AuditGate;
import io.nebula.resource.core.cluster.ClusterLimits;
import io.nebula.resource.core.telemetry.PoolLog;
import io.nebula.resource.core.telemetry.PoolTelemetry;
import io.nebula.resource.core.telemetry.PoolView;
import io.nebula.resource.core.telemetry.Telemetry;
import io.nebula.resource.spi.CheckDepth;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * What is woven around one pool (a resource's shared pool, or one tenant's): the parts its pipelines are
 * assembled from — policy, breaker, quarantine, meter, log, attempt guard, audit, the tenant's admission — and the
 * telemetry in use. The
 * telemetry can be swapped in after the pool started (the CDI extension finds its backends only after
 * deployment): every pipeline of the pool is then assembled again, so a stage that is off is never there.
 */
final class Weave {

    private final String resource;
    private volatile ResiliencePolicy policy; // its changeable keys replaced when an operator changes them
    private final Failures failures;
    private final CircuitState circuit; // null when the breaker is off
    private final CircuitBreaker breaker;
    private final Quarantine quarantine; // in the pipeline only with quarantine-after above 0, or quarantined by hand
    private final AcquisitionMeter meter;
    private final AcquisitionHealth health;
    private volatile AttemptGuard attemptGuard; // null without timeout; made again with a new timeout
    private final Bulkhead bulkhead; // always there, in the pipeline only with max-concurrent above 0; resized live
    private volatile AttemptGuard.Factory attemptGuards; // null for a pool built without one
    private final AuditGate audit; // null when audit is off
    private final Admission admission; // null unless a tenant's quota limits its leases
    private final Fallback fallback; // null unless the resource names a fallback
    private final PoolLog log;
    private final BiConsumer<ResourceContext, Throwable> failed;
    private final Ticker hitClock;
    private final Ticker ticker;
    private volatile Duration poolTimeout; // pool.acquire-timeout: the stages read it when they are assembled
    private volatile io.nebula.resource.core.history.PoolHistory history; // null when history is off
    private final List<Woven<?>> pipelines = new CopyOnWriteArrayList<>();
    private final PoolView view;
    private volatile PoolTelemetry telemetry = PoolTelemetry.NONE;
    private final java.util.concurrent.locks.ReentrantLock assembling = new java.util.concurrent.locks.ReentrantLock();
    private volatile io.nebula.resource.admin.AdminAction hold; // PAUSE or DRAIN while an operator holds the pool
    private volatile Future<?> checks;
    private volatile CircuitProber prober;
    private volatile HealthScheduler scheduler;
    private final java.util.concurrent.atomic.AtomicReference<Future<?>> recovering = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile long lastCheck;
    private volatile ClusterLimits cluster; // null unless the resource has a cluster-wide limit
    private volatile io.nebula.resource.core.cluster.ResourceGate gate; // null unless a cluster is configured

    Weave(String resource, ResiliencePolicy policy, Failures failures, CircuitState circuit, int quarantineAfter,
          AttemptGuard attemptGuard, AuditGate audit, Admission admission, Fallback fallback, AcquisitionMeter meter,
          PoolView view, PoolLog log, BiConsumer<ResourceContext, Throwable> failed, Ticker hitClock, Ticker ticker,
          Duration poolTimeout) {
        this.resource = resource;
        this.policy = policy;
        this.failures = failures;
        this.circuit = policy.circuitBreaker() ? circuit : null;
        this.breaker = this.circuit == null ? null
                : new CircuitBreaker(policy, failures::countsAgainstCircuit, this.circuit, ticker);
        this.quarantine = new Quarantine(resource, quarantineAfter, log);
        this.meter = meter;
        this.health = new AcquisitionHealth(failures);
        this.view = view;
        this.attemptGuard = attemptGuard;
        this.bulkhead = new Bulkhead(policy.maxConcurrent(), policy.queue());
        this.audit = audit;
        this.admission = admission;
        this.fallback = fallback;
        this.log = log;
        this.failed = failed;
        this.hitClock = hitClock;
        this.ticker = ticker;
        this.poolTimeout = poolTimeout;
        this.lastCheck = ticker.nanoTime();
    }

    /**
     * A pipeline around {@code innermost}, assembled now and again whenever the telemetry changes.
     *
     * @param leases whether it hands out the pool's leases, which a tenant's quota admits, or what a provider hands
     *               out itself, which no quota counts
     * @param fallback how the resource's {@link #fallback()} serves what this pipeline acquires; {@code null} for a
     *                 pipeline without the fallback stage
     */
    <T> Woven<T> weave(Acquisition<T> innermost, boolean leases, Acquisition<T> fallback) {
        Woven<T> woven = new Woven<>(innermost, leases ? admission : null, this.fallback == null ? null : fallback);
        // a resource limited only in its instances (cluster.max-instances) has no cluster stage in its leases
        woven.cluster = leases && cluster != null && cluster.countsLeases() ? cluster : null;
        woven.assemble(this, telemetry);
        pipelines.add(woven);
        return woven;
    }

    /** Reports the pool through {@code backends} from now on. */
    void use(Telemetry backends) {
        PoolTelemetry previous = telemetry;
        telemetry = backends.forPool(view);
        reassemble();
        previous.close();
    }

    /**
     * An operator holds the pool ({@code PAUSE} or {@code DRAIN}), or lets it go ({@code null}): its pipelines are
     * assembled again with or without the {@link OperatorHold} stage.
     */
    void hold(io.nebula.resource.admin.AdminAction action) {
        hold = action;
        reassemble();
    }

    /** {@code PAUSE} or {@code DRAIN} while an operator holds the pool; {@code null} otherwise. */
    io.nebula.resource.admin.AdminAction hold() {
        return hold;
    }

    /**
     * An operator changed {@code retry.*}, {@code circuit-breaker.*}, {@code timeout} or {@code bulkhead.*}: the
     * breaker judges with {@code next}'s settings from now on, in the state it is in
     * ({@link CircuitBreaker#reconfigure}); a new {@code timeout} gets an attempt guard of its own from the pool's
     * factory (none for 0); the pool's one {@link Bulkhead} takes the new limits with the calls under way counted
     * ({@link Bulkhead#resize}); and the pipelines are assembled again with them (the retry stage comes or goes with
     * {@code retry.max-retries}, the attempt guard with {@code timeout}, the bulkhead stage with
     * {@code bulkhead.max-concurrent}). An acquisition under way keeps the stages, and so the guard, it began with;
     * one that began without a bulkhead is not counted by one switched on after. Whether the breaker is on keeps the
     * setting the pool was made with.
     *
     * @throws IllegalStateException when the timeout needs a guard the pool has no factory for; nothing is changed
     *                               then
     */
    void resilience(ResiliencePolicy next) {
        assembling.lock();
        try {
            ResiliencePolicy now = policy.withChangeableOf(next);
            AttemptGuard guard = attemptGuard;
            if (!now.timeout().equals(policy.timeout())) {
                AttemptGuard.Factory factory = attemptGuards;
                if (!now.timeout().isZero() && factory == null) {
                    throw new IllegalStateException("Resource '" + resource + "': a timeout needs an attempt guard"
                            + " and the pool was built without WovenPoolBuilder.attemptGuards");
                }
                guard = now.timeout().isZero() ? null : factory.guard(resource, now);
            }
            policy = now;
            attemptGuard = guard;
            bulkhead.resize(now.maxConcurrent(), now.queue()); // before the reassembly: a new stage finds them
            if (breaker != null) {
                breaker.reconfigure(now);
            }
        } finally {
            assembling.unlock();
        }
        reassemble();
    }

    /**
     * An operator changed {@code pool.acquire-timeout}: the pipelines are assembled again, so that the stages that
     * bound an acquisition naming no timeout of its own (deadline, retry, cluster gate) bound it by {@code timeout}
     * from the next acquisition on; an acquisition under way keeps the stages, and so the budget, it began with.
     */
    void poolTimeout(Duration timeout) {
        assembling.lock();
        try {
            poolTimeout = timeout;
        } finally {
            assembling.unlock();
        }
        reassemble();
    }

    /** Set once by the builder, before any pipeline is assembled: what makes the guard of a new {@code timeout}. */
    void attemptGuards(AttemptGuard.Factory factory) {
        this.attemptGuards = factory;
    }

    /** Quarantines the pool by hand, or lifts any quarantine: the stage comes and goes with it. */
    void quarantineByHand(String reason) {
        quarantine.byHand(reason);
        reassemble();
    }

    void release() {
        quarantine.release();
        reassemble();
    }

    /** Assembles every pipeline of the pool again with the telemetry in use: a stage switched on or off is there or not. */
    private void reassemble() {
        assembling.lock(); // a pause and a telemetry swap at once must not leave a pipeline assembled from stale parts
        try {
            PoolTelemetry now = telemetry;
            for (Woven<?> w : pipelines) {
                w.assemble(this, now);
            }
        } finally {
            assembling.unlock();
        }
    }

    PoolView view() {
        return view;
    }

    PoolTelemetry telemetry() {
        return telemetry;
    }

    /** A health check ran: its span, and the quarantine's count. */
    HealthStatus observe(CheckDepth depth, Supplier<HealthStatus> check) {
        PoolTelemetry t = telemetry;
        Object span = t.startHealthCheck();
        HealthStatus status;
        try {
            status = check.get();
        } catch (RuntimeException e) {
            status = HealthStatus.down(e);
        }
        t.endHealthCheck(span, status);
        quarantine.checked(depth, status);
        lastCheck = ticker.nanoTime();
        return status;
    }

    void probing(CircuitProber prober) {
        this.prober = prober;
    }

    /** The circuit's prober, {@code null} without a breaker. */
    CircuitProber prober() {
        return prober;
    }

    void scheduler(HealthScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Runs {@code check} every {@link CircuitProber#INTERVAL} until it answers UP or DEGRADED: a pool that found its
     * backend down when it started eagerly. The check's answer moves the pool's lifecycle, so readiness is UP within
     * a second of the backend's return, whatever the pool's backoff or its scheduled checks' interval.
     */
    void recoverWith(Supplier<HealthStatus> check) {
        HealthScheduler s = scheduler;
        if (s == null || recovering.get() != null) {
            return;
        }
        Future<?> task = s.every(CircuitProber.INTERVAL, resource, () -> {
            if (check.get().status() != HealthStatus.Status.DOWN) {
                Future<?> self = recovering.getAndSet(null);
                if (self != null) {
                    self.cancel(false);
                } // else not published yet: it runs once more, answers again, and stops then
            }
        });
        if (!recovering.compareAndSet(null, task)) {
            task.cancel(false);
        }
    }

    /**
     * Schedules {@code check} at {@code depth} every {@code interval} on the pool's scheduler (none for an interval of
     * 0), in place of the checks scheduled before: how a pool's checks begin, and how a new {@code health.interval}
     * or {@code health.depth} takes effect at run time. A check under way finishes at the depth it began with.
     */
    void checkEvery(Duration interval, CheckDepth depth, java.util.function.Consumer<CheckDepth> check) {
        assembling.lock();
        try {
            Future<?> before = checks;
            if (before != null) {
                before.cancel(false);
            }
            lastCheck = ticker.nanoTime(); // a rescheduled check is not a stalled one
            checks = interval.isZero() ? null : scheduler.every(interval, resource, () -> check.accept(depth));
        } finally {
            assembling.unlock();
        }
    }

    /**
     * Whether scheduled checks are due but have not run for three intervals, and at least {@value #STALL_GRACE_SECONDS}
     * seconds: a check that merely waits for a busy scheduler, or a slow backend's answer, is not a stall.
     */
    boolean checksStalled(Duration interval) {
        long threshold = Math.max(interval.toNanos() * 3, TimeUnit.SECONDS.toNanos(STALL_GRACE_SECONDS));
        return checks != null && ticker.nanoTime() - lastCheck > threshold;
    }

    private static final long STALL_GRACE_SECONDS = 10;

    void close() {
        Future<?> f = checks;
        if (f != null) {
            f.cancel(false);
        }
        CircuitProber p = prober;
        if (p != null) {
            p.stop();
        }
        Future<?> r = recovering.getAndSet(null);
        if (r != null) {
            r.cancel(false);
        }
        telemetry.close();
        telemetry = PoolTelemetry.NONE;
    }

    String resource() {
        return resource;
    }

    /** The resource's cluster-wide limits, set before the first pipeline is woven; {@code null} for none. */
    void cluster(ClusterLimits cluster) {
        this.cluster = cluster;
    }

    ClusterLimits cluster() {
        return cluster;
    }

    /** The cluster's known-down gate of the resource, set before the first pipeline is woven; {@code null} for none. */
    void gate(io.nebula.resource.core.cluster.ResourceGate gate) {
        this.gate = gate;
    }

    io.nebula.resource.core.cluster.ResourceGate gate() {
        return gate;
    }

    /** The budget of an acquisition that names no timeout of its own ({@code pool.acquire-timeout}). */
    Duration poolTimeout() {
        return poolTimeout;
    }

    ResiliencePolicy policy() {
        return policy;
    }

    Failures failures() {
        return failures;
    }

    CircuitState circuit() {
        return circuit;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    /** The quarantine, always there: quarantined by checks only with {@code health.quarantine-after} above 0. */
    Quarantine quarantine() {
        return quarantine;
    }

    /** Whether the quarantine stage belongs in the pipeline: checks may quarantine, or it is quarantined by hand. */
    boolean quarantines() {
        return quarantine.byChecks() || quarantine.active();
    }

    /** Whether the pipeline would let an acquisition through now: no hold, no open circuit, no quarantine. */
    boolean admits() {
        return hold == null && (breaker == null || !breaker.isOpen()) && !quarantine.active();
    }

    AcquisitionMeter meter() {
        return meter;
    }

    /** Where acquisitions tell the pool's lifecycle what they found. */
    AcquisitionHealth health() {
        return health;
    }

    /** The resource that serves this pool's acquisitions while it is down; {@code null} when none. */
    Fallback fallback() {
        return fallback;
    }

    AttemptGuard attemptGuard() {
        return attemptGuard;
    }

    /** The pool's bulkhead, whether or not it is switched on ({@code bulkhead.max-concurrent} above 0). */
    Bulkhead bulkhead() {
        return bulkhead;
    }

    /** Where failed acquisitions are audited; {@code null} when audit is off. */
    AuditGate audit() {
        return audit;
    }

    PoolLog log() {
        return log;
    }

    BiConsumer<ResourceContext, Throwable> failed() {
        return failed;
    }

    /** The pool's last hour; {@code null} when {@code nebula.history.enabled=false}. */
    io.nebula.resource.core.history.PoolHistory history() {
        return history;
    }

    /** Set once by the builder, before any pipeline is assembled. */
    void history(io.nebula.resource.core.history.PoolHistory history) {
        this.history = history;
    }

    Ticker hitClock() {
        return hitClock;
    }

    Ticker ticker() {
        return ticker;
    }

    /** One pipeline of the pool, as last assembled: what callers hold, so a reassembly reaches them. */
    static final class Woven<T> implements Acquisition<T> {
        private final Acquisition<T> innermost;
        private final Admission admission;
        private final Acquisition<T> fallback;
        private ClusterLimits cluster; // set once, before the first assembly
        private volatile Acquisition<T> pipeline;

        private Woven(Acquisition<T> innermost, Admission admission, Acquisition<T> fallback) {
            this.innermost = innermost;
            this.admission = admission;
            this.fallback = fallback;
        }

        private void assemble(Weave weave, PoolTelemetry telemetry) {
            pipeline = AcquisitionPipeline.assemble(weave, telemetry, admission, cluster, innermost, fallback);
        }

        @Override
        public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
            return pipeline.acquire(timeout, ctx);
        }

        /** Its stages as assembled now, outermost first: {@code [audit, tracing, metering, circuit breaker, retry]}. */
        List<String> stages() {
            return Stage.names(pipeline);
        }
    }
}
