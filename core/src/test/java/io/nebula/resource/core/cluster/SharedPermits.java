package io.nebula.resource.core.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cluster's permits in memory, for the engine's unit tests: the rules of the Redis script (a node's count per limit,
 * never above the limit across nodes), without expiry, which {@code providers/cluster-redis} tests on a real Redis.
 * {@link #node} gives each node its view; {@link #down} makes every call fail as an unreachable backend does.
 */
final class SharedPermits {

    private final Map<String, Map<String, Integer>> held = new HashMap<>();
    private final Map<String, Integer> windows = new HashMap<>();
    volatile boolean down;

    synchronized int total(String limit) {
        return held.getOrDefault(limit, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
    }

    synchronized int of(String limit, String node) {
        return held.getOrDefault(limit, Map.of()).getOrDefault(node, 0);
    }

    ClusterPermits node(String id) {
        AtomicLong trips = new AtomicLong();
        return new ClusterPermits() {
            private void call() {
                trips.incrementAndGet();
                if (down) {
                    throw new ClusterUnavailableException("backend down", null);
                }
            }

            @Override
            public int take(String limit, int wanted, int max) {
                call();
                synchronized (SharedPermits.this) {
                    int n = Math.max(0, Math.min(wanted, max - total(limit)));
                    held.computeIfAbsent(limit, k -> new HashMap<>()).merge(id, n, Integer::sum);
                    return n;
                }
            }

            @Override
            public int takeInWindow(String limit, long window, int wanted, int max) {
                call();
                synchronized (SharedPermits.this) {
                    String key = limit + ":" + window;
                    int used = windows.getOrDefault(key, 0);
                    int n = Math.max(0, Math.min(wanted, max - used));
                    windows.put(key, used + n);
                    return n;
                }
            }

            @Override
            public void give(String limit, int count) {
                call();
                synchronized (SharedPermits.this) {
                    held.computeIfAbsent(limit, k -> new HashMap<>()).merge(id, -count, Integer::sum);
                }
            }

            @Override
            public void hold(String limit, int count) {
                call();
                synchronized (SharedPermits.this) {
                    held.computeIfAbsent(limit, k -> new HashMap<>()).put(id, count);
                }
            }

            @Override
            public void heartbeat() {
                call();
            }

            @Override
            public Map<String, Integer> usage(String limit) {
                call();
                synchronized (SharedPermits.this) {
                    Map<String, Integer> byNode = new java.util.TreeMap<>(held.getOrDefault(limit, Map.of()));
                    byNode.values().removeIf(n -> n <= 0); // as the Redis hash: a node holding none is not in it
                    return byNode;
                }
            }

            @Override
            public int windowCount(String limit, long window) {
                call();
                synchronized (SharedPermits.this) {
                    return windows.getOrDefault(limit + ":" + window, 0);
                }
            }

            @Override
            public String nodeId() {
                return id;
            }

            @Override
            public long roundTrips() {
                return trips.get();
            }

            @Override
            public void close() {
            }
        };
    }
}
