package io.nebula.resource.core;

import io.nebula.resource.InstanceState;
import io.nebula.resource.spi.PoolSizing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static io.nebula.resource.InstanceState.EVICTED;
import static io.nebula.resource.InstanceState.IDLE;
import static io.nebula.resource.InstanceState.IN_USE;
import static io.nebula.resource.InstanceState.VALIDATING;

/**
 * The creations of a {@link PooledResourcePool}. They run on the creator executor, at most
 * {@code pool.warmup-parallelism} at once, one per waiter not already covered, and enough to keep the
 * floor (the minimum size, or the strategy's sizing target). {@code total} counts instances alive or being created
 * and is reserved by CAS before creating, so the pool never holds more than {@code pool.max-size}; it is
 * only released after an instance is destroyed.
 */
final class Creations<R> {

    private final PooledResourcePool<R> pool;
    /** The pool's count of instances alive or being created, shared with it so a release reads it directly. */
    private final AtomicInteger total;
    private final AtomicInteger creating = new AtomicInteger();
    private final AtomicIntegerArray perEndpoint;
    private final boolean mortal;

    Creations(PooledResourcePool<R> pool, AtomicInteger total, PoolConfig config) {
        this.pool = pool;
        this.total = total;
        this.perEndpoint = new AtomicIntegerArray(Math.max(1, config.endpoints().size()));
        this.mortal = !config.maxLifetime().isZero();
    }

    /** Whether a creation or a check's creation is under way; a drain waits for them. */
    boolean underWay() {
        return creating.get() > 0;
    }

    /** Fail fast: an idle slot was not there, so a new instance if there is room, or a failure at once. */
    Slot<R> createNow() {
        if (pool.waiting.get() > 0) {
            throw pool.failures.exhausted(0, pool.waiting.get());
        }
        // With endpoints the pool-wide probe is theirs (AbstractPool.probeEndpoints): refused at once when all are DOWN.
        boolean probe = false;
        if (pool.recovery.failing()) {
            if (pool.health != null || !beginProbe()) {
                throw pool.failures.unavailable(null, pool.waiting.get());
            }
            probe = true;
        }
        for (;;) {
            int endpoint = reserve();
            if (endpoint < 0) {
                if (probe) {
                    pool.recovery.abandonProbe();
                    pool.probeClaim.answered(false);
                }
                throw pool.failures.exhausted(0, pool.waiting.get());
            }
            Slot<R> s;
            try {
                s = createCounted(endpoint, IN_USE); // born ours: no other thread can take it before we do
            } catch (Exception e) {
                if (probe) {
                    pool.probeClaim.answered(false);
                }
                if (pool.health != null && pool.health.anyUp()) {
                    continue; // its endpoint is DOWN now: the same acquisition tries another one
                }
                throw pool.failures.unavailable(e, pool.waiting.get());
            }
            if (probe) {
                pool.probeClaim.answered(true);
            }
            pool.changed(IDLE, IN_USE);
            return s;
        }
    }

    /** {@link #newSlot} on the caller's thread, counted as under way so a drain that starts meanwhile waits for it. */
    Slot<R> createCounted(int endpoint, InstanceState initial) throws Exception {
        creating.incrementAndGet();
        try {
            return newSlot(endpoint, initial);
        } finally {
            creating.decrementAndGet();
        }
    }

    /** Reserves room for one instance. @return the endpoint to create it against, or -1 when the pool is full */
    int reserve() {
        for (;;) {
            int t = total.get();
            if (t >= pool.config.maxSize()) {
                return -1;
            }
            if (total.compareAndSet(t, t + 1)) {
                int e = pool.endpoints.isEmpty() ? 0
                        : WeightedSchedule.leastServed(pool.endpoints, endpointCounts(), pool.health);
                perEndpoint.incrementAndGet(e);
                return e;
            }
        }
    }

