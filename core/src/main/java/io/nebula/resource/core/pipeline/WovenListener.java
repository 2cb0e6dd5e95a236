package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.PoolListener;
import io.nebula.resource.core.cluster.ClusterLimits;
import io.nebula.resource.core.telemetry.PoolLog;

/**
 * What the pipeline hears from its engine's pool: lifecycle changes, leaks, creations and broken returns, for
 * the structured log and whichever telemetry is in use now. It implements none of the per-lease callbacks but
 * {@code onRelease} (a broken return is logged), so the engine calls it once per lease and no more.
 */
final class WovenListener implements PoolListener {

    private final PoolLog log;
    private final Weave weave;

    WovenListener(PoolLog log, Weave weave) {
        this.log = log;
        this.weave = weave;
    }

    private PoolListener telemetry() {
        return weave.telemetry().listener();
    }

    @Override
    public void onStateChange(String pool, ResourceState from, ResourceState to) {
        if (from == ResourceState.FAILED) {
            weave.health().leftFailed();
        }
        log.onStateChange(pool, from, to);
    }

    @Override
    public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
        ClusterLimits cluster = weave.cluster();
        if (cluster != null && cluster.countsLeases()) {
            cluster.leave(ctx); // the lease's permit, taken by the cluster stage
        }
        if (!invalidated) {
            return;
        }
        try {
            log.onRelease(pool, ctx, heldNanos, true);
        } finally {
            PoolListener t = telemetry();
            if (t != null) {
                t.onRelease(pool, ctx, heldNanos, true);
            }
        }
    }

    @Override
    public void onLeak(String pool, ResourceContext ctx, long heldNanos, Throwable acquiredAt) {
        try {
            log.onLeak(pool, ctx, heldNanos, acquiredAt);
        } finally {
            PoolListener t = telemetry();
            if (t != null) {
                t.onLeak(pool, ctx, heldNanos, acquiredAt);
            }
        }
    }

    @Override
    public void onLeakReturned(String pool, ResourceContext ctx, long heldNanos) {
        log.onLeakReturned(pool, ctx, heldNanos);
    }

    @Override
    public void onCreate(String pool, long createNanos) {
        PoolListener t = telemetry();
        if (t != null) {
            t.onCreate(pool, createNanos);
        }
    }

    @Override
    public void onCreationFailure(String pool, Throwable error) {
        try {
            log.onCreationFailure(pool, error);
        } finally {
            PoolListener t = telemetry();
            if (t != null) {
                t.onCreationFailure(pool, error);
            }
        }
    }
}
