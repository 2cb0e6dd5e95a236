package io.nebula.resource.core;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * What every topology shares: the lifecycle, recovery from a failing backend, creating and destroying instances;
 * when housekeeping runs is the {@link Housekeeper}'s, failures are worded by {@link AcquisitionFailures}.
 */
abstract class AbstractPool<R> implements ResourcePool<R> {

    final String name;
    final ResourceProvider<R> provider;
    final ResourceSettings settings;
    final Ticker ticker;
    /**
     * The ticker of the hit path: the {@link CoarseClock} for pools on the system clock (a millisecond is
     * precision enough for what a hit measures), else the pool's own ticker, so tests drive it too.
     */
    final Ticker hitClock;
    final Listeners listeners;
    final Executor creator;
    final ResourceStateMachine lifecycle;
    final Recovery recovery;
    /** Who else must agree before {@link #recovery}'s probe asks the backend: the cluster's gate, or nobody. */
    final ProbeClaim probeClaim;
    final List<Endpoint> endpoints;
    /**
     * The settings each endpoint's instances are created with; one entry without endpoints. Replaced whole when an
     * operator resizes the pool, so an instance made later (a shared instance replaced) has the new sizes.
     */
    volatile ResourceSettings[] endpointSettings;
    /** Each endpoint's UP or DOWN; {@code null} without endpoints. */
    final EndpointHealth health;

    /** Failures, worded for the operator who reads them. */
    final AcquisitionFailures failures = new AcquisitionFailures(this);

    /** The one place that changes at run time: {@link #resize} swaps in a copy with new sizes. */
    volatile PoolConfig config;