    /**
     * One creation against a DOWN endpoint, kept in the pool when there is room. A full pool still probes, with an
     * instance made and destroyed at once: one connection beyond {@code pool.max-size} for the probe's moment, since
     * waiting for room could keep an endpoint that is back DOWN for as long as the load lasts.
     */
    void probe(int endpoint) {
        creating.incrementAndGet();
        try {
            if (reserveOn(endpoint)) {
                Slot<R> s = newSlot(endpoint, VALIDATING); // ours until handed to a waiter or made idle
                pool.changed(IDLE, VALIDATING);
                if (pool.accepting()) {
                    pool.waiters.handOff(s);
                } else if (s.cas(VALIDATING, EVICTED)) {
                    pool.changed(VALIDATING, EVICTED);
                    pool.evicted(s, EvictionReason.CLOSE);
                }
            } else {
                pool.destroy(pool.create(endpoint));
            }
        } catch (Exception e) {
            // reported by create(): the endpoint stays DOWN and its next probe is scheduled
        } finally {
            creating.decrementAndGet();
            pool.wakeDrainer();
        }
    }

    private boolean reserveOn(int endpoint) {
        for (;;) {
            int t = total.get();
            if (t >= pool.config.maxSize()) {
                return false;
            }
            if (total.compareAndSet(t, t + 1)) {
                perEndpoint.incrementAndGet(endpoint);
                return true;
            }
        }
    }

    void unreserve(int endpoint) {
        perEndpoint.decrementAndGet(endpoint);
        total.decrementAndGet();
    }

    private int[] endpointCounts() {
        int[] c = new int[perEndpoint.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = perEndpoint.get(i);
        }
        return c;
    }

    /**
     * Creates an instance into reserved room. A slot born {@code IDLE} is at once visible to acquirers
     * (the LIFO bag finds slots by state); a creator that keeps the instance for itself makes it
     * {@code IN_USE} or {@code VALIDATING} from the start, so nobody can take it first.
     */
    private Slot<R> newSlot(int endpoint, InstanceState initial) throws Exception {
        R instance;
        try {
            instance = pool.create(endpoint);
        } catch (Exception e) {
            unreserve(endpoint);
            pool.waiters.creationFailed(e);
            throw e;
        }
        long now = pool.ticker.nanoTime();
        Slot<R> s = new Slot<>(instance, endpoint, now, mortal, pool.lifetimeDeadline(now),
                pool.keepaliveDeadline(now), initial);
        pool.all.add(s);
        return s;
    }

    /**
     * Starts the creations the pool needs now: one per waiter not already covered by a creation in
     * flight, and enough to reach the floor (minimum size, or the sizing target), within the maximum size
     * and the creation parallelism. While the backend is failing, only a single probe, once the backoff
     * has passed.
     *
     * @return whether this call started the probe
     */
    boolean ensureCapacity() {
        if (!pool.accepting()) {
            return false;
        }
        Recovery recovery = pool.recovery;
        if (recovery.failing()) {
            if (pool.health != null) {
                return false; // every endpoint is DOWN: their own probes bring them back (AbstractPool.probeEndpoints)
            }
            if (floor() > total.get()) {
                recovery.demanded(); // below its minimum: the pool wants the backend back soon
            }
            if (!beginProbe()) {
                return false;
            }
            creating.incrementAndGet();
            int e = reserve();
            if (e < 0) {
                creating.decrementAndGet();
                recovery.abandonProbe();
                pool.probeClaim.answered(false);
                return false;
            }
            startCreation(e, true);
            return true;
        }
        if (pool.health == null && pool.probeClaim.knownDown()) {
            return probeKnownDown();
        }
        int parallelism = pool.config.warmupParallelism();
        for (;;) {
            int c = creating.get();
            int want = Math.max(pool.waiting.get() - c, floor() - total.get());
            if (want <= 0 || c >= parallelism || recovery.failing()) {
                return false;
            }
            if (!creating.compareAndSet(c, c + 1)) {
                continue;
            }
            int e = reserve();
            if (e < 0) {
                creating.decrementAndGet();
                return false;
            }
            startCreation(e, false);
        }
    }

