package io.nebula.resource.it.support;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pretend backend behind {@link ChannelProvider}: counts the instances made and destroyed per resource,
 * and can be told that a resource's backend is down. Its state is per class loader: one per test archive on
 * Open Liberty, one for the whole JVM on embedded Weld, hence {@link #reset()} before each test.
 */
public final class ChannelBackend {

    private static final AtomicInteger ids = new AtomicInteger();
    private static final Map<String, AtomicInteger> created = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> destroyed = new ConcurrentHashMap<>();
    private static final Set<String> down = ConcurrentHashMap.newKeySet();

    private ChannelBackend() {
    }

    public static void reset() {
        created.clear();
        destroyed.clear();
        down.clear();
    }

    /** Creating instances of {@code resource} fails until {@link #up}. */
    public static void down(String resource) {
        down.add(resource);
    }

    public static void up(String resource) {
        down.remove(resource);
    }

    public static int created(String resource) {
        return created.getOrDefault(resource, new AtomicInteger()).get();
    }

    public static int destroyed(String resource) {
        return destroyed.getOrDefault(resource, new AtomicInteger()).get();
    }

    public static boolean isUp(String resource) {
        return !down.contains(resource);
    }

    static boolean isDown(String resource) {
        return down.contains(resource);
    }

    static Channel open(String resource) {
        created.computeIfAbsent(resource, r -> new AtomicInteger()).incrementAndGet();
        return new Channel(ids.incrementAndGet(), resource);
    }

    static void closed(Channel channel) {
        destroyed.computeIfAbsent(channel.resource(), r -> new AtomicInteger()).incrementAndGet();
    }
}
