package io.nebula.resource;

/**
 * A consistent-enough view of a pool's figures at one moment, for health checks, metrics and
 * dashboards. {@code size = active + idle} (plus instances being validated or created).
 */
public record PoolSnapshot(int size, int active, int idle, int pending, int minSize, int maxSize) {

    /** active / max, between 0 and 1. */
    public double utilization() {
        return maxSize == 0 ? 0 : (double) active / maxSize;
    }
}
