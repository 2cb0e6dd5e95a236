package io.nebula.resource.core.cluster;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One concurrent-lease limit as one node holds it: a batch of permits taken from the backend, one used per lease.
 * A lease is admitted from the batch without a round trip; only when the batch is used up does the node take another
 * from the backend, and a returned lease gives permits back once more than a batch is spare. Every lease holds a
 * permit counted by the backend, so the leases of all nodes never exceed the limit (overshoot 0) while the backend
 * answers. The price: a node may be refused while other nodes hold spare permits (at most {@code stripes * batch}
 * each, until their next heartbeat gives them back).
 *
 * <p>The spare permits sit in {@code stripes} counters, each on a cache line of its own, threads given them in turn
 * (one that loses a compare-and-set moves on to the next): a lease served from the batch is one compare-and-set to enter and one atomic add to leave on a line that
 * other threads seldom touch. One shared word per resource (what this class was first) is what made the cluster step
 * cost a contended hit half of its throughput (docs/benchmarks.md, the cluster suite). The permits held are counted in
 * {@link #held} by the calls to the backend only; a lease in use is a held permit that no stripe counts as spare.
 */
final class LeaseBudget {

    /** Longs between two stripes: 128 bytes, two cache lines, for the adjacent-line prefetcher. */
    private static final int STRIDE = 16;

    private final String limit;
    private final int max;
    private final int batch;
    private final ClusterPermits permits;
    private final ClusterNode node;
    // Redis calls for this limit, one at a time: a heartbeat's absolute count must not race a take
    private final ReentrantLock remote = new ReentrantLock();
    /** The permits the backend counts for this node, and those admitted alone since its last heartbeat. */
    private final AtomicInteger held = new AtomicInteger();
    /** Spare permits: held, not in use; stripe {@code i} at index {@code i * stride}. */
    private final AtomicLongArray spare;
    private final int mask;
    private final int stride;

    LeaseBudget(String limit, int max, int batch, ClusterNode node) {
        this(limit, max, batch, node, 1);
    }

    /**
     * @param stripes a power of two: the counters of spare permits; more than one only for a limit many threads share
     *                (the resource's), for each may keep a batch spare
     */
    LeaseBudget(String limit, int max, int batch, ClusterNode node, int stripes) {
        if (Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two: " + stripes);
        }
        this.limit = limit;
        this.max = max;
        this.batch = Math.min(batch, max);
        this.node = node;
        this.permits = node.permits();
        this.mask = stripes - 1;
        this.stride = stripes == 1 ? 1 : STRIDE;
        this.spare = new AtomicLongArray(stripes * stride);
    }

    /** The most stripes a limit gets: 64 stripes are 8 KiB, and more threads than that share them. */
    static final int MAX_STRIPES = 64;

    /** A node takes at most this share of a limit at once: {@code 1 / SHARE} of it, the batch's bound below. */
    static final int SHARE = 8;

    /**
     * The batch a node takes of a limit of {@code max} permits when {@code cluster.batch} is {@code batch}:
     * {@code min(batch, max(1, max / SHARE))}. The configured batch alone let one node take a small limit whole (7 of
     * {@code cluster.max-instances=7} with the default 8) and refuse every other node until its next heartbeat gave the
     * spare ones back; bounded by an eighth, an unstriped limit's spare permits on one node are at most
     * {@code max(1, max / 8)}, one below 16. A limit of at least {@code SHARE * batch} (64 with the default) keeps its
     * batch, so a big limit costs no added round trip; a smaller one costs one per {@code max / 8} acquisitions.
     */
    static int batchFor(int max, int batch) {
        return Math.min(batch, Math.max(1, max / SHARE));
    }

    /**
     * The stripes for a limit of {@code max} permits taken {@code batch} at a time: as many as keep a node's spare
     * permits (a batch per stripe at most) within a quarter of the limit, a power of two, at least one, at most
     * {@link #MAX_STRIPES}. Not a number per processor, as {@code LongAdder}'s cells are: threads that share a stripe
     * pay for it even when they run in turn on two cores, since the stripe's line moves with each of them; measured
     * (docs/benchmarks.md, the cluster suite) at 16 threads on 2 cores, 4 stripes ran at 0.42 of the cycle without a
     * cluster, 16 at 0.57, 1 at 0.22.
     */
    static int stripesFor(int max, int batch) {
        int wanted = Math.min(MAX_STRIPES, max / (4 * Math.max(1, batch)));
        return wanted <= 1 ? 1 : Integer.highestOneBit(wanted);
    }

    /**
     * Each thread's stripe number, handed out in turn as threads first ask (a hash of the thread id put two of four
     * threads on one stripe in about half the benchmark's forks); a thread that loses a compare-and-set moves on to the
     * next stripe, as {@code LongAdder}'s cells do. Measured both ways (docs/benchmarks.md, the cluster suite): threads
     * that kept the stripe they were given ran at 0.45 and 0.34 of the cycle without a cluster at 4 threads, threads
     * that move on at 0.87 and 0.78.
     */
    private static final AtomicInteger NEXT_PROBE = new AtomicInteger();
    private static final ThreadLocal<int[]> PROBE = ThreadLocal.withInitial(() -> new int[] {NEXT_PROBE.getAndIncrement()});

    /** This thread's stripe, as an index of {@link #spare}. */
    int stripe() {
        return mask == 0 ? 0 : (PROBE.get()[0] & mask) * stride;
    }

    /** This thread met another on its stripe: it uses the next one from now on. */
    private void moveOn() {
        if (mask != 0) {
            PROBE.get()[0]++;
        }
    }

    /**
     * A call to the backend made under {@link #remote}: a failure marks the node down before the lock is released, so
     * an acquisition that queued behind a call that hung makes no call of its own (it would wait a second
     * redis-timeout, and the next one a third).
     */
    private <V> V call(Supplier<V> call) {
        try {
            return call.get();
        } catch (ClusterUnavailableException e) {
            node.failed(e);
            throw e;
        }
    }

    /** Before an acquisition's call: the backend failed meanwhile (a call this one queued behind), so no call. */
    static void stillAvailable(ClusterNode node) {
        if (!node.available()) {
            throw new ClusterUnavailableException("the cluster's backend did not answer a call this one waited behind",
                    null);
        }
    }

    /**
     * Takes a permit for one lease, from the batch or from the backend.
     *
     * @return whether the lease may go on; {@code false} when the limit is reached across the cluster
     * @throws ClusterUnavailableException when the backend did not answer; nothing is held then
     */
    boolean enter() {
        int own = stripe();
        if (takeSpare(own)) {
            return true;
        }
        remote.lock();
        try {
            // spare permits of the other stripes first: the node asks for more only when it holds none
            for (int i = 0; i < spare.length(); i += stride) {
                if (takeSpare(i)) {
                    return true;
                }
            }
            stillAvailable(node);
            int taken = call(() -> permits.take(limit, batch, max));
            if (taken == 0) {
                return false;
            }
            held.addAndGet(taken);
            spare.addAndGet(own, taken - 1); // one for this lease
            return true;
        } finally {
            remote.unlock();
        }
    }

    private boolean takeSpare(int stripe) {
        for (;;) {
            long now = spare.get(stripe);
            if (now <= 0) {
                return false;
            }
            if (spare.compareAndSet(stripe, now, now - 1)) {
                return true;
            }
            moveOn();
        }
    }

    /** Admits a lease without the backend, which did not answer: counted, and claimed at the next {@link #sync}. */
    void enterAlone() {
        held.incrementAndGet();
    }

    /** A lease admitted by {@link #enter} or {@link #enterAlone} was given back, or its acquisition failed. */
    void leave(boolean backendUp) {
        int own = stripe();
        long now = spare.incrementAndGet(own);
        if (now <= batch || !backendUp) {
            return;
        }
        // given back only once more than a batch is spare: a steady load costs no round trip
        remote.lock();
        try {
            long excess;
            for (;;) {
                long s = spare.get(own);
                excess = s - batch;
                if (excess <= 0) {
                    return; // another thread's lease took them meanwhile
                }
                if (spare.compareAndSet(own, s, batch)) {
                    break;
                }
            }
            int given = (int) excess;
            held.addAndGet(-given);
            call(() -> {
                permits.give(limit, given);
                return null;
            });
        } finally {
            remote.unlock();
        }
    }

    /**
     * The heartbeat: gives back every spare permit and tells the backend what this node holds now, also the leases it
     * admitted alone while the backend was down.
     */
    void sync() {
        remote.lock();
        try {
            // a lease returned meanwhile leaves a spare the new count still holds: the backend counts more than this
            // node holds until the next heartbeat, never less
            int now = held.addAndGet(-drain());
            call(() -> {
                permits.hold(limit, now);
                return null;
            });
        } finally {
            remote.unlock();
        }
    }

    private int drain() {
        long drained = 0;
        for (int i = 0; i < spare.length(); i += stride) {
            drained += spare.getAndSet(i, 0);
        }
        return (int) drained;
    }

    /** Gives back every permit: the node closes. */
    void forget() {
        remote.lock();
        try {
            drain();
            held.set(0);
            permits.hold(limit, 0);
        } finally {
            remote.unlock();
        }
    }

    /** The limit's name in the backend ({@code orders:leases}). */
    String limit() {
        return limit;
    }

    int max() {
        return max;
    }

    int held() {
        return held.get();
    }

    /** Leases admitted and not given back: exact when no lease moves meanwhile. */
    int inUse() {
        long spares = 0;
        for (int i = 0; i < spare.length(); i += stride) {
            spares += spare.get(i);
        }
        return (int) Math.max(0, held.get() - spares);
    }
}
