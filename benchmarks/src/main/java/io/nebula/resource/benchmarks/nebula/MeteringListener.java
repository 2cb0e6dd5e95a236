package io.nebula.resource.benchmarks.nebula;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.PoolListener;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a metrics listener does on the hit path, without a metrics library: count acquisitions and
 * releases and add up wait and hold times, in {@link LongAdder}s as Micrometer and OpenTelemetry
 * counters do. It makes the pool report the wait and hold times it otherwise need not measure.
 */
public final class MeteringListener implements PoolListener {

    private final LongAdder acquisitions = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private final LongAdder releases = new LongAdder();
    private final LongAdder heldNanos = new LongAdder();

    @Override
    public void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
        acquisitions.increment();
        this.waitNanos.add(waitNanos);
    }

    @Override
    public void onRelease(String pool, ResourceContext ctx, long heldNanos, boolean invalidated) {
        releases.increment();
        this.heldNanos.add(heldNanos);
    }

    public long acquisitions() {
        return acquisitions.sum();
    }

    public long releases() {
        return releases.sum();
    }
}
