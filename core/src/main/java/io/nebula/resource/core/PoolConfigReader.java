package io.nebula.resource.core;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static io.nebula.resource.core.PoolConfig.ACQUIRE_TIMEOUT;
import static io.nebula.resource.core.PoolConfig.ADAPTIVE_HEADROOM;
import static io.nebula.resource.core.PoolConfig.ADAPTIVE_SHRINK_AFTER;
import static io.nebula.resource.core.PoolConfig.BACKOFF_INITIAL;
import static io.nebula.resource.core.PoolConfig.BACKOFF_MAX;
import static io.nebula.resource.core.PoolConfig.DRAIN_GRACE;
import static io.nebula.resource.core.PoolConfig.ENDPOINTS;
import static io.nebula.resource.core.PoolConfig.HOUSEKEEPING_INTERVAL;
import static io.nebula.resource.core.PoolConfig.IDLE_TIMEOUT;
import static io.nebula.resource.core.PoolConfig.KEEPALIVE_INTERVAL;
import static io.nebula.resource.core.PoolConfig.KEYS;
import static io.nebula.resource.core.PoolConfig.LEAK_THRESHOLD;
import static io.nebula.resource.core.PoolConfig.MAX_LIFETIME;
import static io.nebula.resource.core.PoolConfig.MAX_SIZE;
import static io.nebula.resource.core.PoolConfig.MIN_SIZE;
import static io.nebula.resource.core.PoolConfig.STRATEGY;
import static io.nebula.resource.core.PoolConfig.VALIDATION_BYPASS;
import static io.nebula.resource.core.PoolConfig.WARMUP;
import static io.nebula.resource.core.PoolConfig.WARMUP_PARALLELISM;

import static io.nebula.resource.ResourceSettings.text;

/**
 * Reads a resource's {@code pool.*} keys into a {@link PoolConfig.Builder} and holds the rules its values
 * must keep. Every problem is reported, each with its full key and the allowed values; nothing is clamped.
 * {@link PoolConfig#from} and {@link PoolConfig#problems} read through here, {@link PoolConfig.Builder#build}
 * checks through here.
 */
final class PoolConfigReader {

    private PoolConfigReader() {
    }

    /** Reads the keys into a builder, adding every problem: parse errors, unknown keys, and the builder's rules. */
    static PoolConfig.Builder read(ResourceSettings s, ConfigProblems problems) {
        PoolConfig.Builder b = PoolConfig.builder();
        PoolConfig.Builder d = PoolConfig.builder(); // defaults, for keys that failed to parse
        b.minSize = orDefault(problems.read(() -> s.intValue(MIN_SIZE, d.minSize)), d.minSize);
        b.maxSize = orDefault(problems.read(() -> s.intValue(MAX_SIZE, d.maxSize)), d.maxSize);
        s.string(STRATEGY).ifPresent(v -> {
            PoolStrategies strategies = PoolStrategies.installed();
            strategies.named(v).ifPresentOrElse(x -> b.strategy = x,
                    () -> problems.add(s.keyOf(STRATEGY), strategies.unknown(v)));
        });
        b.acquireTimeout = duration(s, problems, ACQUIRE_TIMEOUT, d.acquireTimeout);
        b.idleTimeout = duration(s, problems, IDLE_TIMEOUT, d.idleTimeout);
        b.maxLifetime = duration(s, problems, MAX_LIFETIME, d.maxLifetime);
        b.leakThreshold = duration(s, problems, LEAK_THRESHOLD, d.leakThreshold);
        b.validationBypass = duration(s, problems, VALIDATION_BYPASS, d.validationBypass);
        b.keepaliveInterval = duration(s, problems, KEEPALIVE_INTERVAL, d.keepaliveInterval);
        s.string(WARMUP).ifPresent(v -> WarmUp.parse(v).ifPresentOrElse(x -> b.warmup = x,
                () -> problems.add(s.keyOf(WARMUP), "must be one of lazy, eager, was '" + v + "'")));
        b.warmupParallelism = orDefault(problems.read(() -> s.intValue(WARMUP_PARALLELISM, d.warmupParallelism)),
                d.warmupParallelism);
        b.drainGrace = duration(s, problems, DRAIN_GRACE, d.drainGrace);
        s.string(ENDPOINTS).ifPresent(v -> b.endpoints = parseEndpoints(v, s.keyOf(ENDPOINTS), problems));
        b.housekeepingInterval = duration(s, problems, HOUSEKEEPING_INTERVAL, d.housekeepingInterval);
        b.backoffInitial = duration(s, problems, BACKOFF_INITIAL, d.backoffInitial);
        b.backoffMax = duration(s, problems, BACKOFF_MAX, d.backoffMax);
        b.adaptiveHeadroom = orDefault(problems.read(() -> s.doubleValue(ADAPTIVE_HEADROOM, d.adaptiveHeadroom)),
                d.adaptiveHeadroom);
        b.adaptiveShrinkAfter = orDefault(problems.read(() -> s.intValue(ADAPTIVE_SHRINK_AFTER,
                d.adaptiveShrinkAfter)), d.adaptiveShrinkAfter);
        for (String key : s.keys()) {
            if (key.startsWith("pool.") && !KEYS.contains(key)) {
                problems.add(s.keyOf(key), "is not a pool setting; known keys are "
                        + KEYS.stream().sorted().collect(Collectors.joining(", ")));
            }
        }
        problems.addAll(b.check(s::keyOf));
        return b;
    }

