package io.nebula.resource.core.pipeline;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.ConfigKey;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.nebula.resource.ResourceSettings.text;

/**
 * A resource's fault tolerance, read from {@code nebula.resource.<name>.retry.*}, {@code .circuit-breaker.*},
 * {@code .timeout} and {@code .bulkhead.*}. Immutable; every problem is reported at deployment, each naming its
 * key. See docs/resilience.md for what each key does and why the defaults are what they are.
 *
 * @param maxRetries       retries after the first attempt; 0 turns retrying off
 * @param delay            wait before the first retry; doubled for each further one (exponential backoff)
 * @param maxDelay         the longest wait between two attempts
 * @param jitter           each wait is moved by a random amount within ± this
 * @param maxDuration      the deadline: no retry starts once this long has passed since the first attempt
 * @param circuitBreaker   whether the circuit breaker is on
 * @param requestVolume    how many of the latest acquisitions the breaker judges (its rolling window)
 * @param failureRatio     the share of failures in that window that opens the circuit
 * @param circuitDelay     how long the circuit stays open before letting a probe through (half-open)
 * @param successThreshold successful probes that close a half-open circuit
 * @param timeout          the longest one attempt may take; zero turns the timeout off
 * @param maxConcurrent    acquisitions running at once; zero turns the bulkhead off
 * @param queue            further acquisitions that wait for a place when the bulkhead is full
 */
