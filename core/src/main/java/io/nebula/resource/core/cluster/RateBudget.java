package io.nebula.resource.core.cluster;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One acquisitions-per-second limit as one node holds it: a batch of the current one-second window's permits taken
 * from the backend, one used per acquisition. Permits left when the window ends are dropped, never carried over, so
 * the acquisitions of all nodes in one window never exceed the limit (windows numbered by each node's clock: nodes
 * keep their clocks in sync). As with every fixed window, a sliding second that spans two windows may see up to twice
 * the limit.
 */
final class RateBudget {

    private final String limit;
    private final int max;
    private final int batch;
    private final ClusterPermits permits;
    private final ClusterNode node;
    private final LongSupplier millis;
    // one thread at a time: a lock, not a monitor, as it is held across the backend's call (at most redis-timeout)
    private final ReentrantLock lock = new ReentrantLock();
    private long window = Long.MIN_VALUE; // guarded by lock
    private int tokens; // guarded by lock

    RateBudget(String limit, int max, int batch, ClusterNode node, LongSupplier millis) {
        this.limit = limit;
        this.max = max;
        this.batch = Math.min(batch, max);
        this.node = node;
        this.permits = node.permits();
        this.millis = millis;
    }

    /**
     * @return whether one more acquisition fits this window across the cluster
     * @throws ClusterUnavailableException when the backend did not answer
     */
    boolean enter() {
        lock.lock();
        try {
            long now = currentWindow();
            if (now != window) {
                window = now;
                tokens = 0;
            }
            if (tokens == 0) {
                // one thread at a time asks for the window's next batch: the others find it here after
                // not after a call this one queued behind failed (a hang: it would wait a second redis-timeout);
                // a failure marks the node down before the lock is released
                LeaseBudget.stillAvailable(node);
                try {
                    tokens = permits.takeInWindow(limit, window, batch, max);
                } catch (ClusterUnavailableException e) {
                    node.failed(e);
                    throw e;
                }
            }
            if (tokens > 0) {
                tokens--;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The one-second window acquisitions are counted in now, by this node's clock. */
    long currentWindow() {
        return Math.floorDiv(millis.getAsLong(), 1000L);
    }

    /** The limit's name in the backend ({@code store:tenant:t1:rate}), each window's counter under it. */
    String limit() {
        return limit;
    }
}
