package io.nebula.resource.core;

import io.nebula.resource.spi.PoolSizing;

import java.util.concurrent.atomic.LongAdder;

/**
 * Sizes a pool from observed demand (strategy {@code adaptive}). Once per housekeeping window:
 *
 * <pre>
 *   arrival rate   λ = acquisitions in the window / window length
 *   mean hold      W = total time leases were held / leases returned   (previous W when none returned)
 *   demand         L = λ × W                                           (Little's law: leases out on average)
 *   wanted         = ceil(L × pool.adaptive.headroom) + callers waiting at the end of the window
 *   target         = wanted, within [pool.min-size, pool.max-size]
 * </pre>
 *
 * A higher target applies at once (the pool creates up to it in the background). A lower one applies
 * only after {@code pool.adaptive.shrink-after} windows in a row all asked for less, and then the
 * highest of those windows wins, so a short lull does not shed instances a burst will want back.
 */
final class AdaptiveSizer implements PoolSizing {

    private final LongAdder arrivals = new LongAdder();
    private final LongAdder releases = new LongAdder();
    private final LongAdder heldNanos = new LongAdder();
    private final double headroom;
    private final int shrinkAfter;
    private volatile int target;
    private double meanHoldNanos;
    private int lowWindows;
    private int highestLow;
    private boolean shrinkDue;

    AdaptiveSizer(PoolConfig config) {
        this.headroom = config.adaptiveHeadroom();
        this.shrinkAfter = config.adaptiveShrinkAfter();
        this.target = config.minSize();
    }

    @Override
    public void arrived() {
        arrivals.increment();
    }

    @Override
    public void released(long held) {
        releases.increment();
        heldNanos.add(held);
    }

    /** The number of instances the pool should keep now. */
    @Override
    public int target() {
        return target;
    }

    /** Closes a window: computes the demand seen in it and moves the target. Housekeeper thread only. */
    @Override
    public void window(long length, int waiting, int min, int max) {
        // a resize since the last window moved the bounds: the target moves with them at once
        target = Math.max(min, Math.min(max, target));
        long n = arrivals.sumThenReset();
        long r = releases.sumThenReset();
        long held = heldNanos.sumThenReset();
        if (r > 0) {
            meanHoldNanos = (double) held / r;
        }
        double rate = (double) n / length; // per nanosecond
        double demand = rate * meanHoldNanos;
        int wanted = (int) Math.ceil(demand * headroom) + waiting;
        int next = Math.max(min, Math.min(max, wanted));
        int current = target;
        if (next >= current) {
            lowWindows = 0;
            highestLow = 0;
            shrinkDue = false;
            if (next > current) {
                target = next;
                Log.LOG.log(System.Logger.Level.DEBUG, () -> "NEBULA-0702 Adaptive target up from " + current
                        + " to " + next + " (demand " + String.format(java.util.Locale.ROOT, "%.2f", demand) + ")");
            }
            return;
        }
        highestLow = lowWindows == 0 ? next : Math.max(highestLow, next);
        if (++lowWindows >= shrinkAfter) {
            int lowered = highestLow;
            target = lowered;
            lowWindows = 0;
            shrinkDue = true;
            Log.LOG.log(System.Logger.Level.DEBUG, () -> "NEBULA-0703 Adaptive target down from " + current
                    + " to " + lowered + " after " + shrinkAfter + " windows of lower demand");
        }
    }

    /** How many idle instances to let go now: those above the target, once a shrink is due. */
    @Override
    public int surplus(int live, int minSize) {
        if (!shrinkDue) {
            return 0;
        }
        int excess = live - Math.max(target, minSize);
        if (excess <= 0) {
            shrinkDue = false;
            return 0;
        }
        return excess;
    }
}
