package io.nebula.resource.spi;

import io.nebula.resource.ResourceSettings;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One key a resource may have, relative to {@code nebula.resource.<name>.}: what the configuration reference
 * (docs/configuration.md, docs/configuration.json) says about it, and what deployment accepts. The engine's keys and
 * each provider's ({@link ResourceProvider#configKeys()}) are listed this way, once.
 *
 * <p>A key is secret when {@link ResourceSettings#isSecretKey} says so: the rule that masks its value everywhere also
 * marks it here, so the two cannot disagree.
 *
 * @param name         the key, such as {@code pool.max-size}; one ending in a dot ({@code properties.}) stands for
 *                     every key under it
 * @param type         what its value is
 * @param defaultValue the value when the key is not set, as a user writes it ({@code 30s}, {@code 10}); {@code null}
 *                     when there is none, or when it depends on other keys (the description says how)
 * @param required     whether a resource of its kind must set it
 * @param values       the allowed values of a {@link Type#CHOICE}; empty otherwise
 * @param description  one or two sentences: what it does, in the words of the documentation
 */
public record ConfigKey(String name, Type type, String defaultValue, boolean required, List<String> values,
                        String description) {

    /** What a key's value is. */
    public enum Type {
        /** Text. */
        STRING,
        /** A whole number. */
        INTEGER,
        /** A number, possibly with a fraction. */
        NUMBER,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, or ISO-8601 ({@code PT30S}). */
        DURATION,
        /** One of {@link ConfigKey#values()}. */
        CHOICE,
        /** Comma-separated items. */
        LIST,
        /** Any key under the prefix {@link ConfigKey#name()}, each with a text value. */
        MAP;

        /** As written in the reference: lower case. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        values = List.copyOf(values);
        if ((type == Type.MAP) != name.endsWith(".")) {
            throw new IllegalArgumentException(name + ": a key of type map, and only one, ends with a dot");
        }
    }

    /** Whether its value is a secret: masked in every message, {@code toString()}, log and span. */
    public boolean secret() {
        return ResourceSettings.isSecretKey(name);
    }

    public static ConfigKey string(String name, String defaultValue, String description) {
        return new ConfigKey(name, Type.STRING, defaultValue, false, List.of(), description);
    }

    public static ConfigKey integer(String name, long defaultValue, String description) {
        return new ConfigKey(name, Type.INTEGER, Long.toString(defaultValue), false, List.of(), description);
    }

    public static ConfigKey number(String name, double defaultValue, String description) {
        return new ConfigKey(name, Type.NUMBER, ResourceSettings.text(defaultValue), false, List.of(), description);
    }

    public static ConfigKey bool(String name, boolean defaultValue, String description) {
        return new ConfigKey(name, Type.BOOLEAN, Boolean.toString(defaultValue), false, List.of(), description);
    }

    public static ConfigKey duration(String name, Duration defaultValue, String description) {
        return new ConfigKey(name, Type.DURATION, defaultValue == null ? null : ResourceSettings.text(defaultValue),
                false, List.of(), description);
    }

    /** A key whose value is one of {@code values}. */
    public static ConfigKey choice(String name, String defaultValue, List<String> values, String description) {
        return new ConfigKey(name, Type.CHOICE, defaultValue, false, values, description);
    }

    /** A key whose value is one of the enum's constants, written in lower case with dashes. */
    public static ConfigKey choice(String name, Enum<?> defaultValue, Enum<?>[] values, String description) {
        return choice(name, defaultValue == null ? null : configName(defaultValue),
                Arrays.stream(values).map(ConfigKey::configName).toList(), description);
    }

    public static ConfigKey list(String name, String description) {
        return new ConfigKey(name, Type.LIST, null, false, List.of(), description);
    }

    /** Every key under {@code prefix} (which ends with a dot). */
    public static ConfigKey map(String prefix, String description) {
        return new ConfigKey(prefix, Type.MAP, null, false, List.of(), description);
    }

    /** This key, required. */
    public ConfigKey asRequired() {
        return new ConfigKey(name, type, defaultValue, true, values, description);
    }

    /** This key, without a fixed default: the description says what it depends on. */
    public ConfigKey withoutDefault() {
        return new ConfigKey(name, type, null, required, values, description);
    }

    private static String configName(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
