package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.PoolListener;

import java.util.Set;

/**
 * Tells a pool's telemetry of each credential rotation, so the metrics backend in use when it happens counts it
 * (its listener's {@link PoolListener#onCredentialRotation}); the audit trail and the log record it as well.
 */
final class RotationMetrics implements PoolListener {

    private final io.nebula.resource.core.pipeline.WovenPool<?> woven;

    RotationMetrics(io.nebula.resource.core.pipeline.WovenPool<?> pool) {
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
