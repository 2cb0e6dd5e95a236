package io.nebula.resource.core.declared;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.PoolConfig;
import io.nebula.resource.core.credential.CredentialSettings;
import io.nebula.resource.core.pipeline.HealthPolicy;
import io.nebula.resource.core.pipeline.ResiliencePolicy;
import io.nebula.resource.core.tenant.TenantLimits;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The keys a resource may have: those every resource has, whatever its kind, and those its provider
 * {@linkplain ResourceProvider#keys() reads}. A key that is neither is a configuration problem, with the known key it
 * is nearest to: a typo such as {@code scpoe=tenant} would otherwise leave the resource global and its tenants'
 * isolation lost without a word.
 *
 * <p>Keys under {@code pool.}, {@code health.}, {@code retry.}, {@code circuit-breaker.}, {@code bulkhead.} and
 * {@code tenant.} are checked by the part of the engine that reads them (each reports its own unknown keys, once),
 * and {@code credentials.} keys by the credential source; this class checks the rest.
 */
public final class ResourceKeys {

    /**
     * The keys every resource may have, whatever its kind, described: the one list deployment checks against and
     * docs/configuration.md is made from, grouped as the reference shows them. Each part is defined beside the code
     * that reads it, with that code's defaults.
     */
    public static final Map<String, List<ConfigKey>> DEFINITIONS = groups();

    /** The keys every resource may have, whatever its kind (a key ending in a dot stands for every key under it). */
    public static final Set<String> COMMON = DEFINITIONS.values().stream().flatMap(List::stream)
            .map(ConfigKey::name)
            .collect(Collectors.toUnmodifiableSet());

    private static final List<String> CHECKED_ELSEWHERE =
            List.of("pool.", "health.", "retry.", "circuit-breaker.", "bulkhead.", "tenant.", "credentials.");

    /** At most this many edits from a known key, a key is taken for a typo of it. */
    private static final int NEAR = 2;

    private ResourceKeys() {
    }

    private static Map<String, List<ConfigKey>> groups() {
        Map<String, List<ConfigKey>> groups = new LinkedHashMap<>();
        groups.put("Resource", ResourceDeclaration.DEFINITIONS);
        groups.put("Pool", PoolConfig.DEFINITIONS);
        groups.put("Health", HealthPolicy.DEFINITIONS);
        groups.put("Fault tolerance", ResiliencePolicy.DEFINITIONS);
        groups.put("Tenancy", TenantLimits.DEFINITIONS);
        groups.put("Credentials", CredentialSettings.DEFINITIONS);
        groups.put("Cluster", io.nebula.resource.core.cluster.ClusterQuota.DEFINITIONS);
        return java.util.Collections.unmodifiableMap(groups);
    }

    /**
     * The problems of keys this resource may not have. With a provider that lists its keys, every other key is one;
     * with a provider that does not (its {@code keys()} is empty), only a key a typo away from a common key is, since
     * the provider may read any other.
     */
    static List<ConfigProblem> unknown(ResourceSettings settings, ResourceProvider<?> provider) {
        Set<String> own = provider.keys();
        List<ConfigProblem> problems = new ArrayList<>();
        for (String key : new TreeSet<>(settings.keys())) {
            if (COMMON.contains(key) || CHECKED_ELSEWHERE.stream().anyMatch(key::startsWith) || isOneOf(key, own)) {
                continue;
            }
            String nearest = nearest(key, own);
            if (!own.isEmpty()) {
                problems.add(new ConfigProblem(settings.keyOf(key), "is not a key of a " + settings.kind() + " resource"
                        + (nearest != null ? "; did you mean '" + nearest + "'?" : "; its keys are listed in the "
                        + settings.kind() + " provider's documentation and docs/cdi.md (where a profile changes the"
                        + " kind, set a key of the other kind empty in that profile to take it away)")));
            } else if (nearest != null) {
                problems.add(new ConfigProblem(settings.keyOf(key), "is not a key of any resource; did you mean '"
                        + nearest + "'? (if the " + settings.kind() + " provider reads it, the provider should list it"
                        + " in ResourceProvider.keys())"));
            }
        }
        return problems;
    }

    /**
     * The settings with every key spelled as an environment variable reads back ({@code pool.min.size} for
     * {@code NEBULA_RESOURCE_DB_POOL_MIN_SIZE}: the variable cannot say where its dashes were) under the known key
     * it stands for ({@code pool.min-size}), unless that key is set too.
     */
    static ResourceSettings canonical(ResourceSettings settings, ResourceProvider<?> provider) {
        Set<String> own = provider == null ? Set.of() : provider.keys();
        ResourceSettings canonical = settings;
        for (String key : settings.keys()) {
            if (COMMON.contains(key) || isOneOf(key, own)) {
                continue;
            }
            String normal = normal(key);
            for (String known : named(own)) {
                if (normal(known).equals(normal) && !settings.has(known)) {
                    Map<String, String> values = new LinkedHashMap<>(canonical.asMap());
                    values.put(known, values.remove(key));
                    canonical = ResourceSettings.of(settings.name(), settings.kind(), values);
                    break;
                }
            }
        }
        return canonical;
    }

    /** The keys a resource may have by name (not those under a prefix), common ones and the provider's, in order. */
    private static List<String> named(Set<String> providerKeys) {
        return Stream.concat(COMMON.stream(), providerKeys.stream()).filter(k -> !k.endsWith(".")).sorted().toList();
    }

    /** Lower case, every character other than a letter or digit a dot: how an environment variable's name reads back. */
    public static String normal(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            b.append(Character.isLetterOrDigit(c) ? c : '.');
        }
        return b.toString();
    }

    /** Whether {@code key} is one of {@code keys}, where a key ending in a dot stands for every key under it. */
    private static boolean isOneOf(String key, Set<String> keys) {
        for (String k : keys) {
            if (k.endsWith(".") ? key.startsWith(k) && key.length() > k.length() : k.equals(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The known key fewest edits away from {@code key} (a swap of two neighbours is one edit), if it is at most
     * {@link #NEAR} away and at most a third of its length; else null.
     */
    static String nearest(String key, Set<String> providerKeys) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : named(providerKeys)) {
            int d = distance(key, known);
            if (d <= Math.min(NEAR, known.length() / 3) && d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Edits (insert, delete, replace, swap of neighbours) that turn {@code a} into {@code b}. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
