package io.nebula.resource.admin;

/** What an operator did to a resource, as recorded by an {@link AdminChange}. */
public enum AdminAction {
    /** {@code pool.min-size} and {@code pool.max-size} changed. */
    RESIZE,
    /** New acquisitions are refused until {@link #RESUME}; leases out are untouched. */
    PAUSE,
    /** New acquisitions are served again after a {@link #PAUSE} or a {@link #DRAIN}. */
    RESUME,
    /** New acquisitions are refused, leases out are awaited and every idle instance is closed. */
    DRAIN,
    /** The resource is quarantined by hand: acquisitions fail fast (or go to its fallback) until {@link #RELEASE}. */
    QUARANTINE,
    /** A quarantine, by hand or by health checks, is lifted. */
    RELEASE,
    /** The circuit breaker is closed and its failure counts forgotten. */
    RESET_CIRCUIT,
    /** One tenant's {@code tenant.quota.*} changed. */
    TENANT_QUOTA,
    /** The credentials are re-read now, as their watch would on its next turn. */
    REFRESH_CREDENTIALS,
    /** Changeable keys were set, by {@link ResourceAdmin#apply} or by the configuration refresh. */
    CONFIGURE
}
