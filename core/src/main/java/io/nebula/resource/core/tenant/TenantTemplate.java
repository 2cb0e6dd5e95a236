package io.nebula.resource.core.tenant;

import io.nebula.resource.ResourceSettings;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A tenant-scoped resource's settings as a template: each tenant's pool is made from them with the tenant id
 * in place of the placeholder, in the URL, the schema, the database, the user or any provider key, and with
 * that tenant's overrides ({@code nebula.tenant.<id>.resource.<name>.*}) applied first.
 *
 * <p>The placeholder is written {@value #PLACEHOLDER} in configuration. MicroProfile Config implementations
 * expand {@code ${...}} as a property expression, so a bare {@code ${tenant}} is looked up as a property
 * named {@code tenant} and fails (SmallRye Config: {@code SRCFG00011 Could not expand value tenant});
 * {@value #PLACEHOLDER} passes through every implementation untouched. {@code ${tenant}} is accepted as well,
 * for settings made in code and for SmallRye Config's escaped forms {@code $${tenant}} and {@code \${tenant}},
 * which reach the application as {@code ${tenant}}.
 *
 * <p>Secret values are never templated: a password is used as written or fetched. A tenant id is spliced
 * into URLs, schema names and file paths, so only ids made of letters, digits, {@code _} and {@code -}
 * (at most 63, not starting with {@code -} or {@code _}) are accepted.
 */
public final class TenantTemplate {

    /** The placeholder for the tenant id in a value. */
    public static final String PLACEHOLDER = "{tenant}";
    /** The same placeholder in the expression form, once it got past MicroProfile Config. */
    public static final String EXPRESSION = "${tenant}";
    /** The key under which a tenant's settings carry the tenant id. */
    public static final String TENANT_KEY = "tenant";

    private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

    private final ResourceSettings template;
    private final Function<String, Map<String, String>> overrides;

    /**
     * @param template  the resource's own settings, placeholders unresolved
     * @param overrides a tenant's overrides, relative keys to raw values; an empty map when it has none
     */
    public TenantTemplate(ResourceSettings template, Function<String, Map<String, String>> overrides) {
        this.template = Objects.requireNonNull(template, "template");
        this.overrides = Objects.requireNonNull(overrides, "overrides");
    }

    public ResourceSettings template() {
        return template;
    }

    /** Whether any value names the tenant; without it every tenant's pool reaches the same place. */
    public boolean namesTheTenant() {
        return template.asMap().entrySet().stream()
                .anyMatch(e -> !ResourceSettings.isSecretKey(e.getKey()) && hasPlaceholder(e.getValue()));
    }

    /** Whether a tenant id may be used: letters, digits, {@code _} and {@code -}, at most 63, starting with a letter or digit. */
    public static boolean isValidTenantId(String tenant) {
        return tenant != null && TENANT_ID.matcher(tenant).matches();
    }

    /**
     * The settings of one tenant's pool: the template with the tenant's overrides applied, every placeholder
     * replaced by the tenant id, and the id itself under {@value #TENANT_KEY}.
     *
     * @throws IllegalArgumentException when the tenant id is not valid (callers check {@link #isValidTenantId} first)
     */
    public ResourceSettings settingsFor(String tenant) {
        if (!isValidTenantId(tenant)) {
            throw new IllegalArgumentException("not a valid tenant id: '" + tenant + "'");
        }
        Map<String, String> values = new TreeMap<>(template.asMap());
        Map<String, String> own = overrides.apply(tenant);
        if (own != null) {
            values.putAll(own);
        }
        values.replaceAll((key, value) -> ResourceSettings.isSecretKey(key) ? value : substitute(value, tenant));
        values.put(TENANT_KEY, tenant);
        return ResourceSettings.of(template.name(), template.kind(), values);
    }

    /** {@code value} with every placeholder replaced by {@code tenant}. */
    public static String substitute(String value, String tenant) {
        if (value == null || value.indexOf('{') < 0) {
            return value;
        }
        return value.replace(EXPRESSION, tenant).replace(PLACEHOLDER, tenant);
    }

    static boolean hasPlaceholder(String value) {
        return value != null && (value.contains(PLACEHOLDER) || value.contains(EXPRESSION));
    }
}
