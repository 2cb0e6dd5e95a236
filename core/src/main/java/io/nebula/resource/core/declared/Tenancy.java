package io.nebula.resource.core.declared;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.audit.AuditGate;
import io.nebula.resource.core.audit.AuditSink;
import io.nebula.resource.core.audit.AuditTrail;
import io.nebula.resource.core.credential.CredentialSettings;
import io.nebula.resource.core.credential.CredentialedProvider;
import io.nebula.resource.core.credential.SettingsCredentialSource;
import io.nebula.resource.core.tenant.TenantLimits;
import io.nebula.resource.core.tenant.TenantQuota;
import io.nebula.resource.core.tenant.TenantTemplate;
import io.nebula.resource.spi.CredentialSource;
import io.nebula.resource.spi.ResourceProvider;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static java.lang.System.Logger.Level.DEBUG;

/**
 * What an application's resources share for tenancy, credentials and audit: the per-tenant overrides, the
 * installed credential sources (the container's default first: MicroProfile Config's {@code config} in the CDI
 * extension), and where audit records go (an {@link AuditSink}, or nowhere when audit is off). Checks at
 * deployment what the engine would otherwise find only at a tenant's first request.
 */
public final class Tenancy {

    private static final System.Logger LOG = System.getLogger(Tenancy.class.getName());

    /** Keys a tenant cannot override: they say what the resource is, not how one tenant's pool behaves. */
    private static final Set<String> NOT_PER_TENANT = Set.of(ResourceDeclaration.KIND, ResourceDeclaration.SCOPE,
            ResourceDeclaration.DEPENDS_ON, ResourceDeclaration.START, ResourceDeclaration.START_REQUIRED,
            CredentialSettings.SOURCE);

    private final TenantOverrides overrides;
    private final Map<String, CredentialSource> sources;
    private final String defaultSource;
    private final AuditSink sink;
    private final Supplier<String> principal;

    /**
     * @param sources       the installed credential sources, by name
     * @param defaultSource the source of a resource that names none ({@code credentials.source})
     * @param sink          where audit records go; {@code null} when audit is off
     * @param principal     the authenticated caller's name on the current thread, or null, for audit records; must not throw
     */
    public Tenancy(TenantOverrides overrides, Map<String, CredentialSource> sources, String defaultSource, AuditSink sink,
                   Supplier<String> principal) {
        this.overrides = overrides;
        this.sources = Map.copyOf(sources);
        this.defaultSource = defaultSource;
        this.sink = sink;
        this.principal = principal;
    }

    /** The audit trail of one resource; records nothing when audit is off. */
    public AuditTrail auditTrail(String resource) {
        return sink == null ? AuditTrail.NONE : new AuditTrail(resource, sink, principal, Clock.systemUTC());
    }

    /**
     * Where the records of {@code trail} are let in: it makes a record only when the audit sink wants one.
     * {@code null} when audit is off, so that no listener is added at all.
     */
    public AuditGate auditGate(AuditTrail trail) {
        return sink == null ? null : new AuditGate(trail, sink);
    }

    /** The authenticated caller's name on the current thread, or null. */
    public Supplier<String> principal() {
        return principal;
    }

    /** Where audit records go; {@code null} when audit is off. */
    public AuditSink auditSink() {
        return sink;
    }

    /** The tenants that override any key of {@code resource} in the configuration read at deployment. */
    public java.util.Set<String> tenantsOverriding(String resource) {
        return overrides.byResource().getOrDefault(resource, Map.of()).keySet();
    }

    /** Whether {@code tenant} overrides any key of {@code resource}. */
    public boolean hasOverrides(String tenant, String resource) {
        return !overrides.of(tenant, resource).isEmpty();
    }

    public TenantTemplate template(ResourceDeclaration declaration) {
        return new TenantTemplate(declaration.settings(), tenant -> overrides.of(tenant, declaration.name()));
    }

