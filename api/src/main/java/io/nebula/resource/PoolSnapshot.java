package io.nebula.resource;

/**
 * A consistent-enough view of a pool's figures at one moment, for health checks, metrics and
 * dashboards. {@code size = active + idle} (plus instances being created). {@code active} counts the leases
 * out: an instance being validated (by a health check, or before it is handed out) is counted as idle.
 */
public record PoolSnapshot(int size, int active, int idle, int pending, int minSize, int maxSize) {

    /** The figures of several pools together (a resource's tenant pools, say), each summed; all zero for none. */
    public static PoolSnapshot sum(Iterable<PoolSnapshot> snapshots) {
        int size = 0, active = 0, idle = 0, pending = 0, min = 0, max = 0;
        for (PoolSnapshot s : snapshots) {
            size += s.size();
            active += s.active();
            idle += s.idle();
            pending += s.pending();
            min += s.minSize();
            max += s.maxSize();
        }
        return new PoolSnapshot(size, active, idle, pending, min, max);
    }

    /** active / max, between 0 and 1. */
    public double utilization() {
        return maxSize == 0 ? 0 : (double) active / maxSize;
    }
}
