package io.nebula.resource.core;

import io.nebula.resource.ResourceContext;

/**
 * Who may acquire from one pool, and how much: a tenant's quota ({@code core.tenant}). The pool's acquisition
 * pipeline asks it first, as its outermost stage, and only for leases; a pool that admits everyone has none, and no
 * such stage. An admitted acquisition holds its place until it fails ({@link #leave}, called by the stage) or its
 * lease is given back ({@link #leave}, called by whoever handed the lease out: {@code TenantPools}).
 */
public interface Admission {

    /**
     * Lets {@code ctx}'s acquisition in, holding its place, or throws why it may not run (a
     * {@link io.nebula.resource.QuotaExceededException}), already told to whoever hears refusals. Never waits.
     */
    void enter(ResourceContext ctx);

    /** Gives back the place of an admitted acquisition: it failed, or its lease was given back. */
    void leave();
}