    private final Housekeeper housekeeper;
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** The last backend error, from a creation or from an acquisition around the pool ({@link #backendFailed}). */
    private volatile Throwable lastError;
    /** What live instances observe of the backend by themselves ({@code ResourceProvider.reportTo}). */
    private final InstanceSignals signals = new InstanceSignals(this);
    /** The connection pools inside live instances ({@code ResourceProvider.connectionPool}), for telemetry. */
    private final ConnectionPools connections;
    private final io.nebula.resource.spi.InstanceBudget instances; // cluster.max-instances: given to each new instance

    AbstractPool(PoolContext<R> ctx) {
        this.name = ctx.settings().name();
        this.provider = ctx.provider();
        this.settings = ctx.settings();
        this.config = ctx.config();
        this.ticker = ctx.ticker();
        this.hitClock = ticker == Ticker.SYSTEM ? CoarseClock.INSTANCE : ticker;
        this.listeners = ctx.listeners();
        this.housekeeper = new Housekeeper(this, ctx.scheduler());
        this.creator = ctx.creator();
        this.connections = ctx.connections();
        this.instances = ctx.instances();
        this.lifecycle = new ResourceStateMachine(this::stateChanged);
        this.recovery = new Recovery(config.backoffInitial().toNanos(), config.backoffMax().toNanos());
        this.probeClaim = ctx.probeClaim();
        this.endpoints = config.endpoints();
        this.endpointSettings = Endpoint.settingsOf(settings, endpoints);
        this.health = EndpointHealth.of(endpoints, ticker, config);
    }

    private void stateChanged(ResourceState from, ResourceState to) {
        Log.LOG.log(to == ResourceState.FAILED ? WARNING : DEBUG,
                () -> "NEBULA-0001 Resource '" + name + "' " + from + " → " + to);
        listeners.onStateChange(name, from, to);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ResourceProvider<R> provider() {
        return provider;
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public ResourceState state() {
        return lifecycle.current();
    }

    @Override
    public Optional<Throwable> lastError() {
        return Optional.ofNullable(lastError);
    }

    @Override
    public List<EndpointStatus> endpoints() {
        return health == null ? List.of() : health.statuses();
    }

    @Override
    public final void backendFailed(Throwable error) {
        lastError = error; // before the state moves: health reads it as the reason
        lifecycle.moveTo(ResourceState.FAILED); // logged as every change is (NEBULA-0001)
    }

    @Override
    public final void backendAnswered() {
        if (lifecycle.current() == ResourceState.FAILED) {
            lifecycle.transition(ResourceState.FAILED, ResourceState.READY);
        }
    }

    @Override
    public final void backendUpElsewhere() {
        if (health == null && recovery.answeredElsewhere()) {
            Log.LOG.log(DEBUG, () -> "NEBULA-0203 Resource '" + name + "': its backend was found answering elsewhere; "
                    + "the next acquisition creates at once instead of waiting out the backoff");
        }
    }

    @Override
    public Lease<R> acquire() {
        return acquire(config.acquireTimeout(), ResourceContext.GLOBAL);
    }

    @Override
    public Lease<R> acquire(Duration timeout) {
        return acquire(timeout, ResourceContext.GLOBAL);
    }

    @Override
    public final void start() {
        if (!lifecycle.transition(ResourceState.CREATED, ResourceState.INITIALIZING)) {
            return;
        }
        housekeeper.start();
        warmUp();
        if (recovery.failing()) {
            lifecycle.moveTo(liveInstances() > 0 ? ResourceState.DEGRADED : ResourceState.FAILED);
        } else if (health != null && !health.allUp()) {
            lifecycle.moveTo(ResourceState.DEGRADED); // an endpoint is DOWN; the others serve
        } else {
            lifecycle.transition(ResourceState.INITIALIZING, ResourceState.READY);
        }
        Log.LOG.log(DEBUG, () -> "NEBULA-0003 Resource '" + name + "' started: " + config);
    }

    /** Creates the first instances when {@code pool.warmup=eager}. */
    abstract void warmUp();

    /** Instances that exist now (created, not yet destroyed). */
    abstract int liveInstances();

    /** Lets the pool go of every instance, waiting up to {@code graceNanos} for leases. */
    abstract void drainInstances(long graceNanos);

    /** One round of housekeeping, after the clock check. */
    abstract void housekeep(long now);

    /** Shifts the pool's timestamps back by {@code delta} after the clock went backwards. */
    abstract void rebase(long delta);

    /** Whether the pool keeps instances there (a minimum) rather than only making them on demand. */
    abstract boolean keepsInstances();

    /** Creates what the pool keeps and lacks, or probes a failing backend when its turn has come. */
    abstract void refill(long now);

    @Override
    public final void drain(Duration grace) {
        if (!lifecycle.moveTo(ResourceState.DRAINING)) {
            awaitTermination();
            return;
        }
        housekeeper.stop();
        try {
            drainInstances(grace.toNanos());
        } finally {
            try {
                provider.shutdown(settings);
            } catch (RuntimeException e) {
                Log.LOG.log(WARNING, "NEBULA-0802 Provider " + provider.kind() + " threw from shutdown of '"
                        + name + "'; ignored", e);
            }
            lifecycle.transition(ResourceState.DRAINING, ResourceState.TERMINATED);
            terminated.countDown();
            Log.LOG.log(DEBUG, () -> "NEBULA-0004 Resource '" + name + "' terminated");
        }
    }

    private void awaitTermination() {
        boolean interrupted = false;
        while (terminated.getCount() > 0) {
            try {
                terminated.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        drain(config.drainGrace());
    }

    /** Starts a pool on first use; refuses when it is draining or terminated. */
    final void ensureAccepting() {
        ResourceState s = lifecycle.current();
        if (s == ResourceState.CREATED) {
            start();
            s = lifecycle.current();
        }
        if (!s.acceptsAcquisitions()) {
            throw s == ResourceState.TERMINATED ? new ResourceClosedException(name) : failures.draining(0);
        }
    }

    /** For a health check: starts a pool that was not started, then says whether it serves. */
    final boolean startedAndAccepting() {
        if (lifecycle.current() == ResourceState.CREATED) {
            start();
        }
        return accepting();
    }

    final boolean accepting() {
        return lifecycle.current().acceptsAcquisitions();
    }

    /**
     * Runs one round of housekeeping now, after the clock check ({@link Housekeeper#round}). The scheduler calls
     * this every {@code pool.housekeeping-interval}; tests with a fake ticker call it directly.
     */
    final void housekeep() {
        housekeeper.round();
    }

    /** Runs I/O (create, check, destroy) off the housekeeper and acquirers; inline if the executor refuses. */
    final void io(Runnable task) {
        try {
            creator.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** Creates one instance against an endpoint, reporting the outcome to recovery, listeners and the lifecycle. */
    /**
     * The pool was resized: instances made from now on are made with the new {@code pool.min-size} and
     * {@code pool.max-size}, and the provider applies them to each live instance ({@link ResourceProvider#resized}),
     * such as a data source's own connection pool.
     */
    final void resized(int minSize, int maxSize, Iterable<R> live) {
        java.util.Map<String, String> sizes = java.util.Map.of(PoolConfig.MIN_SIZE, Integer.toString(minSize),
                PoolConfig.MAX_SIZE, Integer.toString(maxSize));
        ResourceSettings[] next = endpointSettings.clone();
        for (int i = 0; i < next.length; i++) {
            next[i] = next[i].withAll(sizes);
        }
        endpointSettings = next;
        for (R instance : live) {
            try {
                provider.resized(instance, minSize, maxSize);
            } catch (RuntimeException e) {
                Log.LOG.log(System.Logger.Level.WARNING, "NEBULA-0702 The " + provider.kind() + " provider could not"
                        + " apply the new sizes of '" + name + "' to a live instance; it keeps its own until replaced", e);
            }
        }
    }

    /**
     * An operator changed {@code pool.acquire-timeout}: every wait for an instance that begins from now on (an
     * {@link #acquire()} without a timeout of its own, the pipeline's first attempt, the shared instance's wait for
     * its creation) lasts at most {@code timeout}; a wait already under way keeps the deadline it began with (a
     * waiter's deadline is fixed when it starts waiting). Instances made from now on are made with the new value in
     * their settings, and the provider applies it to each live instance ({@link ResourceProvider#acquireTimeoutChanged}),
     * such as a data source's own wait for a free connection. Called with the live instances by the topology.
     */
    final void acquireTimeoutChanged(Duration timeout, Iterable<R> live) {
        config = config.toBuilder().acquireTimeout(timeout).build(settings::keyOf);
        java.util.Map<String, String> changed = java.util.Map.of(PoolConfig.ACQUIRE_TIMEOUT, ResourceSettings.text(timeout));
        ResourceSettings[] next = endpointSettings.clone();
        for (int i = 0; i < next.length; i++) {
            next[i] = next[i].withAll(changed);
        }
        endpointSettings = next;
        for (R instance : live) {
            try {
                provider.acquireTimeoutChanged(instance, timeout);
            } catch (RuntimeException e) {
                Log.LOG.log(System.Logger.Level.WARNING, "NEBULA-0705 The " + provider.kind() + " provider could not"
                        + " apply the new pool.acquire-timeout of '" + name + "' to a live instance; it keeps its own"
                        + " until replaced", e);
            }
        }
        Log.LOG.log(INFO, () -> "NEBULA-0704 Resource '" + name + "' now waits at most "
                + ResourceSettings.text(timeout) + " for an instance (pool.acquire-timeout)");
    }

    final R create(int endpoint) throws Exception {
        long t0 = ticker.nanoTime();
        R instance;
        try {
            // with a session budget, the provider has it from the start: what it opens while it is created takes a permit
            instance = instances == io.nebula.resource.spi.InstanceBudget.UNLIMITED
                    ? provider.create(endpointSettings[endpoint])
                    : provider.create(endpointSettings[endpoint], instances);
            if (instance == null) {
                throw new IllegalStateException("Provider " + provider.kind() + " returned null from create");
            }
        } catch (Exception e) {
            creationFailed(endpoint, e);
            throw e;
        }
        listeners.onCreate(name, ticker.nanoTime() - t0);
        if (recovery.onSuccess()) {
            Log.LOG.log(INFO, () -> "NEBULA-0202 Resource '" + name + "' recovered: a new instance was created");
            lifecycle.moveTo(ResourceState.READY);
        } else {
            backendAnswered(); // failed by an acquisition or a check: a new instance says the backend answers
        }
        if (health != null) {
            endpointAnswered(endpoint);
        }
        reportTo(instance, endpoint);
        connectionPoolOf(instance);
        return instance;
    }

    /** Keeps a new instance's own connection pool, if it is one, where telemetry reads it. */
    private void connectionPoolOf(R instance) {
        try {
            provider.connectionPool(instance).ifPresent(figures -> connections.opened(instance, figures));
        } catch (RuntimeException e) {
            // the instance serves all the same; only its connections go unreported
            Log.LOG.log(WARNING, "NEBULA-0804 Provider " + provider.kind() + " threw from connectionPool of an instance of '"
                    + name + "'; its connections are not reported", e);
        }
    }

    /** Gives a new instance's provider the signal through which the instance tells what it observes by itself. */
    private void reportTo(R instance, int endpoint) {
        try {
            provider.reportTo(instance, signals.open(instance, endpoint));
        } catch (RuntimeException e) {
            // the instance serves all the same; only its own news of the backend is lost, and checks still come
            Log.LOG.log(WARNING, "NEBULA-0803 Provider " + provider.kind() + " threw from reportTo of an instance of '"
                    + name + "'; ignored", e);
        }
    }

    private void creationFailed(int endpoint, Exception e) {
        boolean retryable = retryable(e);
        if (health != null) {
            lastError = e;
            listeners.onCreationFailure(name, e);
            endpointFailed(endpoint, e, retryable);
            return;
        }
        long now = ticker.nanoTime();
        long backoff = recovery.onFailure(e, retryable, now);
        lastError = e;
        int n = recovery.failures();
        Log.LOG.log(n == 1 ? WARNING : DEBUG, () -> "NEBULA-0201 Could not create an instance of '" + name
                + "' (" + provider.kind() + ", failure " + n + "): " + Log.describe(e)
                + (retryable ? "; next attempt in " + Log.human(backoff)
                        : "; the provider says retrying cannot fix this; next attempt in " + Log.human(backoff)));
        listeners.onCreationFailure(name, e);
        if (lifecycle.current() != ResourceState.INITIALIZING) {
            lifecycle.moveTo(liveInstances() > 0 ? ResourceState.DEGRADED : ResourceState.FAILED);
        }
        if (keepsInstances()) {
            // Below its minimum the pool wants its backend back: probe again within a second, not at the next
            // housekeeping round (pool.housekeeping-interval, 30 s by default), so a return is noticed at once.
            housekeeper.refillIn(Math.min(backoff, Recovery.DEMANDED_PROBE_NANOS));
        }
    }

    /**
     * A failure seen on an endpoint: a creation against it failed, a check of one of its instances answered DOWN,
     * or an instance said its connection was lost. The endpoint goes DOWN: its idle instances are retired now, its
     * leased ones as they come back ({@link #abandon}), and one probe at a time brings it back. Only when no endpoint
     * is left UP is the backend failing as a whole ({@link #recovery}), and acquisitions are refused at once.
     */
    final void endpointFailed(int endpoint, Throwable error, boolean retryable) {
        long backoff = health.failed(endpoint, error, retryable);
        lastError = error;
        String endpointName = health.name(endpoint);
        if (backoff >= 0) {
            Log.LOG.log(WARNING, () -> "NEBULA-0205 Endpoint '" + endpointName + "' of resource '" + name
                    + "' is DOWN: " + Log.describe(error) + "; its instances are retired, "
                    + (health.anyUp() ? "the other endpoints serve" : "no endpoint is left UP")
                    + "; next probe in " + Log.human(Math.min(backoff, Recovery.DEMANDED_PROBE_NANOS)));
            abandon(endpoint);
        } else {
            Log.LOG.log(DEBUG, () -> "NEBULA-0206 Endpoint '" + endpointName + "' of resource '" + name
                    + "' is still DOWN: " + Log.describe(error));
        }
        boolean anyUp = health.anyUp();
        if (!anyUp) {
            recovery.onFailure(error, retryable, ticker.nanoTime()); // the backend as a whole is failing
        }
        if (lifecycle.current() != ResourceState.INITIALIZING) {
            lifecycle.moveTo(anyUp ? ResourceState.DEGRADED : ResourceState.FAILED);
        }
        long now = ticker.nanoTime();
        housekeeper.refillIn(Math.min(health.nanosUntilNextProbe(now), Recovery.DEMANDED_PROBE_NANOS));
    }

    /** A creation against the endpoint succeeded: a DOWN one is UP again, and new instances go to it. */
    private void endpointAnswered(int endpoint) {
        if (!health.succeeded(endpoint)) {
            return;
        }
        Log.LOG.log(INFO, () -> "NEBULA-0207 Endpoint '" + health.name(endpoint) + "' of resource '" + name
                + "' is UP again");
        if (lifecycle.current() != ResourceState.INITIALIZING) {
            lifecycle.moveTo(health.allUp() ? ResourceState.READY : ResourceState.DEGRADED);
        }
    }

    /** A check of an instance of {@code endpoint} answered {@code status}: DOWN takes the endpoint DOWN. */
    final void checked(int endpoint, HealthStatus status) {
        if (health != null && status.status() == HealthStatus.Status.DOWN && !health.down(endpoint)) {
            endpointFailed(endpoint, new CheckFailure(status), true);
        }
    }

    /**
     * Starts one probe of each DOWN endpoint whose backoff has passed and that no other probe is on: a creation
     * against it ({@link #probe}). The housekeeper calls this with each round and each refill.
     */
    final void probeEndpoints(long now) {
        if (health == null) {
            return;
        }
        for (int e = 0; e < health.size(); e++) {
            if (health.tryBeginProbe(e, now)) {
                int endpoint = e;
                io(() -> {
                    try {
                        probe(endpoint);
                    } finally {
                        health.endProbe(endpoint);
                    }
                });
            }
        }
    }

    /** Retires the instances of an endpoint that went DOWN: idle ones now, leased ones as they come back. */
    abstract void abandon(int endpoint);

    /** One creation against a DOWN endpoint; its outcome reaches {@link EndpointHealth} through {@link #create}. */
    abstract void probe(int endpoint);

    private boolean retryable(Throwable e) {
        try {
            return provider.isRetryable(e);
        } catch (RuntimeException x) {
            return true;
        }
    }

    final void destroy(R instance) {
        signals.silence(instance); // before the close: the disconnection it causes is no news of the backend
        connections.closed(instance);
        try {
            provider.destroy(instance);
        } catch (RuntimeException e) {
            Log.LOG.log(WARNING, "NEBULA-0801 Provider " + provider.kind() + " threw from destroy of an instance of '"
                    + name + "'; ignored", e);
        }
        listeners.onDestroy(name);
    }

    /** The provider's check; a provider that throws or answers nothing is {@code DOWN}. */
    final HealthStatus checkQuietly(R instance, CheckDepth depth) {
        try {
            HealthStatus h = provider.check(instance, depth);
            return h != null ? h : HealthStatus.down("provider returned no status");
        } catch (RuntimeException e) {
            return HealthStatus.down(e);
        }
    }

    /**
     * A check's status with each endpoint's ({@code endpoint.<name>}: {@code UP}, or {@code DOWN for 12 s: <error>});
     * an endpoint DOWN makes a passing check DEGRADED, every endpoint DOWN makes it DOWN.
     */
    final HealthStatus withEndpoints(HealthStatus h) {
        if (health == null) {
            return h;
        }
        List<String> down = new ArrayList<>();
        for (EndpointStatus e : health.statuses()) {
            h = h.withDetail("endpoint." + e.name(), e.up() ? "UP"
                    : "DOWN for " + Log.human(e.since().toNanos()) + ": " + Log.describe(e.error().orElse(null)));
            if (!e.up()) {
                down.add(e.name());
            }
        }
        if (down.isEmpty() || h.status() == HealthStatus.Status.DOWN) {
            return h;
        }
        return health.anyUp()
                ? h.with(HealthStatus.Status.DEGRADED, "endpoint(s) DOWN: " + String.join(", ", down))
                : h.with(HealthStatus.Status.DOWN, "every endpoint is DOWN");
    }

    /** Moves the lifecycle after a health check. */
    final HealthStatus observed(HealthStatus status) {
        switch (status.status()) {
            case UP -> lifecycle.moveTo(ResourceState.READY);
            case DEGRADED -> lifecycle.moveTo(ResourceState.DEGRADED);
            case DOWN -> lifecycle.moveTo(ResourceState.FAILED);
        }
        return status;
    }

    /** {@code max-lifetime} minus up to 2.5% jitter, so instances created together do not expire together. */
    final long lifetimeDeadline(long now) {
        long life = config.maxLifetime().toNanos();
        if (life == 0) {
            return now;
        }
        return now + life - ThreadLocalRandom.current().nextLong(life / 40 + 1);
    }

    /** {@code keepalive-interval} minus up to 10% jitter, so checks do not arrive in bursts. */
    final long keepaliveDeadline(long now) {
        long k = config.keepaliveInterval().toNanos();
        return k == 0 ? now : now + k - ThreadLocalRandom.current().nextLong(k / 10 + 1);
    }

    static long timeoutNanos(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** Leases out now; for messages and snapshots. */
    abstract int inUse();
}
