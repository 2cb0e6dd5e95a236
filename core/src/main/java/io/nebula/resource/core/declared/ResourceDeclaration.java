package io.nebula.resource.core.declared;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.WarmUp;
import io.nebula.resource.core.pipeline.HealthPolicy;
import io.nebula.resource.core.pipeline.ResiliencePolicy;
import io.nebula.resource.core.tenant.TenantTemplate;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One resource's configuration, checked: its provider, pool settings, scope, dependencies and start
 * mode. The keys read here (the provider and the pool engine check theirs):
 * <ul>
 *   <li>{@code kind}: required, one of the installed providers' kinds;</li>
 *   <li>{@code scope}: {@code global} (default), {@code tenant}, {@code workflow}, {@code execution}, {@code action};</li>
 *   <li>{@code depends-on}: comma-separated names of declared resources;</li>
 *   <li>{@code fallback}: the name of a declared resource that serves this one's acquisitions while it is down,
 *       checked across resources by {@link ResourceDeclarations#fallbacks};</li>
 *   <li>{@code start}: {@code lazy} (default; on first use) or {@code eager} (at application start);
 *       {@code pool.warmup=eager} implies {@code eager} unless {@code start} says otherwise;</li>
 *   <li>{@code start.required}: {@code false} (default: an eager resource whose backend is down is logged, reported
 *       DOWN and recovered in the background) or {@code true} (the application fails to start instead);</li>
 *   <li>{@code health.*}: see {@link HealthPolicy};</li>
 *   <li>{@code retry.*}, {@code circuit-breaker.*}, {@code timeout}, {@code bulkhead.*}: see {@link ResiliencePolicy}.</li>
 * </ul>
 */
public record ResourceDeclaration(ResourceSettings settings, ResourceProvider<?> provider, PoolConfig pool,
                           ResourceScope scope, List<String> dependsOn, boolean eager,
                           ResiliencePolicy resilience, HealthPolicy health) {

    public static final String KIND = "kind";
    public static final String SCOPE = "scope";
    public static final String DEPENDS_ON = "depends-on";
    public static final String START = "start";
    public static final String START_REQUIRED = "start.required";
    public static final String FALLBACK = "fallback";
    static final String HEALTH_INTERVAL = HealthPolicy.INTERVAL;
    /** The scope of a resource without a {@code scope} key. */
    static final ResourceScope DEFAULT_SCOPE = ResourceScope.GLOBAL;
    /** Whether an eager resource without a {@code start.required} key must start with the application. */
    static final boolean DEFAULT_START_REQUIRED = false;

    /** The keys read here, described (see docs/configuration.md). */
    public static final List<ConfigKey> DEFINITIONS = List.of(
            ConfigKey.string(KIND, null, "Which provider makes this resource: one of the installed providers' kinds"
                    + " (the provider sections below).").asRequired(),
            new ConfigKey(SCOPE, ConfigKey.Type.CHOICE, DEFAULT_SCOPE.configName(), false,
                    Arrays.stream(ResourceScope.values()).map(ResourceScope::configName).toList(),
                    "What one lease is bound to: the application, a tenant (one pool per tenant), a workflow, an"
                    + " execution or an action. Unless it is global and its provider resident, an injected instance"
                    + " is a client proxy, so the injected type must be proxyable (docs/cdi.md)."),
            ConfigKey.list(DEPENDS_ON, "Names of declared resources this one needs: they start before it and stop"
                    + " after it."),
            ConfigKey.choice(START, null, List.of("lazy", "eager"), "eager starts the resource with the application,"
                    + " lazy on first use. Without the key: eager when pool.warmup=eager or start.required=true,"
                    + " else lazy."),
            ConfigKey.bool(START_REQUIRED, DEFAULT_START_REQUIRED, "true: the application fails to start when this"
                    + " eager resource cannot; false: it is logged, reported DOWN and recovered in the background."),
            ConfigKey.string(FALLBACK, null, "The name of another declared resource that serves this one's"
                    + " acquisitions while it is down (circuit open, quarantined, backend unavailable), never when it is"
                    + " busy (pool exhausted, bulkhead full) or refuses a caller (quota, tenant). Of the same scope,"
                    + " its instances of this resource's type, and without a fallback of its own: one hop."));
    /** The tenant id a tenant-scoped resource's settings (a template) are checked with at deployment. */
    private static final String SAMPLE_TENANT = "tenant";

    public String name() {
        return settings.name();
    }

    /** The resource that serves this one's acquisitions while it is down ({@code fallback}); empty when none. */
    public java.util.Optional<String> fallback() {
        return settings.string(FALLBACK).map(String::trim).filter(f -> !f.isEmpty());
    }

    /** Whether the application must not start when this eager resource cannot ({@code start.required=true}). */
    public boolean startRequired() {
        return eager && settings.string(START_REQUIRED).map(r -> r.trim().equalsIgnoreCase("true"))
                .orElse(DEFAULT_START_REQUIRED);
    }

    /**
     * Checks every key and returns the declaration, or empty when something is wrong; every problem
     * found is added to {@code problems}, each naming its full key.
     */
    public static Optional<ResourceDeclaration> parse(ResourceSettings declared, ProviderCatalog providers, ConfigProblems problems) {
        ConfigProblems found = new ConfigProblems();

        ResourceProvider<?> provider = null;
        if (declared.kind() == null || declared.kind().isBlank()) {
            found.add(declared.keyOf(KIND), "is required: it says which provider makes this resource; known kinds: "
                    + providers.knownKinds());
        } else {
            String why = providers.problemWith(declared.kind());
            if (why != null) {
                found.add(declared.keyOf(KIND), why);
            } else {
                provider = providers.provider(declared.kind());
            }
        }
        ResourceSettings settings = ResourceKeys.canonical(declared, provider);

        ResourceScope scope = DEFAULT_SCOPE;
        Optional<String> scopeValue = settings.string(SCOPE);
        if (scopeValue.isPresent()) {
            scope = ResourceScope.parse(scopeValue.get()).orElse(null);
            if (scope == null) {
                found.add(settings.keyOf(SCOPE), "must be one of " + allowed(ResourceScope.values())
                        + ", was '" + scopeValue.get() + "'");
            }
        }

        List<String> dependsOn = ResourceDeclarations.dependsOn(settings);

        Boolean startEager = null;
        Optional<String> start = settings.string(START);
        if (start.isPresent()) {
            switch (start.get().toLowerCase(Locale.ROOT)) {
                case "eager" -> startEager = true;
                case "lazy" -> startEager = false;
                default -> found.add(settings.keyOf(START), "must be one of lazy, eager, was '" + start.get() + "'");
            }
        }

        Optional<String> required = settings.string(START_REQUIRED);
        if (required.isPresent()) {
            String r = required.get().trim().toLowerCase(Locale.ROOT);
            if (!r.equals("true") && !r.equals("false")) {
                found.add(settings.keyOf(START_REQUIRED), "must be true or false, was '" + required.get() + "'");
            } else if (r.equals("true") && Boolean.FALSE.equals(startEager)) {
                found.add(settings.keyOf(START_REQUIRED), "needs " + settings.keyOf(START) + "=eager: a lazy resource"
                        + " does not start with the application, was true");
            } else if (r.equals("true") && scope == ResourceScope.TENANT) {
                found.add(settings.keyOf(START_REQUIRED), "cannot be true for a resource of scope 'tenant': its pools are"
                        + " made on each tenant's first request, none at application start");
            }
        }

        Optional<HealthPolicy> health = HealthPolicy.parse(settings, found);
        Optional<ResiliencePolicy> resilience = ResiliencePolicy.parse(settings, found);

        found.addAll(PoolConfig.problems(settings));
        found.addAll(io.nebula.resource.core.cluster.ClusterQuota.problems(settings));
        if (provider != null) {
            found.addAll(ResourceKeys.unknown(settings, provider));
            uncountedInstances(settings, provider, found);
            // a tenant-scoped resource's settings are a template: its provider checks them with a tenant in place of {tenant}
            List<ConfigProblem> own = providerProblems(provider, scope == ResourceScope.TENANT ? sample(settings) : settings);
            // each problem once: a key the engine already found wrong (a provider that reads pool.max-size checks it too)
            // is not reported again in the provider's words
            Set<String> reported = found.list().stream().map(ConfigProblem::key).collect(Collectors.toSet());
            found.addAll(own.stream().filter(p -> !reported.contains(p.key())).toList());
        }

        if (!found.isEmpty()) {
            problems.addAll(found.list());
            return Optional.empty();
        }
        PoolConfig pool = PoolConfig.from(settings);
        boolean eager = startEager != null ? startEager
                : pool.warmup() == WarmUp.EAGER || required.map(r -> r.trim().equalsIgnoreCase("true"))
                .orElse(DEFAULT_START_REQUIRED);
        return Optional.of(new ResourceDeclaration(settings, provider, pool, scope, dependsOn, eager,
                resilience.orElseThrow(), health.orElseThrow()));
    }

    /** The settings a tenant-scoped resource's provider is checked with at deployment: the template, for a sample tenant. */
    private static ResourceSettings sample(ResourceSettings template) {
        return new TenantTemplate(template, t -> Map.of()).settingsFor(SAMPLE_TENANT);
    }

    private static List<ConfigProblem> providerProblems(ResourceProvider<?> provider, ResourceSettings settings) {
        try {
            return provider.validate(settings);
        } catch (RuntimeException e) {
            // a provider's bug must not hide the rest of the report; its message is not shown, it may hold a value
            return List.of(new ConfigProblem(settings.keyOf(KIND), "the " + settings.kind() + " provider ("
                    + provider.getClass().getName() + ") failed to check this resource's keys: " + e.getClass().getName()));
        }
    }

    private static String allowed(Enum<?>[] values) {
        StringBuilder b = new StringBuilder();
        for (Enum<?> v : values) {
            b.append(b.length() == 0 ? "" : ", ").append(v.name().toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }

    /**
     * A session budget ({@code cluster.max-instances}, {@code cluster.tenant.max-instances}) on a kind whose instances do
     * not count their connections against it ({@link ResourceProvider#countsInstances}) would be accepted and hold
     * nothing: a problem naming the key.
     */
    private static void uncountedInstances(ResourceSettings settings, ResourceProvider<?> provider, ConfigProblems found) {
        if (provider.countsInstances()) {
            return;
        }
        // the values as ClusterQuota reads them (its own problems are reported by ClusterQuota.problems)
        io.nebula.resource.core.cluster.ClusterQuota quota =
                io.nebula.resource.core.cluster.ClusterQuota.read(settings, new ConfigProblems());
        uncounted(settings, provider, found, io.nebula.resource.core.cluster.ClusterQuota.MAX_INSTANCES,
                quota.maxInstances());
        uncounted(settings, provider, found, io.nebula.resource.core.cluster.ClusterQuota.TENANT_MAX_INSTANCES,
                quota.tenantMaxInstances());
    }

    private static void uncounted(ResourceSettings settings, ResourceProvider<?> provider, ConfigProblems found,
                                  String key, int value) {
        if (value > 0) {
            found.add(settings.keyOf(key), "is not counted by kind '" + provider.kind() + "': its instances open no"
                    + " connections of their own that a session budget could count (the JDBC kinds do;"
                    + " docs/cluster.md), was " + value);
        }
    }
}
