package io.nebula.resource.core.cluster;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The backend's permits, each call timed: the Redis latency a metric reports ({@link Cluster#onCall}). A decorator,
 * so every backend is measured alike and the backend itself stays as it is.
 */
final class MeasuredPermits implements ClusterPermits {

    private final ClusterPermits permits;
    private final AtomicLong failures = new AtomicLong();
    private volatile LongConsumer observer = n -> { };
    private volatile ClusterListener listener = new ClusterListener() { };

    MeasuredPermits(ClusterPermits permits) {
        this.permits = permits;
    }

    void observe(LongConsumer nanos) {
        observer = nanos;
    }

    void listener(ClusterListener l) {
        listener = l;
    }

    /** Calls that did not answer within the bound ({@link ClusterUnavailableException}). */
    long failures() {
        return failures.get();
    }

    private interface Call<V> {
        V run();
    }

    private <V> V timed(String operation, Call<V> call) {
        long start = System.nanoTime();
        boolean answered = false;
        try {
            V v = call.run();
            answered = true;
            return v;
        } catch (ClusterUnavailableException e) {
            failures.incrementAndGet();
            throw e;
        } finally {
            long nanos = System.nanoTime() - start;
            observer.accept(nanos);
            listener.called(operation, nanos, answered);
        }
    }

    @Override
    public int take(String limit, int wanted, int max) {
        return timed("take", () -> permits.take(limit, wanted, max));
    }

    @Override
    public int takeInWindow(String limit, long window, int wanted, int max) {
        return timed("take_window", () -> permits.takeInWindow(limit, window, wanted, max));
    }

    @Override
    public void give(String limit, int count) {
        timed("give", () -> {
            permits.give(limit, count);
            return null;
        });
    }

    @Override
    public void hold(String limit, int held) {
        timed("hold", () -> {
            permits.hold(limit, held);
            return null;
        });
    }

    @Override
    public void heartbeat() {
        timed("heartbeat", () -> {
            permits.heartbeat();
            return null;
        });
    }

    @Override
    public java.util.Map<String, Integer> usage(String limit) {
        return timed("usage", () -> permits.usage(limit));
    }

    @Override
    public int windowCount(String limit, long window) {
        return timed("usage", () -> permits.windowCount(limit, window));
    }

    @Override
    public java.util.SortedSet<String> liveNodes() {
        return timed("usage", permits::liveNodes);
    }

    @Override
    public String nodeId() {
        return permits.nodeId();
    }

    @Override
    public long roundTrips() {
        return permits.roundTrips();
    }

    @Override
    public void close() {
        permits.close();
    }
}
