package io.nebula.resource.cdi.config;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.declared.ResourceDeclaration;
import io.nebula.resource.core.declared.ResourceKeys;
import io.nebula.resource.core.declared.TenantOverrides;
import io.nebula.resource.core.tenant.TenantTemplate;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;

import static io.nebula.resource.ResourceSettings.PREFIX;

/**
 * Reads the resources declared in MicroProfile Config: every property {@code nebula.resource.<name>.<key>}
 * gives resource {@code <name>} the relative key {@code <key>}, and a resource is declared by its
 * {@code kind}. Values are read through the plain {@link Config} API, so profiles ({@code %dev.}),
 * environment variables, system properties, expressions and every other config source apply as the
 * application's MicroProfile Config implementation defines them.
 *
 * <p>An environment variable that sets a key no other source mentions, such as
 * {@code NEBULA_RESOURCE_ORDERS_DB_POOL_MAX_SIZE}, cannot say where its dashes were; implementations list
 * it under a guessed name ({@code nebula.resource.orders.db.pool.max.size}). Such a name is matched to the
 * declared resource it stands for ({@code orders-db}) and, where the key is one this library knows, to
 * that key ({@code pool.max-size}). The per-tenant overrides of those keys are read here too.
 */
public final class ConfiguredResources {

    private ConfiguredResources() {
    }

