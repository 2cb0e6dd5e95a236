package io.nebula.resource.cdi.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pretend backend behind the test providers: records what the providers did (create, destroy,
 * shutdown, per resource, in order) and can be told that a resource's backend is down. Tests run one at a
 * time; {@link #reset()} before each.
 */
public final class TestBackend {

    private static final List<String> log = new ArrayList<>();
    private static final Set<String> down = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger ids = new AtomicInteger();

    private TestBackend() {
    }

    public static void reset() {
        synchronized (log) {
            log.clear();
        }
        down.clear();
    }

    /** Makes creating instances of {@code resource} fail until {@link #up}. */
    public static void down(String resource) {
        down.add(resource);
    }

    public static void up(String resource) {
        down.remove(resource);
    }

    static boolean isDown(String resource) {
        return down.contains(resource);
    }

    static int nextId() {
        return ids.incrementAndGet();
    }

    static void record(String what) {
        synchronized (log) {
            log.add(what);
        }
    }

    /** Everything recorded, e.g. {@code create:orders}, {@code destroy:orders}, {@code shutdown:orders}. */
    public static List<String> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** The recorded entries that start with {@code prefix}, e.g. {@code "create:"}. */
    public static List<String> log(String prefix) {
        return log().stream().filter(e -> e.startsWith(prefix)).toList();
    }
}
