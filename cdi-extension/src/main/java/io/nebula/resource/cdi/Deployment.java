package io.nebula.resource.cdi;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.cdi.config.ConfigCredentialSource;
import io.nebula.resource.cdi.config.ConfiguredResources;
import io.nebula.resource.cdi.inject.ClientProxies;
import io.nebula.resource.cdi.inject.ResourceInjectionPoint;
import io.nebula.resource.cdi.inject.Views;
import io.nebula.resource.cdi.integration.TelemetryBackends;
import io.nebula.resource.core.DependencyGraph;
import io.nebula.resource.core.audit.AuditSink;
import io.nebula.resource.core.cluster.Cluster;
import io.nebula.resource.core.cluster.ClusterQuota;
import io.nebula.resource.core.cluster.ClusterSettings;
import io.nebula.resource.core.credential.CredentialSources;
import io.nebula.resource.core.declared.ProviderCatalog;
import io.nebula.resource.core.declared.ResourceDeclaration;
import io.nebula.resource.core.declared.ResourceDeclarations;
import io.nebula.resource.core.declared.Tenancy;
import io.nebula.resource.core.declared.TenantOverrides;
import io.nebula.resource.core.telemetry.SemanticConventions;
import io.nebula.resource.spi.CredentialSource;
import jakarta.enterprise.inject.spi.BeanManager;
import org.eclipse.microprofile.config.Config;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What every container's extension does with the configuration, written once: reads the declared resources from
 * MicroProfile Config, checks everything (kinds, keys, pool settings, scopes, dependencies and their cycles, each
 * injection point and {@code @Action} against the declared resources, tenancy) and collects every problem, each
 * under its key. The portable extension ({@link NebulaExtension}) reads it after bean discovery; the build compatible
 * one ({@link NebulaBuildExtension}) at build time, to fail the build, and again when the application starts, from
 * the configuration it runs with.
 */
final class Deployment {

    static final String AUDIT_ENABLED = AuditSink.ENABLED;

    /** Where an {@code @Action} names a resource, for the check. */
    record ActionUse(String resource, String where) {
    }

    /** An {@code @Action(timeout = ...)} and where it is written. */
    record ActionTimeout(String value, String where) {
    }

    private final ConfigProblems problems = new ConfigProblems();
    private final ProviderCatalog providers;
    private final Map<String, ResourceSettings> settings;
    private final Map<String, ResourceDeclaration> declared = new LinkedHashMap<>();
    private final DependencyGraph graph;
    private final Tenancy tenancy;
    private final boolean semconv;
    private final boolean history;
    private final ClusterSettings cluster;

    /**
     * @param beanManager the container's, asked only once the application runs (audit observers, the caller's
     *                    principal): a build has none
     */
    private Deployment(Config config, Collection<ResourceInjectionPoint> injectionPoints, Collection<ActionUse> actions,
                       Collection<ActionTimeout> timeouts, EventSink events, Supplier<BeanManager> beanManager) {
        providers = ProviderCatalog.load();
        settings = ConfiguredResources.read(config, problems);
        Map<String, List<String>> dependencies = new LinkedHashMap<>();
        for (ResourceSettings s : settings.values()) {
            ResourceDeclaration.parse(s, providers, problems).ifPresent(d -> declared.put(d.name(), d));
            dependencies.put(s.name(), ResourceDeclarations.dependsOn(s));
        }
        graph = ResourceDeclarations.graph(dependencies, problems);
        ResourceDeclarations.fallbacks(declared, settings.keySet(), problems);
        checkInjectionPoints(injectionPoints);
        checkActions(actions);
        checkTimeouts(timeouts);
        tenancy = tenancy(config, events, beanManager);
        semconv = flag(config, TelemetryBackends.SEMCONV, SemanticConventions.BY_DEFAULT);
        history = flag(config, io.nebula.resource.core.history.HistoryClock.ENABLED,
                io.nebula.resource.core.history.HistoryClock.ENABLED_BY_DEFAULT);
        problems.addAll(tenancy.problems(declared));
        ConfigRefresh.check(config, problems);
        cluster = checkCluster(config);
    }

    /**
     * {@code nebula.cluster.*}: the declared {@code redis} resource that carries the cluster's permits, with its backend
     * module installed; a resource's {@code cluster.*} limit needs it, for a limit accepted and counted per JVM would
     * let every node open its own share of a database's session budget. The {@code cluster.*} values themselves are
     * checked with the resource's other keys.
     */
    private ClusterSettings checkCluster(Config config) {
        ClusterSettings cluster = ClusterSettings.read(key -> config.getOptionalValue(key, String.class),
                name -> Optional.ofNullable(settings.get(name)).map(ResourceSettings::kind), problems);
        String resource = cluster.resource();
        if (resource != null && settings.containsKey(resource) && settings.get(resource).kind().equals("redis")
                && Cluster.factory("redis", Deployment.class.getClassLoader()).isEmpty()) {
            problems.add(ClusterSettings.RESOURCE, "needs the cluster backend on the class path"
                    + " (io.nebula.resource:nebula-resource-cluster-redis), was '" + resource + "'");
        }
        if (resource == null) {
            for (ResourceSettings s : settings.values()) {
                for (String key : List.of(ClusterQuota.MAX_CONCURRENT_LEASES, ClusterQuota.TENANT_MAX_CONCURRENT_LEASES,
                        ClusterQuota.TENANT_MAX_ACQUISITIONS_PER_SECOND, ClusterQuota.MAX_INSTANCES,
                        ClusterQuota.TENANT_MAX_INSTANCES)) {
                    if (s.string(key).filter(v -> !v.isBlank() && !v.trim().equals("0")).isPresent()) {
                        problems.add(s.keyOf(key), "is a cluster-wide limit, but " + ClusterSettings.RESOURCE
                                + " is not set; name the declared resource of kind redis that counts it across the nodes");
                    }
                }
            }
        }
        return cluster;
    }

