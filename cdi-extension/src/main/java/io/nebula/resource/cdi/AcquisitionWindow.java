package io.nebula.resource.cdi;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@value #SIZE} acquisitions of one pool, each its duration and whether it failed: what
 * {@link ResourceStatistics} computes a percentile and an error rate from. A ring, not a histogram: recording is
 * one increment and one write, with no lock and no allocation, and the figures describe recent traffic rather than
 * the whole life of the pool. Readers see a slot either before or after a concurrent write, never half of one.
 */
final class AcquisitionWindow {

    static final int SIZE = 1024;

    /** A slot that was never written. */
    private static final long EMPTY = Long.MIN_VALUE;

    private final AtomicLongArray slots = new AtomicLongArray(SIZE);
    private final AtomicLong next = new AtomicLong();

    AcquisitionWindow() {
        for (int i = 0; i < SIZE; i++) {
            slots.set(i, EMPTY);
        }
    }

    /** A failed acquisition is stored negated (durations are never negative), so one write records both. */
    void record(long nanos, boolean failed) {
        long duration = Math.max(0, nanos);
        slots.set((int) (next.getAndIncrement() & (SIZE - 1)), failed ? -duration - 1 : duration);
    }

    /** Appends this window's recorded slots to {@code into} from {@code from}; returns the new end. */
    int copyInto(long[] into, int from) {
        int end = from;
        for (int i = 0; i < SIZE; i++) {
            long slot = slots.get(i);
            if (slot != EMPTY) {
                into[end++] = slot;
            }
        }
        return end;
    }

    /**
     * The figures of some windows taken together (a resource's shared pool and its tenants').
     *
     * @return {@code null} when none of them recorded an acquisition yet
     */
    static Figures of(Iterable<AcquisitionWindow> windows, int count) {
        long[] all = new long[count * SIZE];
        int n = 0;
        for (AcquisitionWindow w : windows) {
            n = w.copyInto(all, n);
        }
        if (n == 0) {
            return null;
        }
        long[] durations = new long[n];
        int failed = 0;
        for (int i = 0; i < n; i++) {
            long slot = all[i];
            if (slot < 0) {
                failed++;
                durations[i] = -(slot + 1);
            } else {
                durations[i] = slot;
            }
        }
        Arrays.sort(durations);
        // nearest rank: the smallest duration that at least 99 % of the acquisitions took no longer than
        int rank = (int) Math.ceil(0.99 * n);
        return new Figures(n, durations[rank - 1], (double) failed / n);
    }

    record Figures(int acquisitions, long p99Nanos, double errorRate) {
    }
}
