package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The instances of one resource, handed out as {@link Lease}s. How they are shared follows the
 * provider's {@link ResourceProvider#topology() topology}: {@code POOLED} keeps up to
 * {@code pool.max-size} instances, one lease each; {@code RESIDENT} shares one thread-safe instance
 * (one per endpoint) and a lease is a cheap reference; {@code BOUNDED} shares one instance among at
 * most {@code pool.max-size} concurrent leases.
 *
 * <pre>{@code
 * ResourcePool<Channel> jobs = ResourcePool.builder(provider, settings).build();
 * jobs.start();
 * try (Lease<Channel> lease = jobs.acquire(Duration.ofMillis(250))) {
 *     lease.get().basicPublish(...);
 * }
 * jobs.close();
 * }</pre>
 *
 * @param <R> the instance type
 */
public interface ResourcePool<R> extends AutoCloseable {

    static <R> Builder<R> builder(ResourceProvider<R> provider, ResourceSettings settings) {
        return new Builder<>(provider, settings);
    }

    /** The resource's name, as in {@code nebula.resource.<name>.*}. */
    String name();

    ResourceProvider<R> provider();

    /** The configuration in force, with the sizes of the last {@link #resize}. */
    PoolConfig config();

    /**
     * {@code CREATED → INITIALIZING → READY}; with {@code pool.warmup=eager}, creates the minimum number
     * of instances first. A backend that is down does not make this throw: the resource goes
     * {@code FAILED} and recovers in the background. Idempotent. {@link #acquire} starts a pool that
     * was not started.
     */
    void start();

    /** Acquires with the configured {@code pool.acquire-timeout}. */
    Lease<R> acquire();

    /**
     * Acquires, waiting at most {@code timeout} for an instance; {@link Duration#ZERO} fails fast
     * (an idle instance, or a new one when there is room, but never a wait for another lease).
     *
     * @throws AcquisitionTimeoutException with its reason: pool exhausted, backend unavailable (cause:
     *                                     the backend's last error) or pool draining
     * @throws ResourceClosedException     when the pool is terminated
     */
    Lease<R> acquire(Duration timeout);

    /** As {@link #acquire(Duration)}, telling listeners who acquires (tenant, workflow, ...). */
    Lease<R> acquire(Duration timeout, ResourceContext ctx);

    PoolSnapshot snapshot();

    ResourceState state();

    /** The last error raised while creating an instance, if any. */
    Optional<Throwable> lastError();

    /**
     * Each endpoint's status, in the order of {@code pool.endpoints}; empty for a resource without endpoints. A DOWN
     * endpoint gets no new instance and no lease until a probe finds it back.
     */
    default List<EndpointStatus> endpoints() {
        return List.of();
    }

    /**
     * Checks the resource: one idle instance (or a new one when none is idle, or the shared instance),
     * and moves the resource to {@code READY}, {@code DEGRADED} or {@code FAILED} accordingly.
     */
    HealthStatus check(CheckDepth depth);

    /**
     * An acquisition made around this pool (its pipeline, or a provider's own hand-out such as a JDBC
     * {@code getConnection()}) found the backend unavailable, or a circuit refused it: the pool goes {@code FAILED}
     * at once, with {@code error} as its last error, so health tells the truth without waiting for a scheduled
     * check. A draining or terminated pool is left alone.
     */
    void backendFailed(Throwable error);

    /**
     * An acquisition made around this pool succeeded: a pool that is {@code FAILED} is {@code READY} again at once.
     * Called on every success, so it costs one read of the state when nothing changes.
     */
    void backendAnswered();

    /**
     * The backend was found answering by someone other than this pool (another node's probe closed the cluster's
     * known-down gate): a pool that counts its backend as failing stops waiting out its backoff, so the acquisitions
     * that follow create at once instead of being refused as unavailable (which would open the circuit, and the gate,
     * again). If the backend still fails for this pool, its next creation says so. A pool with endpoints is left
     * alone: its endpoints' own probes bring them back.
     */
    default void backendUpElsewhere() {
    }

    /**
     * Changes the sizes at run time. A smaller maximum lets idle instances go at once and in-use ones
     * as they come back; a larger one lets waiters be served by new instances.
     *
     * @throws io.nebula.resource.ConfigurationInvalidException when the sizes are invalid
     */
    void resize(int minSize, int maxSize);

    /**
     * Changes {@code pool.acquire-timeout} at run time: an acquisition that names no timeout of its own and begins
     * waiting from now on waits at most {@code timeout}; one already waiting keeps the budget it began with. The
     * provider applies it to live instances that wait themselves ({@code ResourceProvider.acquireTimeoutChanged}).
     *
     * @param timeout zero or more (validated as configuration by the caller)
     */
    void acquireTimeout(Duration timeout);

