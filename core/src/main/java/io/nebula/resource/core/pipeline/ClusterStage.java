package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.cluster.ClusterLimits;

import java.time.Duration;

/**
 * The resource's cluster-wide limits ({@code cluster.*}, {@link ClusterLimits}): the innermost stage of a pool's
 * leases, around the pool's own {@code acquire}, so a permit is held exactly while a lease is: taken here, given back
 * here when the pool hands out no lease, and by the pool's listener ({@link WovenListener#onRelease}) when the lease is
 * given back. Innermost, each retry's attempt takes its own permit and a refusal (a
 * {@link io.nebula.resource.QuotaExceededException} naming the {@code cluster.*} key) is neither retried nor counted
 * against the circuit. In the pipeline only when the resource has a cluster-wide limit.
 */
final class ClusterStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final ClusterLimits limits;

    ClusterStage(Acquisition<T> next, ClusterLimits limits) {
        this.next = next;
        this.limits = limits;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "cluster limits";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        limits.enter(ctx);
        try {
            return next.acquire(timeout, ctx);
        } catch (Throwable e) {
            limits.leave(ctx);
            throw Stages.rethrow(e);
        }
    }
}
