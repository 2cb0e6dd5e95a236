package io.nebula.resource.cdi;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.PoolListener;

import java.util.Set;

/**
 * Tells a pool's telemetry of each credential rotation, so the metrics backend in use when it happens counts it
 * (its listener's {@link PoolListener#onCredentialRotation}); the audit trail and the log record it as well.
 */
final class RotationMetrics implements PoolListener {

    private final PoolWeave weave;

    RotationMetrics(PoolWeave weave) {
        this.weave = weave;
    }

    @Override
    public void onCredentialRotation(String pool, ResourceContext ctx, Set<String> keys) {
        PoolListener metrics = weave.telemetry().listener();
        if (metrics != null) {
            metrics.onCredentialRotation(pool, ctx, keys);
        }
    }
}
