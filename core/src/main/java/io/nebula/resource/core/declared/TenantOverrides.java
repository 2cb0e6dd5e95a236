package io.nebula.resource.core.declared;

import java.util.Map;
import java.util.TreeMap;

/**
 * The per-tenant overrides: {@code nebula.tenant.<id>.resource.<name>.<key>} sets {@code <key>} of resource
 * {@code <name>}'s pool for tenant {@code <id>} only, over the resource's own value and before {@code {tenant}} is
 * replaced. Read once at deployment, like the resources themselves (the CDI extension reads them from MicroProfile
 * Config).
 */
public final class TenantOverrides {

    public static final String PREFIX = "nebula.tenant.";
    public static final String RESOURCE = ".resource.";

    /** tenant → resource → relative key → value */
    private final Map<String, Map<String, Map<String, String>>> byTenant;

    /** @param byTenant tenant → resource → relative key → value; kept as given */
    public TenantOverrides(Map<String, Map<String, Map<String, String>>> byTenant) {
        this.byTenant = byTenant;
    }

    /** The key of a tenant's override. */
    public static String key(String tenant, String resource, String key) {
        return PREFIX + tenant + RESOURCE + resource + "." + key;
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