    /**
     * The backend is known down elsewhere (the cluster's gate is open) while this pool has not seen it fail: the
     * creation it wants (its floor, or a waiter, which passed the gate holding the claim) is one of the cluster's
     * probes, one at a time here and only holding the claim; without it the floor's refill reached the backend from
     * every node at once.
     *
     * @return whether this call started the probe
     */
    private boolean probeKnownDown() {
        int c = creating.get();
        int want = Math.max(pool.waiting.get() - c, floor() - total.get());
        if (want <= 0 || c > 0 || !creating.compareAndSet(0, 1)) {
            return false;
        }
        if (!claim(creating::decrementAndGet)) {
            return false;
        }
        int e = reserve();
        if (e < 0) {
            creating.decrementAndGet();
            pool.probeClaim.answered(false);
            return false;
        }
        startCreation(e, true);
        return true;
    }

    /**
     * The pool's turn to probe a failing backend ({@link Recovery#tryBeginProbe}), then the cluster's
     * ({@link ProbeClaim#claim}): while another node probes, or probed less than a probe interval ago, this pool's
     * turn is given up and its callers are refused as when another of its own callers probes.
     */
    private boolean beginProbe() {
        Recovery recovery = pool.recovery;
        // an acquisition holding the cluster's claim was let through after the cluster's probe interval: the pool's
        // own backoff would only spend the cluster's turn without asking the backend
        if (!recovery.tryBeginProbe(pool.ticker.nanoTime(), pool.probeClaim.heldByCaller())) {
            return false;
        }
        return claim(recovery::abandonProbe);
    }

    /** Asks the cluster's claim; when it is refused, or asking fails, runs {@code giveUp} (the pool's turn undone). */
    private boolean claim(Runnable giveUp) {
        boolean claimed;
        try {
            claimed = pool.probeClaim.claim();
        } catch (RuntimeException e) {
            giveUp.run();
            throw e;
        }
        if (!claimed) {
            giveUp.run();
        }
        return claimed;
    }

    /** @param probe whether this creation is the recovery probe, whose outcome the cluster's claim is told */
    private void startCreation(int endpoint, boolean probe) {
        pool.io(() -> {
            boolean up = false;
            try {
                Slot<R> s = newSlot(endpoint, IDLE);
                up = true;
                if (pool.accepting()) {
                    pool.idle.returned(s);
                    pool.waiters.serve();
                } else if (s.cas(IDLE, EVICTED)) {
                    pool.changed(IDLE, EVICTED);
                    pool.evicted(s, EvictionReason.CLOSE);
                }
            } catch (Exception e) {
                // reported by create(); waiters were told by WaiterQueue.creationFailed
            } finally {
                creating.decrementAndGet();
                pool.wakeDrainer();
                if (probe) {
                    pool.probeClaim.answered(up);
                }
            }
            ensureCapacity();
        });
    }

    /** The fewest instances the pool keeps: the minimum size, or the strategy's sizing target when higher. */
    int floor() {
        if (pool.emptied) {
            return 0; // drained by an operator: nothing kept idle until it reopens
        }
        PoolConfig c = pool.config;
        PoolSizing sizing = pool.sizing;
        return sizing == null ? c.minSize() : Math.max(c.minSize(), Math.min(c.maxSize(), sizing.target()));
    }

    /** Creates {@code pool.min-size} instances, at most {@code pool.warmup-parallelism} at a time, for an eager warm-up. */
    void warmUp() {
        PoolConfig config = pool.config;
        if (config.warmup() != WarmUp.EAGER || config.minSize() == 0) {
            return;
        }
        int n = config.minSize();
        Semaphore parallel = new Semaphore(config.warmupParallelism());
        CountDownLatch done = new CountDownLatch(n);
        int started = 0;
        try {
            for (; started < n && !pool.recovery.failing(); started++) {
                parallel.acquire();
                int e = reserve();
                if (e < 0) {
                    parallel.release();
                    break;
                }
                creating.incrementAndGet();
                pool.io(() -> {
                    try {
                        pool.idle.returned(newSlot(e, IDLE));
                    } catch (Exception x) {
                        // reported by create(); the housekeeper's probe takes over after the backoff
                    } finally {
                        creating.decrementAndGet();
                        parallel.release();
                        done.countDown();
                    }
                });
            }
            for (int i = started; i < n; i++) {
                done.countDown();
            }
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