public record ResiliencePolicy(int maxRetries, Duration delay, Duration maxDelay, Duration jitter, Duration maxDuration,
                               boolean circuitBreaker, int requestVolume, double failureRatio, Duration circuitDelay,
                               int successThreshold, Duration timeout, int maxConcurrent, int queue) {

    /** The {@code retry.*} keys: what {@link #withChangeableOf} takes from another policy. */
    public static final java.util.Set<String> RETRY_KEYS = java.util.Set.of("retry.max-retries", "retry.delay",
            "retry.max-delay", "retry.jitter", "retry.max-duration");

    /**
     * The {@code circuit-breaker.*} keys a live breaker takes ({@link #withChangeableOf}): all but
     * {@code circuit-breaker.enabled}, which adds or removes the breaker, its state and its metrics.
     */
    public static final java.util.Set<String> CIRCUIT_KEYS = java.util.Set.of(
            "circuit-breaker.request-volume-threshold", "circuit-breaker.failure-ratio", "circuit-breaker.delay",
            "circuit-breaker.success-threshold");

    /** The {@code bulkhead.*} keys: the pool's bulkhead takes them with the calls under way counted. */
    public static final java.util.Set<String> BULKHEAD_KEYS = java.util.Set.of("bulkhead.max-concurrent",
            "bulkhead.queue");

    /**
     * The keys of this policy that an operator may change on a live pool: {@link #RETRY_KEYS}, {@link #CIRCUIT_KEYS},
     * {@code timeout} (the attempt guard is made again) and {@link #BULKHEAD_KEYS} (the bulkhead is resized).
     */
    public static final java.util.Set<String> CHANGEABLE_KEYS = union(union(RETRY_KEYS, CIRCUIT_KEYS),
            union(java.util.Set.of("timeout"), BULKHEAD_KEYS));

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return java.util.Set.copyOf(all);
    }

    /**
     * This policy with {@code other}'s settings of the {@link #CHANGEABLE_KEYS}: what an operator's change makes of a
     * live pool's policy; whether the breaker is on stays as it is.
     */
    public ResiliencePolicy withChangeableOf(ResiliencePolicy other) {
        return new ResiliencePolicy(other.maxRetries, other.delay, other.maxDelay, other.jitter, other.maxDuration,
                circuitBreaker, other.requestVolume, other.failureRatio, other.circuitDelay, other.successThreshold,
                other.timeout, other.maxConcurrent, other.queue);
    }

    public static final String MAX_RETRIES = "retry.max-retries";
    public static final String DELAY = "retry.delay";
    public static final String MAX_DELAY = "retry.max-delay";
    public static final String JITTER = "retry.jitter";
    public static final String MAX_DURATION = "retry.max-duration";
    public static final String CB_ENABLED = "circuit-breaker.enabled";
    public static final String CB_VOLUME = "circuit-breaker.request-volume-threshold";
    public static final String CB_RATIO = "circuit-breaker.failure-ratio";
    public static final String CB_DELAY = "circuit-breaker.delay";
    public static final String CB_SUCCESS = "circuit-breaker.success-threshold";
    public static final String TIMEOUT = "timeout";
    public static final String BULKHEAD_MAX = "bulkhead.max-concurrent";
    public static final String BULKHEAD_QUEUE = "bulkhead.queue";

    private static final List<String> PREFIXES = List.of("retry.", "circuit-breaker.", "bulkhead.");

    /** The defaults, as documented in docs/resilience.md. */
    public static final ResiliencePolicy DEFAULTS = new ResiliencePolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2),
            Duration.ofMillis(100), Duration.ofSeconds(10), true, 20, 0.5, Duration.ofSeconds(5), 1,
            Duration.ZERO, 0, 0);

    /** Every key this policy reads, described, with {@link #DEFAULTS}' values (see docs/configuration.md). */
    public static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.integer(MAX_RETRIES, DEFAULTS.maxRetries, "Retries after the first attempt; 0 turns retrying"
                    + " off."),
            ConfigKey.duration(DELAY, DEFAULTS.delay, "Wait before the first retry; doubled for each further one"
                    + " (exponential backoff)."),
            ConfigKey.duration(MAX_DELAY, DEFAULTS.maxDelay, "The longest wait between two attempts (at least"
                    + " retry.delay)."),
            ConfigKey.duration(JITTER, DEFAULTS.jitter, "Each wait moves by a random amount within this, so many"
                    + " callers do not retry in step."),
            ConfigKey.duration(MAX_DURATION, DEFAULTS.maxDuration, "The deadline: no retry starts once this long has"
                    + " passed since the first attempt (longer than retry.delay)."),
            ConfigKey.bool(CB_ENABLED, DEFAULTS.circuitBreaker, "Whether the circuit breaker is on."),
            ConfigKey.integer(CB_VOLUME, DEFAULTS.requestVolume, "How many of the latest acquisitions the breaker"
                    + " judges (its rolling window)."),
            ConfigKey.number(CB_RATIO, DEFAULTS.failureRatio, "The share of failures in that window that opens the"
                    + " circuit (0 to 1)."),
            ConfigKey.duration(CB_DELAY, DEFAULTS.circuitDelay, "How long the circuit stays open before letting"
                    + " probes through (half-open)."),
            ConfigKey.integer(CB_SUCCESS, DEFAULTS.successThreshold, "Successful probes that close a half-open"
                    + " circuit."),
            ConfigKey.duration(TIMEOUT, DEFAULTS.timeout, "The longest one attempt may take; 0 turns the timeout"
                    + " off. Not changeable at run time on a kind that reads timeout itself (redis)."),
            ConfigKey.integer(BULKHEAD_MAX, DEFAULTS.maxConcurrent, "Acquisitions running at once; 0 turns the"
                    + " bulkhead off. Changed at run time, the acquisitions under way stay counted."),
            ConfigKey.integer(BULKHEAD_QUEUE, DEFAULTS.queue, "Further acquisitions that wait for a place when the"
                    + " bulkhead is full (needs bulkhead.max-concurrent)."));

    /** Every key this policy reads, relative to the resource. */
    public static final Set<String> KEYS = DEFINITIONS.stream().map(ConfigKey::name).collect(Collectors.toUnmodifiableSet());

    /**
     * Reads and checks the policy; every problem goes to {@code problems} under its full key.
     *
     * @return the policy, or empty when a key is wrong
     */
    public static Optional<ResiliencePolicy> parse(ResourceSettings s, ConfigProblems problems) {
        ConfigProblems found = new ConfigProblems();
        ResiliencePolicy d = DEFAULTS;
        Integer maxRetries = found.read(() -> s.intValue(MAX_RETRIES, d.maxRetries));
        Duration delay = found.read(() -> s.duration(DELAY, d.delay));
        Duration maxDelay = found.read(() -> s.duration(MAX_DELAY, d.maxDelay));
        Duration jitter = found.read(() -> s.duration(JITTER, d.jitter));
        Duration maxDuration = found.read(() -> s.duration(MAX_DURATION, d.maxDuration));
        Boolean cb = found.read(() -> s.bool(CB_ENABLED, d.circuitBreaker));
        Integer volume = found.read(() -> s.intValue(CB_VOLUME, d.requestVolume));
        Double ratio = found.read(() -> s.doubleValue(CB_RATIO, d.failureRatio));
        Duration cbDelay = found.read(() -> s.duration(CB_DELAY, d.circuitDelay));
        Integer success = found.read(() -> s.intValue(CB_SUCCESS, d.successThreshold));
        Duration timeout = found.read(() -> s.duration(TIMEOUT, d.timeout));
        Integer maxConcurrent = found.read(() -> s.intValue(BULKHEAD_MAX, d.maxConcurrent));
        Integer queue = found.read(() -> s.intValue(BULKHEAD_QUEUE, d.queue));

        if (maxRetries != null && maxRetries < 0) {
            found.add(s.keyOf(MAX_RETRIES), "must be 0 (no retry) or more, was " + maxRetries);
        }
        if (delay != null && maxDelay != null && maxDelay.compareTo(delay) < 0) {
            found.add(s.keyOf(MAX_DELAY), "must not be shorter than " + s.keyOf(DELAY) + " (" + text(delay)
                    + "), was " + text(maxDelay));
        }
        if (delay != null && maxDuration != null && maxRetries != null && maxRetries > 0
                && maxDuration.compareTo(delay) <= 0) {
            found.add(s.keyOf(MAX_DURATION), "must be longer than " + s.keyOf(DELAY) + " (" + text(delay)
                    + "), or no retry could ever start; was " + text(maxDuration));
        }
        if (volume != null && volume < 1) {
            found.add(s.keyOf(CB_VOLUME), "must be 1 or more, was " + volume);
        }
        if (ratio != null && (ratio.isNaN() || ratio < 0 || ratio > 1)) {
            found.add(s.keyOf(CB_RATIO), "must be between 0 and 1, was " + text(ratio));
        }
        if (success != null && success < 1) {
            found.add(s.keyOf(CB_SUCCESS), "must be 1 or more, was " + success);
        }
        if (maxConcurrent != null && maxConcurrent < 0) {
            found.add(s.keyOf(BULKHEAD_MAX), "must be 0 (no bulkhead) or more, was " + maxConcurrent);
        }
        if (queue != null && queue < 0) {
            found.add(s.keyOf(BULKHEAD_QUEUE), "must be 0 or more, was " + queue);
        }
        if (queue != null && queue > 0 && maxConcurrent != null && maxConcurrent == 0) {
            found.add(s.keyOf(BULKHEAD_QUEUE), "needs " + s.keyOf(BULKHEAD_MAX) + " (no bulkhead is set, so nothing "
                    + "ever queues); set it or remove this key");
        }
        for (String key : s.keys()) {
            if (PREFIXES.stream().anyMatch(key::startsWith) && !KEYS.contains(key)) {
                found.add(s.keyOf(key), "is not a fault tolerance key; known keys: " + String.join(", ",
                        KEYS.stream().filter(k -> k.contains(".")).sorted().toList()));
            }
        }
        if (!found.isEmpty()) {
            problems.addAll(found.list());
            return Optional.empty();
        }
        return Optional.of(new ResiliencePolicy(maxRetries, delay, maxDelay, jitter, maxDuration, cb, volume, ratio,
                cbDelay, success, timeout, maxConcurrent, queue));
    }
}