    /**
     * For an operator's drain, once the leases came back: closes every idle instance and keeps the pool without idle
     * ones (no refill to {@code pool.min-size}) until {@link #reopen}; returns how many were closed. A pool of one
     * shared instance keeps it (its users share it, none holds it alone): nothing to close.
     */
    default int closeIdle() {
        return 0;
    }

    /** After {@link #closeIdle}: the pool refills to its minimum again. */
    default void reopen() {
    }

    /**
     * Refuses new acquisitions, fails waiters, waits up to {@code grace} for leases to come back,
     * destroys every instance, calls {@link ResourceProvider#shutdown} once, and ends
     * {@code TERMINATED}. Idempotent: a second call returns once the pool is terminated.
     */
    void drain(Duration grace);

    /**
     * Tells the pool that using a leased instance failed. When the provider says the error is fatal
     * ({@link ResourceProvider#isFatal}), the lease is invalidated: the instance is destroyed instead of
     * reused. Otherwise nothing happens and the lease stays open.
     *
     * @return whether the lease was invalidated
     */
    default boolean reportError(Lease<R> lease, Throwable error) {
        boolean fatal;
        try {
            fatal = provider().isFatal(error);
        } catch (RuntimeException e) {
            fatal = true; // a provider that cannot classify the error gets the safe answer
        }
        if (fatal) {
            lease.invalidate();
        }
        return fatal;
    }

    /** {@link #drain} with {@code pool.drain-grace}. */
    @Override
    void close();

    /** Assembles a pool. */
    final class Builder<R> {
        private final ResourceProvider<R> provider;
        private final ResourceSettings settings;
        private PoolConfig config;
        private Ticker ticker = Ticker.SYSTEM;
        private final List<PoolListener> listeners = new ArrayList<>();
        private ScheduledExecutorService scheduler;
        private Executor creator;
        private ConnectionPools connections = new ConnectionPools();
        private io.nebula.resource.spi.InstanceBudget instances = io.nebula.resource.spi.InstanceBudget.UNLIMITED;
        private ProbeClaim probeClaim = ProbeClaim.ALONE;

        private Builder(ResourceProvider<R> provider, ResourceSettings settings) {
            this.provider = Objects.requireNonNull(provider, "provider");
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /** The pool's configuration; default {@link PoolConfig#from(ResourceSettings)}. */
        public Builder<R> config(PoolConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder<R> ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Adds a listener; several may be added and are called in order. */
        public Builder<R> listener(PoolListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Runs the housekeeping task; default: one daemon scheduler shared by every pool. */
        public Builder<R> scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Runs instance creation off the acquiring threads; default: a shared pool of daemon threads.
         * {@code Runnable::run} creates on the calling thread, which tests use to stay deterministic.
         */
        public Builder<R> creator(Executor creator) {
            this.creator = Objects.requireNonNull(creator, "creator");
            return this;
        }

        /**
         * Where the connection pools inside the instances are kept ({@code ResourceProvider.connectionPool}), for the
         * telemetry that reports their connections; default one of the pool's own.
         */
        public Builder<R> connections(ConnectionPools connections) {
            this.connections = Objects.requireNonNull(connections, "connections");
            return this;
        }

        /**
         * The budget of physical instances ({@code cluster.max-instances}) each new instance's provider is given
         * ({@code ResourceProvider.budgetInstances}) right after it is created; default unlimited.
         */
        public Builder<R> instances(io.nebula.resource.spi.InstanceBudget instances) {
            this.instances = Objects.requireNonNull(instances, "instances");
            return this;
        }

        /**
         * Who must agree before the pool's recovery probe asks a failing backend (the cluster's known-down gate);
         * default {@link ProbeClaim#ALONE}.
         */
        public Builder<R> probeClaim(ProbeClaim probeClaim) {
            this.probeClaim = Objects.requireNonNull(probeClaim, "probeClaim");
            return this;
        }

        /** @throws io.nebula.resource.ConfigurationInvalidException when no config was given and the pool.* keys are invalid */
        public ResourcePool<R> build() {
            PoolConfig cfg = config != null ? config : PoolConfig.from(settings);
            PoolContext<R> ctx = new PoolContext<>(provider, settings, cfg, ticker,
                    new Listeners(settings.name(), listeners),
                    scheduler != null ? scheduler : EngineThreads.timer(),
                    creator != null ? creator : EngineThreads.workers(), connections, instances, probeClaim);
            return switch (provider.topology()) {
                case POOLED -> new PooledResourcePool<>(ctx);
                case RESIDENT -> new SharedResourcePool<>(ctx, false);
                case BOUNDED -> new SharedResourcePool<>(ctx, true);
            };
        }
    }
}