    private static Duration duration(ResourceSettings s, ConfigProblems problems, String key, Duration dflt) {
        return orDefault(problems.read(() -> s.duration(key, dflt)), dflt);
    }

    private static <T> T orDefault(T value, T dflt) {
        return value == null ? dflt : value;
    }

    /** Parses {@code primary:3,replica-1:1}; a bare name has weight 1. */
    private static List<Endpoint> parseEndpoints(String text, String key, ConfigProblems problems) {
        List<Endpoint> result = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.lastIndexOf(':');
            String name = colon < 0 ? p : p.substring(0, colon).trim();
            int weight = 1;
            if (colon >= 0) {
                try {
                    weight = Integer.parseInt(p.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    weight = -1;
                }
            }
            if (name.isEmpty() || weight < 1) {
                problems.add(key, "each endpoint must be name:weight with a weight of at least 1, "
                        + "such as primary:3,replica-1:1; was '" + p + "'");
            } else if (!seen.add(name)) {
                problems.add(key, "names endpoint '" + name + "' twice");
            } else {
                result.add(new Endpoint(name, weight));
            }
        }
        if (result.isEmpty() && !text.isBlank() && problems.isEmpty()) {
            problems.add(key, "names no endpoint; expected name:weight,... such as primary:3,replica-1:1");
        }
        return result;
    }

    /** Every rule that spans values or bounds one; parse errors are reported by {@link #read}. */
    static List<ConfigProblem> check(PoolConfig.Builder b, UnaryOperator<String> keyOf) {
        ConfigProblems p = new ConfigProblems();
        if (b.minSize < 0) {
            p.add(keyOf.apply(MIN_SIZE), "must be 0 or more, was " + b.minSize);
        }
        if (b.maxSize < 1) {
            p.add(keyOf.apply(MAX_SIZE), "must be 1 or more, was " + b.maxSize);
        }
        if (b.minSize > b.maxSize && b.maxSize >= 1) {
            p.add(keyOf.apply(MIN_SIZE), "must not exceed " + keyOf.apply(MAX_SIZE) + " (" + b.maxSize
                    + "), was " + b.minSize);
        }
        if (b.warmupParallelism < 1) {
            p.add(keyOf.apply(WARMUP_PARALLELISM), "must be 1 or more, was " + b.warmupParallelism);
        }
        if (b.housekeepingInterval.compareTo(Duration.ofMillis(10)) < 0) {
            p.add(keyOf.apply(HOUSEKEEPING_INTERVAL), "must be at least 10ms, was " + text(b.housekeepingInterval));
        }
        if (!b.keepaliveInterval.isZero() && !b.maxLifetime.isZero() && b.keepaliveInterval.compareTo(b.maxLifetime) >= 0) {
            p.add(keyOf.apply(KEEPALIVE_INTERVAL), "must be shorter than " + keyOf.apply(MAX_LIFETIME) + " ("
                    + text(b.maxLifetime) + "), or 0 to turn keep-alive off; was " + text(b.keepaliveInterval));
        }
        if (b.backoffInitial.isZero()) {
            p.add(keyOf.apply(BACKOFF_INITIAL), "must be more than 0");
        }
        if (b.backoffMax.compareTo(b.backoffInitial) < 0) {
            p.add(keyOf.apply(BACKOFF_MAX), "must be at least " + keyOf.apply(BACKOFF_INITIAL) + " ("
                    + text(b.backoffInitial) + "), was " + text(b.backoffMax));
        }
        if (!(b.adaptiveHeadroom >= 1.0 && b.adaptiveHeadroom <= 10.0)) {
            p.add(keyOf.apply(ADAPTIVE_HEADROOM), "must be between 1 and 10, was " + text(b.adaptiveHeadroom));
        }
        if (b.adaptiveShrinkAfter < 1) {
            p.add(keyOf.apply(ADAPTIVE_SHRINK_AFTER), "must be 1 or more windows, was " + b.adaptiveShrinkAfter);
        }
        if (b.strategy == BuiltInStrategy.WEIGHTED_ROUND_ROBIN && b.endpoints.isEmpty()) {
            p.add(keyOf.apply(ENDPOINTS), "is required by " + keyOf.apply(STRATEGY)
                    + "=weighted-round-robin; e.g. primary:3,replica-1:1");
        }
        if (b.strategy != BuiltInStrategy.WEIGHTED_ROUND_ROBIN && !b.endpoints.isEmpty()) {
            p.add(keyOf.apply(ENDPOINTS), "is only used with " + keyOf.apply(STRATEGY)
                    + "=weighted-round-robin, but the strategy is " + b.strategy.name());
        }
        return p.list();
    }
}
