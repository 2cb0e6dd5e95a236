package io.nebula.resource.core;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.PoolStrategy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * How a pool behaves: its sizes, strategy, timeouts and housekeeping. Immutable; built by a strict
 * {@link Builder} or read from a resource's {@code pool.*} keys with {@link #from}, both of which check
 * every value and report every problem at once, never clamping silently.
 *
 * <p>Only the sizes change at run time ({@link ResourcePool#resize}); the pool then swaps in a copy
 * made by {@link #withSizes}.
 */
public final class PoolConfig {

    // The pool.* keys, relative to nebula.resource.<name>.
    static final String MIN_SIZE = "pool.min-size";
    static final String MAX_SIZE = "pool.max-size";
    static final String STRATEGY = "pool.strategy";
    static final String ACQUIRE_TIMEOUT = "pool.acquire-timeout";
    static final String IDLE_TIMEOUT = "pool.idle-timeout";
    static final String MAX_LIFETIME = "pool.max-lifetime";
    static final String LEAK_THRESHOLD = "pool.leak-threshold";
    static final String VALIDATION_BYPASS = "pool.validation-bypass";
    static final String KEEPALIVE_INTERVAL = "pool.keepalive-interval";
    static final String WARMUP = "pool.warmup";
    static final String WARMUP_PARALLELISM = "pool.warmup-parallelism";
    static final String DRAIN_GRACE = "pool.drain-grace";
    static final String ENDPOINTS = "pool.endpoints";
    static final String HOUSEKEEPING_INTERVAL = "pool.housekeeping-interval";
    static final String BACKOFF_INITIAL = "pool.backoff-initial";
    static final String BACKOFF_MAX = "pool.backoff-max";
    static final String ADAPTIVE_HEADROOM = "pool.adaptive.headroom";
    static final String ADAPTIVE_SHRINK_AFTER = "pool.adaptive.shrink-after";

    /** Every key {@link #from} reads, described, with the {@link Builder}'s defaults (see docs/configuration.md). */
    public static final List<ConfigKey> DEFINITIONS = PoolKeys.definitions(new Builder());

    /** Every key {@link #from} reads; any other {@code pool.*} key is reported as unknown (a typo is caught). */
    public static final Set<String> KEYS = DEFINITIONS.stream().map(ConfigKey::name)
            .collect(Collectors.toUnmodifiableSet());

    private final int minSize;
    private final int maxSize;
    private final PoolStrategy strategy;
    private final Duration acquireTimeout;
    private final Duration idleTimeout;
    private final Duration maxLifetime;
    private final Duration leakThreshold;
    private final Duration validationBypass;
    private final Duration keepaliveInterval;
    private final WarmUp warmup;
    private final int warmupParallelism;
    private final Duration drainGrace;
    private final List<Endpoint> endpoints;
    private final Duration housekeepingInterval;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final double adaptiveHeadroom;
    private final int adaptiveShrinkAfter;

    private PoolConfig(Builder b) {
        minSize = b.minSize;
        maxSize = b.maxSize;
        strategy = b.strategy;
        acquireTimeout = b.acquireTimeout;
        idleTimeout = b.idleTimeout;
        maxLifetime = b.maxLifetime;
        leakThreshold = b.leakThreshold;
        validationBypass = b.validationBypass;
        keepaliveInterval = b.keepaliveInterval;
        warmup = b.warmup;
        warmupParallelism = b.warmupParallelism;
        drainGrace = b.drainGrace;
        endpoints = List.copyOf(b.endpoints);
        housekeepingInterval = b.housekeepingInterval;
        backoffInitial = b.backoffInitial;
        backoffMax = b.backoffMax;
        adaptiveHeadroom = b.adaptiveHeadroom;
        adaptiveShrinkAfter = b.adaptiveShrinkAfter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: what {@link #from} gives for a resource with no {@code pool.*} key. */
    public static PoolConfig defaults() {
        return builder().build();
    }

    /**
     * Reads the {@code pool.*} keys of a resource.
     *
     * @throws ConfigurationInvalidException listing every problem, each with its full key and the allowed values
     */
    public static PoolConfig from(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        Builder b = PoolConfigReader.read(settings, problems);
        problems.throwIfAny();
        return b.build(settings::keyOf);
    }

    /** The problems {@link #from} would report; empty when the keys are valid. */
    public static List<ConfigProblem> problems(ResourceSettings settings) {
        ConfigProblems problems = new ConfigProblems();
        PoolConfigReader.read(settings, problems);
        return problems.list();
    }

    public int minSize() {
        return minSize;
    }

    public int maxSize() {
        return maxSize;
    }

    /** How the pool hands out idle instances, shrinks and, for some, sizes itself: a built-in one or the application's. */
    public PoolStrategy strategy() {
        return strategy;
    }

    /** How long {@link ResourcePool#acquire()} waits; zero fails fast. */
    public Duration acquireTimeout() {
        return acquireTimeout;
    }

    /** How long an instance may sit idle above the minimum before it is evicted; zero keeps idle instances. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The age at which an instance is retired (minus up to 2.5% jitter); zero means no limit. */
    public Duration maxLifetime() {
        return maxLifetime;
    }

    /** How long a lease may be held before it is reported as a leak; zero turns leak detection off. */
    public Duration leakThreshold() {
        return leakThreshold;
    }

    /** An instance idle for less than this is handed out without a check. */
    public Duration validationBypass() {
        return validationBypass;
    }

    /** How often an idle instance is checked in the background (minus up to 10% jitter); zero turns it off. */
    public Duration keepaliveInterval() {
        return keepaliveInterval;
    }

    public WarmUp warmup() {
        return warmup;
    }

    /** How many instances are created at once, at warm-up and on demand. */
    public int warmupParallelism() {
        return warmupParallelism;
    }

    /** How long {@link ResourcePool#close()} waits for leases to come back. */
    public Duration drainGrace() {
        return drainGrace;
    }

    /** The weighted endpoints; empty unless the strategy is weighted round robin. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public Duration housekeepingInterval() {
        return housekeepingInterval;
    }

    /** The wait after the first failed creation; it doubles (with jitter) up to {@link #backoffMax()}. */
    public Duration backoffInitial() {
        return backoffInitial;
    }

    public Duration backoffMax() {
        return backoffMax;
    }

    /** Adaptive sizing: the factor over the observed concurrent demand the pool keeps ready. */
    public double adaptiveHeadroom() {
        return adaptiveHeadroom;
    }

    /** Adaptive sizing: how many housekeeping windows of lower demand before the pool shrinks. */
    public int adaptiveShrinkAfter() {
        return adaptiveShrinkAfter;
    }

    /**
     * A copy with other sizes, for a resize at run time.
     *
     * @throws ConfigurationInvalidException when the sizes are invalid
     */
    public PoolConfig withSizes(int newMin, int newMax) {
        return toBuilder().minSize(newMin).maxSize(newMax).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.minSize = minSize;
        b.maxSize = maxSize;
        b.strategy = strategy;
        b.acquireTimeout = acquireTimeout;
        b.idleTimeout = idleTimeout;
        b.maxLifetime = maxLifetime;
        b.leakThreshold = leakThreshold;
        b.validationBypass = validationBypass;
        b.keepaliveInterval = keepaliveInterval;
        b.warmup = warmup;
        b.warmupParallelism = warmupParallelism;
        b.drainGrace = drainGrace;
        b.endpoints = endpoints;
        b.housekeepingInterval = housekeepingInterval;
        b.backoffInitial = backoffInitial;
        b.backoffMax = backoffMax;
        b.adaptiveHeadroom = adaptiveHeadroom;
        b.adaptiveShrinkAfter = adaptiveShrinkAfter;
        return b;
    }

    @Override
    public String toString() {
        return "PoolConfig[min=" + minSize + ", max=" + maxSize + ", strategy=" + strategy.name()
                + ", acquireTimeout=" + acquireTimeout + ", idleTimeout=" + idleTimeout
                + ", maxLifetime=" + maxLifetime + ", leakThreshold=" + leakThreshold
                + ", validationBypass=" + validationBypass + ", keepalive=" + keepaliveInterval
                + ", warmup=" + warmup.configName() + "/" + warmupParallelism + ", drainGrace=" + drainGrace
                + (endpoints.isEmpty() ? "" : ", endpoints=" + endpoints) + "]";
    }

    /** A strict builder: {@link #build()} checks every value and reports every problem at once. */
    public static final class Builder {
        int minSize = 0;
        int maxSize = 10;
        PoolStrategy strategy = BuiltInStrategy.LIFO;
        Duration acquireTimeout = Duration.ofSeconds(30);
        Duration idleTimeout = Duration.ofMinutes(10);
        Duration maxLifetime = Duration.ofMinutes(30);
        Duration leakThreshold = Duration.ZERO;
        Duration validationBypass = Duration.ofMillis(500);
        Duration keepaliveInterval = Duration.ofMinutes(2);
        WarmUp warmup = WarmUp.LAZY;
        int warmupParallelism = 2;
        Duration drainGrace = Duration.ofSeconds(30);
        List<Endpoint> endpoints = List.of();
        Duration housekeepingInterval = Duration.ofSeconds(30);
        Duration backoffInitial = Duration.ofMillis(100);
        Duration backoffMax = Duration.ofSeconds(30);
        double adaptiveHeadroom = 1.25;
        int adaptiveShrinkAfter = 3;

        private Builder() {
        }

        public Builder minSize(int v) {
            minSize = v;
            return this;
        }

        public Builder maxSize(int v) {
            maxSize = v;
            return this;
        }

        /** One of the engine's strategies. */
        public Builder strategy(io.nebula.resource.PoolStrategy v) {
            strategy = BuiltInStrategy.of(Objects.requireNonNull(v, "strategy"));
            return this;
        }

        /** Any strategy, an application's included, without looking it up by name. */
        public Builder strategy(PoolStrategy v) {
            strategy = Objects.requireNonNull(v, "strategy");
            return this;
        }

        public Builder acquireTimeout(Duration v) {
            acquireTimeout = Objects.requireNonNull(v, "acquireTimeout");
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = Objects.requireNonNull(v, "idleTimeout");
            return this;
        }

        public Builder maxLifetime(Duration v) {
            maxLifetime = Objects.requireNonNull(v, "maxLifetime");
            return this;
        }

        public Builder leakThreshold(Duration v) {
            leakThreshold = Objects.requireNonNull(v, "leakThreshold");
            return this;
        }

        public Builder validationBypass(Duration v) {
            validationBypass = Objects.requireNonNull(v, "validationBypass");
            return this;
        }

        public Builder keepaliveInterval(Duration v) {
            keepaliveInterval = Objects.requireNonNull(v, "keepaliveInterval");
            return this;
        }

        public Builder warmup(WarmUp v) {
            warmup = Objects.requireNonNull(v, "warmup");
            return this;
        }

        public Builder warmupParallelism(int v) {
            warmupParallelism = v;
            return this;
        }

        public Builder drainGrace(Duration v) {
            drainGrace = Objects.requireNonNull(v, "drainGrace");
            return this;
        }

        public Builder endpoints(List<Endpoint> v) {
            endpoints = List.copyOf(v);
            return this;
        }

        public Builder housekeepingInterval(Duration v) {
            housekeepingInterval = Objects.requireNonNull(v, "housekeepingInterval");
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            backoffInitial = Objects.requireNonNull(initial, "initial");
            backoffMax = Objects.requireNonNull(max, "max");
            return this;
        }

        public Builder adaptiveHeadroom(double v) {
            adaptiveHeadroom = v;
            return this;
        }

        public Builder adaptiveShrinkAfter(int v) {
            adaptiveShrinkAfter = v;
            return this;
        }

        /** @throws ConfigurationInvalidException listing every problem, keys named {@code pool.*} */
        public PoolConfig build() {
            return build(UnaryOperator.identity());
        }

        PoolConfig build(UnaryOperator<String> keyOf) {
            List<ConfigProblem> problems = check(keyOf);
            if (!problems.isEmpty()) {
                throw new ConfigurationInvalidException(problems);
            }
            return new PoolConfig(this);
        }

        /** Every rule that spans values or bounds one; parse errors are reported by the reader. */
        List<ConfigProblem> check(UnaryOperator<String> keyOf) {
            return PoolConfigReader.check(this, keyOf);
        }
    }
}
