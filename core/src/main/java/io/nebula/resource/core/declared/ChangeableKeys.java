package io.nebula.resource.core.declared;

import io.nebula.resource.core.tenant.TenantQuota;

import java.util.Set;
import java.util.TreeSet;

/**
 * The keys that change a running resource ({@code ResourceAdmin.apply}, the configuration refresh), each because
 * changing it really takes effect on the live pools without dropping a lease: the pool's sizes (the engine's pool and
 * a JDBC data source's connection pool resize), {@code pool.acquire-timeout} (every wait begun from then on, the engine's
 * and a JDBC data source's own), the {@code retry.*} keys (the pipelines are assembled again with
 * them), {@code health.interval} and {@code health.depth} (the checks are scheduled again), the {@code circuit-breaker.*} keys but {@code enabled} (the live breaker takes them in the state it is in),
 * {@code timeout} (a new attempt guard), the {@code bulkhead.*} keys (the pool's bulkhead is resized, the calls under
 * way counted), and per tenant the quota keys ({@code ResourceAdmin.tenantQuota}).
 * Every other key is read once, when the pool is made; the configuration reference marks these as changeable.
 */
public final class ChangeableKeys {

    /** How often the CDI extension reads the changeable keys again from MicroProfile Config; 0 for never. */
    public static final String REFRESH_INTERVAL = "nebula.config.refresh-interval";

    /** {@link #REFRESH_INTERVAL}, described for the configuration reference. */
    public static final io.nebula.resource.spi.ConfigKey DEFINITION = io.nebula.resource.spi.ConfigKey.duration(
            REFRESH_INTERVAL, java.time.Duration.ZERO, "How often the keys marked changeable at run time are read"
                    + " again from MicroProfile Config and applied to the running resources (as principal"
                    + " config-refresh); a changed key that cannot change at run time is logged once at WARN"
                    + " (NEBULA-4410) and not applied. 0: never (docs/operations.md).");

    static final String MIN_SIZE = "pool.min-size";
    static final String MAX_SIZE = "pool.max-size";
    static final String ACQUIRE_TIMEOUT = "pool.acquire-timeout";

    /** Changeable on the resource ({@code apply}, the refresh of {@code nebula.resource.<name>.*}). */
    public static final Set<String> RESOURCE = union(Set.of(MIN_SIZE, MAX_SIZE, ACQUIRE_TIMEOUT,
            io.nebula.resource.core.pipeline.HealthPolicy.INTERVAL, io.nebula.resource.core.pipeline.HealthPolicy.DEPTH),
            io.nebula.resource.core.pipeline.ResiliencePolicy.CHANGEABLE_KEYS);

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** Changeable per tenant ({@code tenantQuota}, the refresh of {@code nebula.tenant.<id>.resource.<name>.*}). */
    public static final Set<String> TENANT = TenantQuota.KEYS;

    private ChangeableKeys() {
    }

    /** Whether {@code key}, relative to the resource, changes a running resource through {@code apply}. */
    public static boolean isChangeable(String key) {
        return RESOURCE.contains(key);
    }

    /** Whether the configuration reference marks {@code key} changeable: on the resource, or per tenant. */
    public static boolean isMarked(String key) {
        return RESOURCE.contains(key) || TENANT.contains(key);
    }

    static String notChangeable(String key) {
        return TENANT.contains(key) ? "changes per tenant only at run time (ResourceAdmin.tenantQuota); restart the"
                + " application to change it for every tenant"
                : "cannot change at run time; restart the application to change it (keys changeable at run time: "
                + new TreeSet<>(RESOURCE) + ")";
    }
}
