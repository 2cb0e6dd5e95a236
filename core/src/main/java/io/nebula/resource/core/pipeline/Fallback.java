package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;

import java.time.Duration;

/**
 * Another resource that serves a pool's acquisitions while the pool's resource is down ({@code fallback=<name>}):
 * its leases, and what its shared instance hands out itself (a JDBC connection), each through the fallback's own
 * pipeline. Given to {@link WovenPoolBuilder#fallback}; the CDI extension's declared resources give the declared one.
 * The fallback has no fallback of its own (a configuration problem), so an acquisition falls back one hop at most.
 */
public interface Fallback {

    /** The fallback resource's name: what a lease it serves says it came from. */
    String name();

    /**
     * A lease of the fallback resource, for the same caller.
     *
     * @param timeout the caller's timeout, {@code null} for the fallback's {@code pool.acquire-timeout}
     */
    Lease<?> lease(Duration timeout, ResourceContext ctx);

    /**
     * What the fallback's shared instance hands out (a data source's {@code getConnection()}), through the fallback's
     * pipeline, for the same caller.
     */
    Object handOut(ResourceContext ctx) throws Exception;

    /**
     * Whether an acquisition that failed with {@code error} found its resource down, so that its fallback serves it:
     * an open circuit, a quarantine, an operator's pause or drain, a backend unavailable (retries spent, an attempt past {@code timeout}, or an
     * error no retry can fix). Not a busy pool or bulkhead, a draining or closed resource, a quota, a missing tenant:
     * those say nothing about the backend, and the fallback would only hide a caller's or a sizing problem.
     */
    static boolean down(Throwable error) {
        if (error instanceof CircuitOpenException || error instanceof io.nebula.resource.admin.ResourcePausedException) {
            return true;
        }
        return error instanceof AcquisitionTimeoutException t
                && (t.reason() == AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE
                || t.reason() == AcquisitionTimeoutException.Reason.QUARANTINED);
    }
}
