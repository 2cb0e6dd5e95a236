package io.nebula.resource.cdi.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend behind {@link FlakyProvider} and {@link StubDataSourceProvider}, per resource: up, down (a
 * refused connection, which retrying may fix), or refusing (bad credentials, which it cannot); or failing the
 * next few attempts only. Records when each attempt was made, so tests can see retries and their backoff.
 * Can hold the checks of a resource's instances, so a test sees the pool while a check is under way.
 */
public final class FlakyBackend {

    public enum Mode { UP, DOWN, REFUSING, SLOW }

    /** How long an attempt takes in mode {@link Mode#SLOW} before it answers. */
    public static final long SLOW_MILLIS = 600;

    private static final Map<String, Mode> modes = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> failNext = new ConcurrentHashMap<>();
    private static final Map<String, List<Long>> attempts = new ConcurrentHashMap<>();
    private static final Map<String, HeldChecks> held = new ConcurrentHashMap<>();
    private static final Map<String, HeldAttempts> heldAttempts = new ConcurrentHashMap<>();

    private FlakyBackend() {
    }

    public static void reset() {
        modes.clear();
        failNext.clear();
        attempts.clear();
        held.values().forEach(HeldChecks::close);
        heldAttempts.values().forEach(HeldAttempts::close);
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
        HeldAttempts h = heldAttempts.get(resource);
        if (h != null) {
            h.hold();
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

    /**
     * From now until the returned hold is closed, every check of {@code resource}'s instances waits inside the
     * provider, its instance borrowed from the pool.
     */
    public static HeldChecks holdChecks(String resource) {
        HeldChecks h = new HeldChecks(resource);
        held.put(resource, h);
        return h;
    }

    /** Called by {@link FlakyProvider#check}: waits while the resource's checks are held. */
    static void checking(String resource) {
        HeldChecks h = held.get(resource);
        if (h != null) {
            h.hold();
        }
    }

    /** The checks of one resource, held; see {@link #holdChecks}. */
    public static final class HeldChecks implements AutoCloseable {
        private final String resource;
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        private HeldChecks(String resource) {
            this.resource = resource;
        }

        private void hold() {
            entered.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits until a check is held. */
        public void awaitHeld() throws InterruptedException {
            if (!entered.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("no check of " + resource + " began within 5 s");
            }
        }

        /** Lets the held checks answer, and the next ones run. */
        @Override
        public void close() {
            held.remove(resource, this);
            released.countDown();
        }
    }

    /**
     * From now until the returned hold is closed, every attempt on {@code resource}'s backend waits inside the
     * provider: a test sees what is refused while attempts are under way, without a timing.
     */
    public static HeldAttempts holdAttempts(String resource) {
        HeldAttempts h = new HeldAttempts();
        heldAttempts.put(resource, h);
        return h;
    }

    /** The attempts on one resource's backend, held; see {@link #holdAttempts}. */
    public static final class HeldAttempts implements AutoCloseable {
        private final AtomicInteger entered = new AtomicInteger();
        private final CountDownLatch released = new CountDownLatch(1);

        private void hold() {
            entered.incrementAndGet();
            try {
                if (!released.await(10, TimeUnit.SECONDS)) { // a broken bulkhead lets one too many in: fail, not hang
                    throw new IllegalStateException("attempt held for 10 s and never let go");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** How many attempts are held or were. */
        public int entered() {
            return entered.get();
        }

        /** Lets the held attempts go on, and the next ones run. */
        @Override
        public void close() {
            heldAttempts.values().remove(this);
            released.countDown();
        }
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