    /**
     * {@code provider} for one pool, with credentials fetched from the resource's source just in time and
     * rotated. A resource derived in code with overrides keeps the credentials of its settings unless it names a
     * source: the container's default source (MicroProfile Config) holds the base resource's, not those it was
     * derived with.
     */
    public <R> CredentialedProvider<R> credentialed(ResourceProvider<R> provider, ResourceSettings poolSettings, boolean derived,
                                                    AuditTrail audit) {
        String fallback = derived ? SettingsCredentialSource.NAME : defaultSource;
        CredentialSettings credentials = CredentialSettings.from(poolSettings, fallback, sources);
        return CredentialedProvider.wrap(provider, poolSettings)
                .source(sources.get(credentials.source()))
                .credentials(credentials)
                .audit(audit)
                .build();
    }

    /**
     * What is wrong with the tenancy and credential keys of the declared resources and the tenant overrides,
     * each problem naming its key: for a tenant's override, the override's own key.
     */
    public List<ConfigProblem> problems(Map<String, ResourceDeclaration> declared) {
        ConfigProblems problems = new ConfigProblems();
        for (ResourceDeclaration d : declared.values()) {
            problems.addAll(CredentialSettings.problems(d.settings(), defaultSource, sources));
            if (d.scope() == ResourceScope.TENANT) {
                problems.addAll(TenantLimits.problems(d.settings()));
            } else {
                d.settings().keys().stream().filter(k -> k.startsWith("tenant.")).forEach(k -> problems.add(
                        d.settings().keyOf(k), "applies only to a resource of scope tenant; resource '" + d.name()
                                + "' has scope " + d.scope().configName()));
            }
        }
        overrides.byResource().forEach((resource, byTenant) -> byTenant.forEach((tenant, values) -> {
            String first = TenantOverrides.key(tenant, resource, values.keySet().iterator().next());
            ResourceDeclaration d = declared.get(resource);
            if (d == null) {
                problems.add(first, "overrides resource '" + resource + "', which is not declared; declared resources: "
                        + String.join(", ", declared.keySet()));
            } else if (d.scope() != ResourceScope.TENANT) {
                problems.add(first, "overrides resource '" + resource + "' for tenant '" + tenant + "', but only a resource"
                        + " of scope tenant has tenants; '" + resource + "' has scope " + d.scope().configName());
            } else {
                problems.addAll(tenantProblems(d, tenant, values));
            }
        }));
        return problems.list();
    }

    private List<ConfigProblem> tenantProblems(ResourceDeclaration d, String tenant, Map<String, String> values) {
        List<ConfigProblem> found = new ArrayList<>();
        for (String key : values.keySet()) {
            if (NOT_PER_TENANT.contains(key) || TenantLimits.RESOURCE_KEYS.contains(key)) {
                found.add(new ConfigProblem(TenantOverrides.key(tenant, d.name(), key), "cannot be set for one tenant:"
                        + " it holds for resource '" + d.name() + "' as a whole; set " + d.settings().keyOf(key)));
            }
        }
        ResourceSettings settings = template(d).settingsFor(tenant);
        List<ConfigProblem> all = new ArrayList<>(PoolConfig.problems(settings));
        ConfigProblems quota = new ConfigProblems();
        quota.read(() -> TenantQuota.from(settings));
        all.addAll(quota.list());
        try {
            all.addAll(d.provider().validate(settings));
        } catch (RuntimeException e) {
            LOG.log(DEBUG, () -> "NEBULA-4020 The " + d.settings().kind() + " provider failed to check the settings of"
                    + " tenant '" + tenant + "'", e);
        }
        String prefix = ResourceSettings.PREFIX + d.name() + ".";
        for (ConfigProblem p : all) {
            String relative = p.key().startsWith(prefix) ? p.key().substring(prefix.length()) : null;
            if (relative != null && values.containsKey(relative)) { // the resource's own problems are reported already
                found.add(new ConfigProblem(TenantOverrides.key(tenant, d.name(), relative), p.message()));
            }
        }
        return found;
    }
}
