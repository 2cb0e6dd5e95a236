package io.nebula.resource.audit;

/** What an {@link AuditRecord} is about. */
public enum AuditKind {
    /** A lease was asked for: granted ({@link AuditRecord.Outcome#SUCCESS}) or failed (timeout, backend down). */
    ACQUISITION,
    /** A lease came back (its detail says {@code invalidated} when the instance was given back as broken). */
    RELEASE,
    /** Refused at once because the tenant is over a quota or the tenant pools are at a limit. */
    QUOTA_DENIAL,
    /** Refused because no tenant, or no valid tenant, was in effect for a tenant-scoped resource. */
    ISOLATION_DENIAL,
    /** Refused because the resource's circuit breaker is open. */
    CIRCUIT_DENIAL,
    /**
     * The resource was down (its circuit open, quarantined, its backend unavailable) and its {@code fallback} served
     * the acquisition ({@link AuditRecord.Outcome#SUCCESS}); the detail names the fallback and the error the resource
     * failed with. Recorded under the resource asked for; the fallback's own lease is recorded under the fallback.
     */
    FALLBACK,
    /** A credential was fetched to create an instance or open a connection (which keys, never their values). */
    CREDENTIAL_USE,
    /** A credential changed at its source; instances made with the old one are being retired. */
    CREDENTIAL_ROTATION,
    /**
     * An operator changed the running resource through {@code ResourceAdmin} (or the configuration refresh did): the
     * principal is who, the detail the action and the keys before and after.
     */
    ADMIN;

    /** Whether this kind records a refusal. */
    public boolean isDenial() {
        return this == QUOTA_DENIAL || this == ISOLATION_DENIAL || this == CIRCUIT_DENIAL;
    }
}