    static Deployment read(Config config, Collection<ResourceInjectionPoint> injectionPoints, Collection<ActionUse> actions,
                           Collection<ActionTimeout> timeouts, EventSink events, Supplier<BeanManager> beanManager) {
        return new Deployment(config, injectionPoints, actions, timeouts, events, beanManager);
    }

    /** Every problem found, each under its key; empty when the application may deploy. */
    List<ConfigProblem> problems() {
        return problems.list();
    }

    /** @throws ConfigurationInvalidException listing every problem, when there is one */
    void requireValid() {
        if (!problems.isEmpty()) {
            throw new ConfigurationInvalidException(problems.list());
        }
    }

    /** The declared resources that parsed, by name, in the order of the configuration. */
    Map<String, ResourceDeclaration> declared() {
        return declared;
    }

    /** {@code nebula.cluster.resource}: the declared resource that carries the cluster's permits, {@code null} for none. */
    String clusterResource() {
        return cluster.resource();
    }

    /** Whether OpenTelemetry reports {@code db.client.connection.*} ({@value TelemetryBackends#SEMCONV}). */
    boolean semconv() {
        return semconv;
    }

    /**
     * The application's resources, once {@link #problems()} is empty; with {@code nebula.cluster.resource}, this
     * node joins the cluster now (its heartbeat starts; Redis is first asked then, never waited on past its bound).
     */
    ResourceRuntime runtime(EventSink events) {
        requireValid();
        Cluster c = cluster.resource() == null ? null : Cluster.join(cluster, "redis",
                settings.get(cluster.resource()), Deployment.class.getClassLoader());
        return new ResourceRuntime(providers, declared.values(), graph, events, tenancy, history, c);
    }

    /**
     * What the resources share for tenancy, credentials and audit: the tenant overrides, the installed credential
     * sources with MicroProfile Config's {@code config} as the default, and where audit records go (a CDI event and
     * the logger {@value AuditRecord#LOGGER}, unless {@code nebula.audit.enabled=false}).
     */
    private Tenancy tenancy(Config config, EventSink events, Supplier<BeanManager> beanManager) {
        TenantOverrides overrides = ConfiguredResources.tenantOverrides(config, problems);
        Map<String, CredentialSource> sources = new HashMap<>(CredentialSources.installed(Deployment.class.getClassLoader()));
        sources.put(ConfigCredentialSource.NAME, new ConfigCredentialSource(config));
        boolean audit = flag(config, AUDIT_ENABLED, AuditSink.ENABLED_BY_DEFAULT);
        AuditSink sink = audit ? new AuditSink(events::fire, events::observesAuditRecords) : null;
        return new Tenancy(overrides, sources, ConfigCredentialSource.NAME, sink, new CallerPrincipal(beanManager));
    }

    /**
     * A global {@code true|false} key. Read as text: MicroProfile Config's boolean converter takes any other word
     * for {@code false} (and SmallRye's {@code yes} or {@code on} for {@code true}), so a typo would switch silently.
     */
    private boolean flag(Config config, String key, boolean otherwise) {
        Optional<String> value;
        try {
            value = config.getOptionalValue(key, String.class);
        } catch (RuntimeException e) {
            problems.add(key, "must be true or false");
            return otherwise;
        }
        if (value.isEmpty() || value.get().isBlank()) {
            return otherwise;
        }
        String v = value.get().trim();
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            problems.add(key, "must be true or false, was '" + v + "'");
            return otherwise;
        }
        return Boolean.parseBoolean(v);
    }

    private void checkInjectionPoints(Collection<ResourceInjectionPoint> injectionPoints) {
        for (ResourceInjectionPoint ip : injectionPoints) {
            String kindKey = ResourceSettings.PREFIX + ip.name() + "." + ResourceDeclaration.KIND;
            if (!settings.containsKey(ip.name())) {
                problems.add(kindKey, "is not set, but " + ip.where() + " injects resource '" + ip.name()
                        + "'; declare it in MicroProfile Config (declared resources: " + declaredNames() + ")");
                continue;
            }
            ResourceDeclaration d = declared.get(ip.name());
            Class<?> wanted = ip.instanceClass();
            if (d != null && wanted != null && Views.viewFor(d.provider(), wanted) == null) {
                problems.add(kindKey, ip.where() + " injects resource '" + ip.name() + "' as " + ip.typeName()
                        + ", but its provider (kind " + d.settings().kind() + ") makes " + Views.describe(d.provider()));
            } else if (d != null) {
                ClientProxies.check(ip, d, problems);
            }
        }
    }

    private void checkActions(Collection<ActionUse> actions) {
        for (ActionUse use : actions) {
            if (!settings.containsKey(use.resource())) {
                problems.add(ResourceSettings.PREFIX + use.resource() + "." + ResourceDeclaration.KIND, "is not set, but "
                        + use.where() + " uses resource '" + use.resource() + "'; declare it in MicroProfile Config "
                        + "(declared resources: " + declaredNames() + ")");
            }
        }
    }

    private void checkTimeouts(Collection<ActionTimeout> timeouts) {
        for (ActionTimeout timeout : timeouts) {
            Duration d = ResourceSettings.parseDuration(timeout.value());
            if (d == null || d.isNegative()) {
                problems.add(timeout.where(), "timeout \"" + timeout.value() + "\" is not a duration; write it as "
                        + "250ms, 2s, 1m or in ISO-8601 (PT0.25S)");
            }
        }
    }

    private String declaredNames() {
        return settings.isEmpty() ? "none" : String.join(", ", settings.keySet());
    }
}