    /** The settings of each declared resource, by name; keys that cannot be read are added to {@code problems}. */
    public static Map<String, ResourceSettings> read(Config config, ConfigProblems problems) {
        Map<String, Map<String, String>> byName = new TreeMap<>();
        List<String> keys = new ArrayList<>();
        for (String property : config.getPropertyNames()) {
            String key = withoutProfile(property);
            if (key.startsWith(PREFIX) && !keys.contains(key)) {
                keys.add(key);
            }
        }
        for (String key : keys) {
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
        foldEnvironmentAliases(config, byName);
        dottedNames(byName, problems);

        Map<String, ResourceSettings> resources = new LinkedHashMap<>();
        byName.forEach((name, values) -> {
            String kind = values.remove(ResourceDeclaration.KIND);
            resources.put(name, ResourceSettings.of(name, kind, values));
        });
        return resources;
    }

    /**
     * The per-tenant overrides, {@code nebula.tenant.<id>.resource.<name>.<key>}; keys that are not of that form,
     * or cannot be read, are added to {@code problems}.
     */
    public static TenantOverrides tenantOverrides(Config config, ConfigProblems problems) {
        Map<String, Map<String, Map<String, String>>> byTenant = new TreeMap<>();
        Set<String> seen = new TreeSet<>();
        for (String property : config.getPropertyNames()) {
            String key = property.startsWith("%") && property.indexOf('.') > 0 ? property.substring(property.indexOf('.') + 1)
                    : property;
            if (!key.startsWith(TenantOverrides.PREFIX) || !seen.add(key)) {
                continue;
            }
            String rest = key.substring(TenantOverrides.PREFIX.length());
            int at = rest.indexOf(TenantOverrides.RESOURCE);
            String tenant = at < 0 ? "" : rest.substring(0, at);
            String afterResource = at < 0 ? "" : rest.substring(at + TenantOverrides.RESOURCE.length());
            int dot = afterResource.indexOf('.');
            if (at <= 0 || dot <= 0 || dot == afterResource.length() - 1) {
                problems.add(key, "is not a tenant override: they have the form " + TenantOverrides.PREFIX
                        + "<tenant>.resource.<name>.<key>, e.g. " + TenantOverrides.PREFIX + "acme.resource.orders-db.pool.max-size");
                continue;
            }
            if (!TenantTemplate.isValidTenantId(tenant)) {
                problems.add(key, "names tenant '" + tenant + "', which is not a valid tenant id (letters, digits, _ and -,"
                        + " at most 63, starting with a letter or digit)");
                continue;
            }
            String value = value(config, key, problems).orElse(null);
            if (value != null) {
                byTenant.computeIfAbsent(tenant, t -> new TreeMap<>())
                        .computeIfAbsent(afterResource.substring(0, dot), r -> new TreeMap<>())
                        .put(afterResource.substring(dot + 1), value);
            }
        }
        return new TenantOverrides(byTenant);
    }

    /**
     * A name with a dot ({@code nebula.resource.orders.db.kind}) reads as resource {@code orders} with key
     * {@code db.kind}: say so, instead of "{@code orders.kind} is required".
     */
    private static void dottedNames(Map<String, Map<String, String>> byName, ConfigProblems problems) {
        for (String name : List.copyOf(byName.keySet())) {
            Map<String, String> values = byName.get(name);
            if (values.containsKey(ResourceDeclaration.KIND)) {
                continue;
            }
            values.keySet().stream().filter(k -> k.endsWith("." + ResourceDeclaration.KIND)).sorted().findFirst().ifPresent(k -> {
                String dotted = name + "." + k.substring(0, k.length() - ResourceDeclaration.KIND.length() - 1);
                problems.add(PREFIX + dotted + "." + ResourceDeclaration.KIND, "names resource '" + dotted
                        + "', but a resource's name cannot contain a dot (it reads as resource '" + name + "' with key '"
                        + k + "'): use letters, digits, '-' and '_', e.g. " + dotted.replace('.', '-'));
                byName.remove(name);
            });
        }
    }

    /**
     * Moves the keys of a name without a kind that is the environment-variable spelling of a declared
     * resource (same letters and digits, other characters as dots) over to that resource.
     */
    private static void foldEnvironmentAliases(Config config, Map<String, Map<String, String>> byName) {
        Map<String, String> declaredByNormalForm = new TreeMap<>();
        byName.forEach((name, values) -> {
            if (values.containsKey(ResourceDeclaration.KIND)) {
                declaredByNormalForm.put(ResourceKeys.normal(name), name);
            }
        });
        for (String name : List.copyOf(byName.keySet())) {
            if (byName.get(name).containsKey(ResourceDeclaration.KIND)) {
                continue;
            }
            Map<String, String> values = byName.get(name);
            boolean allMoved = true;
            for (String relative : List.copyOf(values.keySet())) {
                String alias = ResourceKeys.normal(name + "." + relative);
                Optional<String> owner = declaredByNormalForm.entrySet().stream()
                        .filter(e -> alias.startsWith(e.getKey() + "."))
                        .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
                        .map(Map.Entry::getValue);
                if (owner.isEmpty()) {
                    allMoved = false;
                    continue;
                }
                String ownerRelative = canonicalKey(alias.substring(ResourceKeys.normal(owner.get()).length() + 1));
                String value = config.getOptionalValue(PREFIX + owner.get() + "." + ownerRelative, String.class)
                        .orElse(values.get(relative));
                byName.get(owner.get()).putIfAbsent(ownerRelative, value);
                values.remove(relative);
            }
            if (allMoved && values.isEmpty()) {
                byName.remove(name);
            }
        }
    }

    /** The key this library knows under that normal form, else the normal form itself (a provider key such as {@code url}). */
    private static String canonicalKey(String normalRelative) {
        for (String known : ResourceKeys.COMMON) {
            if (ResourceKeys.normal(known).equals(normalRelative)) {
                return known;
            }
        }
        return normalRelative;
    }

    /**
     * The value the application sees for a key (active profile first, highest ordinal source first);
     * empty when the key exists only in an inactive profile. A value with an expression that cannot be
     * expanded is a problem: SmallRye Config reports it as absent from {@code getOptionalValue}, others throw.
     */
    static Optional<String> value(Config config, String key, ConfigProblems problems) {
        boolean secret = ResourceSettings.isSecretKey(key);
        try {
            Optional<String> value = config.getOptionalValue(key, String.class);
            if (value.isEmpty()) {
                ConfigValue raw = config.getConfigValue(key);
                String written = raw == null ? null : raw.getRawValue();
                if (written != null && raw.getValue() == null && written.contains("${")) {
                    problems.add(key, "could not be read: an expression in it could not be expanded"
                            + (secret ? "" : " ('" + written + "')") + tenantHint(written));
                }
            }
            return value;
        } catch (RuntimeException e) {
            // e.g. an expression ${DB_PASSWORD} that cannot be expanded; the message names the key, not a value,
            // but for a secret key say nothing more than that it failed
            problems.add(key, "could not be read" + (secret ? "" : ": " + e.getMessage()) + tenantHint(String.valueOf(e.getMessage())));
            return Optional.empty();
        }
    }

    /** {@code ${tenant}} is what a user writes first; MicroProfile Config takes it for a property expression. */
    private static String tenantHint(String text) {
        return text.contains("${tenant}") || text.contains("value tenant")
                ? "; for the tenant placeholder write {tenant}: MicroProfile Config expands ${...} itself" : "";
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
