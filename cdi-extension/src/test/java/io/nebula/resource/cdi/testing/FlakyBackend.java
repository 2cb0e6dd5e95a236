package io.nebula.resource.cdi.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend behind {@link FlakyProvider} and {@link StubDataSourceProvider}, per resource: up, down (a
 * refused connection, which retrying may fix), or refusing (bad credentials, which it cannot); or failing the
 * next few attempts only. Records when each attempt was made, so tests can see retries and their backoff.
 */
public final class FlakyBackend {

    public enum Mode { UP, DOWN, REFUSING, SLOW }

    /** How long an attempt takes in mode {@link Mode#SLOW} before it answers. */
    public static final long SLOW_MILLIS = 600;

    private static final Map<String, Mode> modes = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> failNext = new ConcurrentHashMap<>();
    private static final Map<String, List<Long>> attempts = new ConcurrentHashMap<>();

    private FlakyBackend() {
    }

    public static void reset() {
        modes.clear();
        failNext.clear();
        attempts.clear();
    }

    public static void set(String resource, Mode mode) {
        modes.put(resource, mode);
    }

    /** The next {@code n} attempts fail as a refused connection; then the backend answers. */
    public static void failNext(String resource, int n) {
        failNext.put(resource, new AtomicInteger(n));
    }

    public static Mode mode(String resource) {
        return modes.getOrDefault(resource, Mode.UP);
    }

    /** Records an attempt and says how it ends. */
    static Mode attempt(String resource) {
        attempts.computeIfAbsent(resource, r -> java.util.Collections.synchronizedList(new ArrayList<>())).add(System.nanoTime());
        AtomicInteger n = failNext.get(resource);
        if (n != null && n.getAndDecrement() > 0) {
            return Mode.DOWN;
        }
        Mode mode = mode(resource);
        if (mode == Mode.SLOW) {
            try {
                Thread.sleep(SLOW_MILLIS); // a backend that takes its time; a timeout interrupts it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return mode;
    }

    /** When each attempt was made ({@code System.nanoTime}), in order. */
    public static List<Long> attempts(String resource) {
        List<Long> a = attempts.get(resource);
        if (a == null) {
            return List.of();
        }
        synchronized (a) {
            return List.copyOf(a);
        }
    }
}
