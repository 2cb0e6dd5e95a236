package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads hammer one small pool while instances are invalidated, creations fail at random and
 * the pool is resized. Sized to run in seconds on two busy cores; the invariants are what matter.
 */
class StressTest {

    static final int THREADS = 8;
    static final int ITERATIONS = 20_000;
    static final int LARGEST_MAX = 8;
    static final long TIMEOUT_MILLIS = 200;
    /** How late a waiter may come back after its timeout on a loaded machine before we call it stuck. */
    static final long LATENESS_MILLIS = 3_000;

    @Test
    void invariantsHoldUnderContentionInvalidationFailuresAndResizes() throws Exception {
        FakeProvider provider = new FakeProvider();
        provider.failureRate = 0.02;
        ResourcePool<Conn> pool = ResourcePool.builder(provider, Pools.settings("stress", "pool.max-size", "4",
                "pool.min-size", "1", "pool.backoff-initial", "1ms", "pool.backoff-max", "5ms",
                "pool.validation-bypass", "1ms", "pool.warmup-parallelism", "3")).build();
        pool.start();

        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        AtomicLong worstLateness = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);

        Thread resizer = new Thread(() -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            while (running.get()) {
                int max = r.nextInt(2, LARGEST_MAX + 1);
                pool.resize(r.nextInt(0, 2), max);
                sleep(2);
            }
        }, "resizer");

        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(new Thread(() -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                await(start);
                for (int i = 0; i < ITERATIONS; i++) {
                    long t0 = System.nanoTime();
                    try {
                        Lease<Conn> lease = pool.acquire(Duration.ofMillis(TIMEOUT_MILLIS));
                        Conn c = lease.get();
                        if (c.users.getAndIncrement() != 0) {
                            violations.add(c + " leased twice at once");
                        }
                        if (c.destroyed) {
                            violations.add(c + " handed out after it was destroyed");
                        }
                        if (r.nextInt(64) == 0) {
                            Thread.yield();
                        }
                        c.users.decrementAndGet();
                        if (r.nextInt(100) == 0) {
                            lease.invalidate();
                            count(outcomes, "invalidated");
                        } else {
                            lease.close();
                            count(outcomes, "ok");
                        }
                    } catch (AcquisitionTimeoutException e) {
                        count(outcomes, e.reason().name());
                        long late = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) - TIMEOUT_MILLIS;
                        worstLateness.accumulateAndGet(late, Math::max);
                    }
                }
            }, "worker-" + t));
        }
        workers.forEach(Thread::start);
        resizer.start();
        start.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(w.isAlive()).as(w.getName() + " finished: no waiter was lost").isFalse();
        }
        running.set(false);
        resizer.join();

        long total = outcomes.values().stream().mapToLong(AtomicLong::get).sum();
        assertThat(total).as("every acquisition came back one way or another").isEqualTo((long) THREADS * ITERATIONS);
        assertThat(outcomes.get("ok").get()).as("the pool did real work: " + outcomes).isGreaterThan(THREADS * ITERATIONS / 2);
        assertThat(outcomes).containsKey("invalidated");
        assertThat(violations).isEmpty();
        assertThat(worstLateness.get()).as("no waiter left waiting past its timeout").isLessThan(LATENESS_MILLIS);
        assertThat(provider.maxLive.get()).as("never more instances than the largest maximum").isLessThanOrEqualTo(LARGEST_MAX);
        assertThat(provider.creations.get()).as("random creation failures happened").isGreaterThan(provider.created.size());

        // quiet again: the pool settles within its current maximum
        pool.resize(0, 3);
        assertThat(pool.snapshot().size()).isLessThanOrEqualTo(3);
        assertThat(pool.snapshot().active()).isZero();

        pool.close();
        assertThat(pool.state()).isEqualTo(ResourceState.TERMINATED);
        assertThat(provider.destroyed).as("every created instance destroyed").containsExactlyInAnyOrderElementsOf(provider.created);
        assertThat(provider.live).hasValue(0);
        assertThat(provider.shutdowns).hasValue(1);
    }

    private static void count(Map<String, AtomicLong> outcomes, String key) {
        outcomes.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
