package io.nebula.resource.core.cluster;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One concurrent-lease limit as one node holds it: a batch of permits taken from the backend, one used per lease.
 * A lease is admitted from the batch without a round trip; only when the batch is used up does the node take another
 * from the backend, and a returned lease gives permits back once more than a batch is spare. Every lease holds a
 * permit counted by the backend, so the leases of all nodes never exceed the limit (overshoot 0) while the backend
 * answers. The price: a node may be refused while other nodes hold spare permits (at most {@code batch - 1} each,
 * until their next heartbeat gives them back).
 */
final class LeaseBudget {

    private final String limit;
    private final int max;
    private final int batch;
    private final ClusterPermits permits;
    private final ClusterNode node;
    // Redis calls for this limit, one at a time: a heartbeat's absolute count must not race a take
    private final ReentrantLock remote = new ReentrantLock();
    /*
     * The permits the backend counts for this node (held, the high 32 bits) and the leases admitted and not given back
     * (in use, the low 32 bits), in one word: a lease served from the batch is one compare-and-set to enter and one to
     * leave, never a lock. Still a shared word per resource: with more threads than cores it is what the cluster
     * step costs a hit (docs/benchmarks.md, the cluster suite).
     */
    private final AtomicLong counts = new AtomicLong();

    LeaseBudget(String limit, int max, int batch, ClusterNode node) {
        this.limit = limit;
        this.max = max;
        this.batch = Math.min(batch, max);
        this.node = node;
        this.permits = node.permits();
    }

    /**
     * A call to the backend made under {@link #remote}: a failure marks the node down before the lock is released, so
     * an acquisition that queued behind a call that hung makes no call of its own (it would wait a second
     * redis-timeout, and the next one a third).
     */
    private <V> V call(java.util.function.Supplier<V> call) {
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

    private static long pack(int held, int inUse) {
        return ((long) held << 32) | (inUse & 0xFFFF_FFFFL);
    }

    private static int held(long counts) {
        return (int) (counts >>> 32);
    }

    private static int inUse(long counts) {
        return (int) counts;
    }

    /**
     * Takes a permit for one lease, from the batch or from the backend.
     *
     * @return whether the lease may go on; {@code false} when the limit is reached across the cluster
     * @throws ClusterUnavailableException when the backend did not answer; nothing is held then
     */
    boolean enter() {
        if (local()) {
            return true;
        }
        remote.lock();
        try {
            if (local()) { // another thread took a batch meanwhile
                return true;
            }
            stillAvailable(node);
            int taken = call(() -> permits.take(limit, batch, max));
            counts.addAndGet((long) taken << 32);
            return local();
        } finally {
            remote.unlock();
        }
    }

    /** A permit of the batch for one more lease, if one is spare. */
    private boolean local() {
        for (;;) {
            long now = counts.get();
            if (inUse(now) >= held(now)) {
                return false;
            }
            if (counts.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Admits a lease without the backend, which did not answer: counted, and claimed at the next {@link #sync}. */
    void enterAlone() {
        counts.incrementAndGet();
    }

    /** A lease admitted by {@link #enter} or {@link #enterAlone} was given back, or its acquisition failed. */
    void leave(boolean backendUp) {
        int spare;
        for (;;) {
            long now = counts.get();
            int held = held(now);
            int inUse = Math.max(0, inUse(now) - 1);
            spare = held - inUse - batch;
            if (spare <= 0 || !backendUp) {
                spare = 0;
            }
            if (counts.compareAndSet(now, pack(held - spare, inUse))) {
                break;
            }
        }
        if (spare == 0) {
            return;
        }
        // given back only once more than a batch is spare: a steady load costs no round trip
        remote.lock();
        try {
            int given = spare;
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
            int now;
            for (;;) {
                long c = counts.get();
                // no spare from here on: until the backend is told, it counts more than this node holds, never less
                now = inUse(c);
                if (counts.compareAndSet(c, pack(now, now))) {
                    break;
                }
            }
            int held = now;
            call(() -> {
                permits.hold(limit, held);
                return null;
            });
        } finally {
            remote.unlock();
        }
    }

    /** Gives back every permit: the node closes. */
    void forget() {
        remote.lock();
        try {
            counts.set(0);
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
        return held(counts.get());
    }

    int inUse() {
        return inUse(counts.get());
    }

    /** Whether this budget holds nothing: a tenant's may be forgotten. */
    boolean idle() {
        return counts.get() == 0;
    }
}
