package io.nebula.resource.cdi.config;

import io.nebula.resource.ConfigProblems;
import io.nebula.resource.core.tenant.TenantTemplate;
import org.eclipse.microprofile.config.Config;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The per-tenant overrides in MicroProfile Config: {@code nebula.tenant.<id>.resource.<name>.<key>} sets
 * {@code <key>} of resource {@code <name>}'s pool for tenant {@code <id>} only, over the resource's own value
 * and before {@code {tenant}} is replaced. Read once at deployment, like the resources themselves.
 */
public final class TenantOverrides {

    static final String PREFIX = "nebula.tenant.";
    private static final String RESOURCE = ".resource.";

    /** tenant → resource → relative key → value */
    private final Map<String, Map<String, Map<String, String>>> byTenant;

    private TenantOverrides(Map<String, Map<String, Map<String, String>>> byTenant) {
        this.byTenant = byTenant;
    }

    static final TenantOverrides NONE = new TenantOverrides(Map.of());

    /** The key of a tenant's override. */
    public static String key(String tenant, String resource, String key) {
        return PREFIX + tenant + RESOURCE + resource + "." + key;
    }

    /** Every override; keys that are not of the form above, or cannot be read, are problems. */
    public static TenantOverrides read(Config config, ConfigProblems problems) {
        Map<String, Map<String, Map<String, String>>> byTenant = new TreeMap<>();
        Set<String> seen = new TreeSet<>();
        for (String property : config.getPropertyNames()) {
            String key = property.startsWith("%") && property.indexOf('.') > 0 ? property.substring(property.indexOf('.') + 1)
                    : property;
            if (!key.startsWith(PREFIX) || !seen.add(key)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int at = rest.indexOf(RESOURCE);
            String tenant = at < 0 ? "" : rest.substring(0, at);
            String afterResource = at < 0 ? "" : rest.substring(at + RESOURCE.length());
            int dot = afterResource.indexOf('.');
            if (at <= 0 || dot <= 0 || dot == afterResource.length() - 1) {
                problems.add(key, "is not a tenant override: they have the form " + PREFIX
                        + "<tenant>.resource.<name>.<key>, e.g. " + PREFIX + "acme.resource.orders-db.pool.max-size");
                continue;
            }
            if (!TenantTemplate.isValidTenantId(tenant)) {
                problems.add(key, "names tenant '" + tenant + "', which is not a valid tenant id (letters, digits, _ and -,"
                        + " at most 63, starting with a letter or digit)");
                continue;
            }
            String value = ConfiguredResources.value(config, key, problems).orElse(null);
            if (value != null) {
                byTenant.computeIfAbsent(tenant, t -> new TreeMap<>())
                        .computeIfAbsent(afterResource.substring(0, dot), r -> new TreeMap<>())
                        .put(afterResource.substring(dot + 1), value);
            }
        }
        return new TenantOverrides(byTenant);
    }

    /** One tenant's overrides of one resource; empty when it has none. */
    public Map<String, String> of(String tenant, String resource) {
        return byTenant.getOrDefault(tenant, Map.of()).getOrDefault(resource, Map.of());
    }

    /** resource → tenant → overrides, for the deployment checks. */
    public Map<String, Map<String, Map<String, String>>> byResource() {
        Map<String, Map<String, Map<String, String>>> result = new TreeMap<>();
        byTenant.forEach((tenant, resources) -> resources.forEach((resource, values) ->
                result.computeIfAbsent(resource, r -> new TreeMap<>()).put(tenant, values)));
        return result;
    }
}
