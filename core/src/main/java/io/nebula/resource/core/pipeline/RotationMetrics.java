package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.PoolListener;

import java.util.Set;

/**
 * Tells a pool's telemetry of each credential rotation, so the metrics backend in use when it happens counts it
 * (its listener's {@link PoolListener#onCredentialRotation}); the audit trail and the log record it as well. The
 * rotation happens in the pool's {@link io.nebula.resource.core.credential.CredentialedProvider}, which knows no
 * pool: {@link WovenPoolBuilder#build} joins the two.
 */
final class RotationMetrics implements PoolListener {

    private final WovenPool<?> woven;

    RotationMetrics(WovenPool<?> pool) {
        this.woven = pool;
    }

    @Override
    public void onCredentialRotation(String pool, ResourceContext ctx, Set<String> keys) {
        PoolListener metrics = woven.telemetry().listener();
        if (metrics != null) {
            metrics.onCredentialRotation(pool, ctx, keys);
        }
    }
}
