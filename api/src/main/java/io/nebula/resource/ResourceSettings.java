package io.nebula.resource;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration of one resource: its name, its kind and its keys, relative to
 * {@code nebula.resource.<name>.} (so {@code url}, {@code pool.max-size}). Immutable.
 *
 * <p>Typed getters throw {@link ConfigurationInvalidException} naming the full key and the expected
 * form; use {@link ConfigProblems} to gather every problem before failing. Keys that hold secrets
 * (see {@link #isSecretKey(String)}) are read with {@link #secret(String)} and masked in
 * {@link #toString()} and in every error message.
 */
public final class ResourceSettings {

    /** The prefix of every resource key in MicroProfile Config. */
    public static final String PREFIX = "nebula.resource.";

    private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "token", "credential",
            "credentials", "api-key", "apikey", "private-key", "passphrase",
            "authorization", "cookie"); // HTTP headers as keys: headers.Authorization, headers.Proxy-Authorization
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private final String name;
    private final String kind;
    private final Map<String, String> values;

    private ResourceSettings(String name, String kind, Map<String, String> values) {
        this.name = requireText(name, "name");
        this.kind = kind;
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * @param name   the resource name
     * @param kind   the provider kind, may be {@code null} while unknown
     * @param values keys relative to {@code nebula.resource.<name>.}, raw values
     */
    public static ResourceSettings of(String name, String kind, Map<String, String> values) {
        return new ResourceSettings(name, kind, values);
    }

    public String name() {
        return name;
    }

    public String kind() {
        return kind;
    }

    /** The full configuration key of a relative key: {@code nebula.resource.<name>.<key>}. */
    public String keyOf(String key) {
        return PREFIX + name + "." + key;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        String v = values.get(key);
        return v != null && !v.isBlank();
    }

    /** A copy with one key set (or removed when {@code value} is null). */
    public ResourceSettings with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(values);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new ResourceSettings(name, kind, copy);
    }

    /** A copy with every given key set over these. */
    public ResourceSettings withAll(Map<String, String> overrides) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.putAll(overrides);
        return new ResourceSettings(name, kind, copy);
    }

    /** The raw values, for building derived settings; contains secrets in clear. */
    public Map<String, String> asMap() {
        return values;
    }

    public Optional<String> string(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    /** @throws ConfigurationInvalidException when the key is missing */
    public String required(String key) {
        return string(key).orElseThrow(() -> problem(key, "is required"));
    }

    public int intValue(String key, int defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw problem(key, "must be an integer, was '" + shown(key, v.get()) + "'");
        }
    }

    public long longValue(String key, long defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.get());
        } catch (NumberFormatException e) {
            throw problem(key, "must be an integer, was '" + shown(key, v.get()) + "'");
        }
    }

    public double doubleValue(String key, double defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v.get());
        } catch (NumberFormatException e) {
            throw problem(key, "must be a number, was '" + shown(key, v.get()) + "'");
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw problem(key, "must be true or false, was '" + shown(key, v.get()) + "'");
        };
    }

    /**
     * A duration: ISO-8601 ({@code PT30S}) or a number with a unit {@code ms}, {@code s}, {@code m},
     * {@code h}, {@code d} ({@code 500ms}, {@code 30s}); a bare number is milliseconds. Negative
     * durations are rejected.
     */
    public Duration duration(String key, Duration defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        Duration d = parseDuration(v.get());
        if (d == null) {
            boolean negative = v.get().trim().startsWith("-") || v.get().trim().toUpperCase(Locale.ROOT).startsWith("PT-");
            throw problem(key, (negative ? "must not be negative" : "must be a duration such as 500ms, 30s, 5m or PT30S")
                    + ", was '" + shown(key, v.get()) + "'");
        }
        return d;
    }

    /**
     * A duration as a user writes one ({@code 1ms}, {@code 30s}, {@code 5m}): the largest unit that states it
     * exactly, down to nanoseconds; negative ones with a minus sign. For messages, so that {@code 1ms} is not shown
     * as {@code PT0.001S}.
     */
    public static String text(Duration d) {
        if (d.isNegative()) {
            return "-" + text(d.negated());
        }
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            return d.toString();
        }
        if (nanos == 0) {
            return "0";
        }
        long[] sizes = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms", "us", "ns"};
        for (int i = 0; i < sizes.length; i++) {
            if (nanos % sizes[i] == 0) {
                return nanos / sizes[i] + units[i];
            }
        }
        return nanos + "ns";
    }

    /** A number as a user writes one: {@code 2}, not {@code 2.0}. */
    public static String text(double n) {
        return n == Math.rint(n) && !Double.isInfinite(n) && Math.abs(n) < 1e15 ? Long.toString((long) n) : Double.toString(n);
    }

    /**
     * The value of a key as it was written ({@code 1ms}, not {@code PT0.001S}; {@code 2}, not {@code 2.0}), for a
     * message about it; {@code null} when the key is not set. A secret key's value is never shown.
     */
    public String written(String key) {
        Optional<String> v = string(key);
        return v.map(value -> shown(key, value)).orElse(null);
    }

    /** A secret value; empty when not set. */
    public Optional<Secret> secret(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(Secret.of(v));
    }

    /** Parses a duration in the forms {@link #duration} accepts; {@code null} when it is not one. */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        Matcher m = SIMPLE_DURATION.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                return null;
            }
            String unit = m.group(2) == null ? "ms" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
            return d.isNegative() ? null : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Whether a key holds a secret: its last segment names a password, token, secret, key, credential,
     * authorization or cookie.
     */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        int dot = k.lastIndexOf('.');
        String last = dot < 0 ? k : k.substring(dot + 1);
        for (String w : SECRET_WORDS) {
            if (last.contains(w)) { // sslpassword, keystore-password, x-api-key: over-masking is the safe side
                return true;
            }
        }
        return false;
    }

    /** A problem naming this resource's full key. */
    public ConfigurationInvalidException problem(String key, String message) {
        return new ConfigurationInvalidException(java.util.List.of(new ConfigProblem(keyOf(key), message)));
    }

    private static String shown(String key, String value) {
        return isSecretKey(key) ? Secret.MASK : value;
    }

    private static String requireText(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return s;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ResourceSettings[").append(name);
        if (kind != null) {
            b.append(", kind=").append(kind);
        }
        values.forEach((k, v) -> b.append(", ").append(k).append('=').append(shown(k, v)));
        return b.append(']').toString();
    }
}
