package io.nebula.resource.cdi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The last {@value #SIZE} acquisitions of one pool, each its duration and whether it failed: what
 * {@link ResourceStatistics} computes a percentile and an error rate from. A ring, not a histogram: recording is
 * one increment and one write, with no lock and no allocation once the ring is full size, and the figures describe
 * recent traffic rather than the whole life of the pool. Readers see a slot either before or after a concurrent
 * write, never half of one.
 *
 * <p>The ring costs nothing until the pool's first acquisition and then grows with its traffic, from
 * {@value #INITIAL} slots, doubling, to {@value #SIZE}: most tenants' pools of a tenant-scoped resource see a few
 * acquisitions before they go idle, and 10,000 of them must not hold 8 KB each for it. A write that races a growth
 * is written again into the grown ring, so no acquisition is lost.
 */
final class AcquisitionWindow {

    static final int SIZE = 1024;
    static final int INITIAL = 8;

    /** A slot that was never written. */
    private static final long EMPTY = Long.MIN_VALUE;
    private static final long[] NONE = new long[0];

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle NEXT;

    static {
        try {
            NEXT = MethodHandles.lookup().findVarHandle(AcquisitionWindow.class, "next", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The ring; replaced (never changed in length) when it grows. Its length is a power of two. */
    private volatile long[] slots = NONE;
    /** How many acquisitions were recorded: the next one goes to {@code next & (length - 1)}. */
    @SuppressWarnings("unused") // through NEXT
    private volatile long next;

    /** A failed acquisition is stored negated (durations are never negative), so one write records both. */
    void record(long nanos, boolean failed) {
        long duration = Math.max(0, nanos);
        long value = failed ? -duration - 1 : duration;
        long i = (long) NEXT.getAndAdd(this, 1L);
        long[] s = slots;
        if (i >= s.length && s.length < SIZE) {
            s = grow(i);
        }
        SLOT.setVolatile(s, (int) (i & (s.length - 1)), value);
        // Grown meanwhile, and the growth may have read this slot before the write: write it into the grown ring
        // too. (Both this write and the growth's publication are volatile, so either the growth reads the slot
        // after the write, or this thread sees the grown ring.) While the ring grows, i is below each length it
        // has had since, so the slot is the same in the grown one.
        for (long[] now = slots; now != s; now = slots) {
            s = now;
            SLOT.setVolatile(s, (int) (i & (s.length - 1)), value);
        }
    }

    /**
     * A ring long enough for acquisition {@code i} (or full size), holding what the current one holds. It is
     * published before it is filled, so that a writer racing the growth sees it or is seen by the fill; the fill
     * does not overwrite a slot that a writer filled first.
     */
    private synchronized long[] grow(long i) {
        long[] old = slots;
        if (i < old.length || old.length == SIZE) {
            return old;
        }
        int length = Math.max(INITIAL, old.length);
        while (length <= i && length < SIZE) {
            length <<= 1;
        }
        long[] grown = new long[length];
        Arrays.fill(grown, EMPTY);
        slots = grown;
        for (int k = 0; k < old.length; k++) {
            long slot = (long) SLOT.getVolatile(old, k);
            if (slot != EMPTY) {
                SLOT.compareAndSet(grown, k, EMPTY, slot);
            }
        }
        return grown;
    }

    /** How many slots hold an acquisition now, at most: what {@link #copyInto} may append. */
    int recorded() {
        return (int) Math.min((long) NEXT.getVolatile(this), slots.length);
    }

    /** Appends this window's recorded slots to {@code into} from {@code from}, at most {@code room}; returns the new end. */
    int copyInto(long[] into, int from, int room) {
        long[] s = slots;
        int end = from;
        for (int i = 0; i < s.length && end - from < room; i++) {
            long slot = (long) SLOT.getAcquire(s, i);
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
    static Figures of(Iterable<AcquisitionWindow> windows) {
        int room = 0;
        for (AcquisitionWindow w : windows) {
            room += w.recorded();
        }
        if (room == 0) {
            return null;
        }
        // sized by what was recorded, not by the windows' capacity: 10,000 tenants' pools, most of them idle, need
        // not cost 80 MB to read
        long[] all = new long[room];
        int n = 0;
        for (AcquisitionWindow w : windows) {
            n = w.copyInto(all, n, room - n); // a window that grew since it was counted gives its extra next time
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
