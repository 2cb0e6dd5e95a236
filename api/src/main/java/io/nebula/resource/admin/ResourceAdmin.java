package io.nebula.resource.admin;

import io.nebula.resource.ConfigurationInvalidException;

import java.time.Duration;
import java.util.Map;

/**
 * Changes a running resource without a restart and without dropping a lease. In a CDI application it is a bean:
 * {@code @Inject ResourceAdmin admin}.
 *
 * <p>Every change is validated exactly as configuration is, against the resource's configuration with the change
 * applied: a change that configuration would refuse is refused with {@link ConfigurationInvalidException}, listing
 * every problem under its full key ({@code nebula.resource.orders-db.pool.max-size}), and nothing is changed. A change
 * that is applied is recorded in the audit trail (kind {@code ADMIN}) with the principal, fires a
 * {@link io.nebula.resource.event.ResourceAdminEvent} and is returned.
 *
 * <p>The principal recorded is the caller's where the container knows it; {@link #as(String)} names it explicitly
 * (an endpoint that has authenticated its caller; the configuration refresh names itself {@code config-refresh}).
 * Names an unknown resource: {@link IllegalArgumentException}.
 */
public interface ResourceAdmin {

    /** The same administration, recording {@code principal} as who made each change. */
    ResourceAdmin as(String principal);

    /**
     * Sets {@code pool.min-size} and {@code pool.max-size}. A smaller maximum closes idle instances over it and lets
     * leases out come back before closing theirs; a JDBC resource applies it to its connection pool's live
     * configuration.
     */
    AdminChange resize(String resource, int minSize, int maxSize);

    /** Refuses new acquisitions at once with {@link ResourcePausedException}; leases out are untouched. */
    AdminChange pause(String resource);

    /** Serves new acquisitions again after {@link #pause} or {@link #drain}. */
    AdminChange resume(String resource);

    /**
     * Refuses new acquisitions, then waits at most {@code timeout} for the leases out to come back and closes the
     * idle instances; the change returned is recorded once the drain is under way. {@link #resume} reopens.
     */
    AdminChange drain(String resource, Duration timeout);

    /** Quarantines the resource by hand: acquisitions fail fast (or go to its fallback) until {@link #release}. */
    AdminChange quarantine(String resource, String reason);

    /** Lifts a quarantine, whether set by hand or by health checks. */
    AdminChange release(String resource);

    /** Closes the resource's circuit breaker and forgets its failures. */
    AdminChange resetCircuit(String resource);

    /**
     * Sets one tenant's quota keys, relative to the resource ({@code tenant.quota.max-concurrent-leases}); leases out
     * are kept even when the new quota is below them, and count against it until they come back.
     */
    AdminChange tenantQuota(String resource, String tenant, Map<String, String> quotaKeys);

    /**
     * Re-reads the resource's credentials now; instances made with a credential that changed are retired. In a cluster
     * ({@code nebula.cluster.resource}) every other node is told to re-read its own at once (docs/cluster.md).
     */
    AdminChange refreshCredentials(String resource);

    /**
     * Sets keys, relative to the resource ({@code pool.max-size}, {@code retry.max-retries}), that the configuration
     * reference marks changeable at run time. A key that is not changeable is a problem naming it, and nothing of the
     * call is applied.
     */
    AdminChange apply(String resource, Map<String, String> keys);
}
