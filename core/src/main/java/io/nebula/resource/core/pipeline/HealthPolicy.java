package io.nebula.resource.core.pipeline;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ConfigKey;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.nebula.resource.ResourceSettings.text;

/**
 * How a resource's health is checked: {@code nebula.resource.<name>.health.interval} (how often; {@code 0}
 * turns scheduled checks off), {@code .health.depth} ({@code shallow} or {@code deep}) and
 * {@code .health.quarantine-after} (consecutive failed deep checks that quarantine the resource; {@code 0}
 * never quarantines).
 */
public record HealthPolicy(Duration interval, CheckDepth depth, int quarantineAfter) {

    public static final String INTERVAL = "health.interval";
    public static final String DEPTH = "health.depth";
    public static final String QUARANTINE_AFTER = "health.quarantine-after";

    public static final HealthPolicy DEFAULTS = new HealthPolicy(Duration.ofSeconds(30), CheckDepth.SHALLOW, 3);

    /** Every key {@link #parse} reads, described, with {@link #DEFAULTS}' values (see docs/configuration.md). */
    public static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.duration(INTERVAL, DEFAULTS.interval, "How often the resource's health is checked; 0 turns"
                    + " scheduled checks off, otherwise at least 10ms."),
            ConfigKey.choice(DEPTH, DEFAULTS.depth, CheckDepth.values(), "shallow asks the backend whether it is"
                    + " there; deep runs a real round trip (a query, a probe file)."),
            ConfigKey.integer(QUARANTINE_AFTER, DEFAULTS.quarantineAfter, "Consecutive failed deep checks that"
                    + " quarantine the resource (acquisitions refused until a check passes); 0 never quarantines."));

    public static final Set<String> KEYS = DEFINITIONS.stream().map(ConfigKey::name).collect(Collectors.toUnmodifiableSet());

    /** Reads and checks the policy; every problem goes to {@code problems} under its full key. */
    public static Optional<HealthPolicy> parse(ResourceSettings s, ConfigProblems problems) {
        ConfigProblems found = new ConfigProblems();
        Duration interval = found.read(() -> s.duration(INTERVAL, DEFAULTS.interval));
        if (interval != null && !interval.isZero() && interval.toMillis() < 10) {
            found.add(s.keyOf(INTERVAL), "must be 0 (no scheduled checks) or at least 10ms, was " + text(interval));
        }
        CheckDepth depth = DEFAULTS.depth;
        Optional<String> d = s.string(DEPTH);
        if (d.isPresent()) {
            switch (d.get().toLowerCase(Locale.ROOT)) {
                case "shallow" -> depth = CheckDepth.SHALLOW;
                case "deep" -> depth = CheckDepth.DEEP;
                default -> found.add(s.keyOf(DEPTH), "must be one of shallow, deep, was '" + d.get() + "'");
            }
        }
        Integer after = found.read(() -> s.intValue(QUARANTINE_AFTER, DEFAULTS.quarantineAfter));
        if (after != null && after < 0) {
            found.add(s.keyOf(QUARANTINE_AFTER), "must be 0 (never quarantine) or more, was " + after);
        }
        for (String key : s.keys()) {
            if (key.startsWith("health.") && !KEYS.contains(key)) {
                found.add(s.keyOf(key), "is not a health key; known keys: " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        if (!found.isEmpty()) {
            problems.addAll(found.list());
            return Optional.empty();
        }
        return Optional.of(new HealthPolicy(interval, depth, after));
    }
}
