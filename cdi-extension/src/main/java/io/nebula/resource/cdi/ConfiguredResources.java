package io.nebula.resource.cdi;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import org.eclipse.microprofile.config.Config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static io.nebula.resource.ResourceSettings.PREFIX;

/**
 * Reads the resources declared in MicroProfile Config: every property {@code nebula.resource.<name>.<key>}
 * gives resource {@code <name>} the relative key {@code <key>}. Values are read through the plain
 * {@link Config} API, so profiles ({@code %dev.}), environment variables, system properties and every other
 * config source apply as the application's MicroProfile Config implementation defines them.
 */
final class ConfiguredResources {

    private ConfiguredResources() {
    }

    /** The settings of each declared resource, by name; keys that cannot be read are added to {@code problems}. */
    static Map<String, ResourceSettings> read(Config config, ConfigProblems problems) {
        Map<String, Map<String, String>> byName = new TreeMap<>();
        for (String property : config.getPropertyNames()) {
            String key = withoutProfile(property);
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                problems.add(key, "is not a resource key: resource keys have the form " + PREFIX
                        + "<name>.<key>, e.g. " + PREFIX + "orders-db.kind");
                continue;
            }
            value(config, key, problems).ifPresent(v ->
                    byName.computeIfAbsent(rest.substring(0, dot), n -> new TreeMap<>()).put(rest.substring(dot + 1), v));
        }
        Map<String, ResourceSettings> resources = new LinkedHashMap<>();
        byName.forEach((name, values) -> {
            String kind = values.remove(ResourceDeclaration.KIND);
            resources.put(name, ResourceSettings.of(name, kind, values));
        });
        return resources;
    }

    /**
     * The value the application sees for a key (active profile first, highest ordinal source first);
     * empty when the key exists only in an inactive profile.
     */
    private static Optional<String> value(Config config, String key, ConfigProblems problems) {
        try {
            return config.getOptionalValue(key, String.class);
        } catch (RuntimeException e) {
            // e.g. an expression ${DB_PASSWORD} that cannot be expanded; the message names the key, not a value,
            // but for a secret key say nothing more than that it failed
            problems.add(key, "could not be read" + (ResourceSettings.isSecretKey(key) ? "" : ": " + e.getMessage()));
            return Optional.empty();
        }
    }

    /** {@code %dev.nebula.resource.x.kind} names the key {@code nebula.resource.x.kind}. */
    private static String withoutProfile(String property) {
        if (property.startsWith("%")) {
            int dot = property.indexOf('.');
            return dot < 0 ? property : property.substring(dot + 1);
        }
        return property;
    }
}
