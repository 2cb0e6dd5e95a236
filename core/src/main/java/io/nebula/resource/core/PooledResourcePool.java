package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.InstanceState;
import io.nebula.resource.Lease;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.PoolStrategy;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.spi.CheckDepth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

import static io.nebula.resource.InstanceState.DESTROYED;
import static io.nebula.resource.InstanceState.EVICTED;
import static io.nebula.resource.InstanceState.IDLE;
import static io.nebula.resource.InstanceState.IN_USE;
import static io.nebula.resource.InstanceState.VALIDATING;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * N instances, one lease each.
 *
 * <p><b>Hit path.</b> An acquisition takes an idle slot from the lock-free {@link IdleInstances} (for
 * LIFO: the slot this thread had last) and wins its CAS {@code IDLE → IN_USE}; a release CASes it back.
 * No lock, one clock read on each side, and no allocation but the lease.
 *
 * <p><b>Waiting.</b> When nothing is idle and the pool is full, the acquirer first watches for a
 * return for a few dozen spins and yields ({@link #spinThenAwait}), then queues a {@link Waiter} (FIFO)
 * and parks. A releaser hands its instance straight to the longest parked waiter; instances that become
 * idle otherwise (created, validated) are pushed and then handed to waiters by {@link #serveWaiters}. Both sides publish first
 * and look at the other side second (the releaser pushes then looks for waiters; the waiter queues
 * then looks for idle instances), so an instance and a waiter cannot miss each other.
 *
 * <p><b>Creation</b> runs on the creator executor, at most {@code pool.warmup-parallelism} at once,
 * one per waiter not already covered. {@link #total} counts instances alive or being created and is
 * reserved by CAS before creating, so the pool never holds more than {@code pool.max-size}; it is
 * only released after an instance is destroyed.
 */
final class PooledResourcePool<R> extends AbstractPool<R> {

    /** How many times a full pool is looked at again before the acquirer queues and parks; see spinThenAwait. */
    private static final int SPINS = 64;

    private final IdleInstances<R> idle;
    private final CopyOnWriteArrayList<Slot<R>> all = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger creating = new AtomicInteger();
    private final AtomicIntegerArray perEndpoint;
    private final long bypassNanos;
    private final long leakThresholdNanos;
    private final boolean mortal;
    private final boolean keepalive;
    private final AdaptiveSizer adaptive;
    private volatile Thread drainer;

    PooledResourcePool(PoolContext<R> ctx) {
        super(ctx);
        PoolConfig c = ctx.config();
        idle = IdleInstances.of(c.strategy(), c.endpoints(), all);
        perEndpoint = new AtomicIntegerArray(Math.max(1, c.endpoints().size()));
        bypassNanos = c.validationBypass().toNanos();
        leakThresholdNanos = c.leakThreshold().toNanos();
        mortal = !c.maxLifetime().isZero();
        keepalive = !c.keepaliveInterval().isZero();
        adaptive = c.strategy() == PoolStrategy.ADAPTIVE ? new AdaptiveSizer(c, ticker.nanoTime()) : null;
    }

    // ------------------------------------------------------------------ acquire

    @Override
    public Lease<R> acquire(Duration timeout, ResourceContext ctx) {
        listeners.beforeAcquire(name, ctx);
        // A hit reads only the coarse clock (a volatile read): it decides validation and expiry and stamps the
        // lease. A wait is timed with the precise clock, from when the hit failed.
        long now = hitClock.nanoTime();
        long waitStart = 0;
        boolean slow = false;
        try {
            ensureAccepting();
            if (adaptive != null) {
                adaptive.arrived();
            }
            // arrivals may take an idle instance even while others wait: see spinThenAwait
            Slot<R> s = usable(pollIdle(now));
            long waited = 0;
            if (s == null) {
                waitStart = ticker.nanoTime();
                slow = true;
                s = borrow(waitStart, timeoutNanos(timeout));
                waited = ticker.nanoTime() - waitStart;
                now = hitClock.nanoTime();
            }
            PooledLease<R> lease = new PooledLease<>(this, s, ctx, now,
                    leakThresholdNanos > 0 ? new Throwable("Lease on '" + name + "' acquired here") : null);
            s.lease(lease);
            if (!accepting() && lease.revoke()) {
                // The drain began while this slot was on its way to us: it must not leave the pool now.
                release(lease, false);
                throw draining(waiting.get());
            }
            listeners.onAcquire(name, ctx, waited); // 0 for a hit: it did not wait
            return lease;
        } catch (ResourceException e) {
            listeners.onAcquireFailure(name, ctx, e, slow ? ticker.nanoTime() - waitStart : 0);
            throw e;
        }
    }

    /** Nothing was idle (or what was idle failed validation): create, or wait for a return, within the deadline. */
    private Slot<R> borrow(long start, long timeoutNanos) {
        for (;;) {
            Slot<R> s = usable(timeoutNanos == 0 ? createNow() : spinThenAwait(start, timeoutNanos));
            if (s == null) {
                s = usable(pollIdle(ticker.nanoTime())); // it was broken and is gone; try another within the same deadline
            }
            if (s != null) {
                return s;
            }
        }
    }

    /** A taken slot ready for use: as is, or validated first when taken {@code VALIDATING}; {@code null} when none or broken. */
    private Slot<R> usable(Slot<R> s) {
        return s == null || s.state() != VALIDATING || validate(s) ? s : null;
    }

    /**
     * Takes an idle slot: {@code IN_USE}, or {@code VALIDATING} when it sat idle past the validation
     * bypass window (the taker then validates it). Expired slots met on the way are retired.
     *
     * @param now the caller's reading of the clock; a hit reads it once
     */
    private Slot<R> pollIdle(long now) {
        for (;;) {
            Slot<R> s = idle.poll();
            if (s == null) {
                return null;
            }
            if (s.expired(now)) {
                if (s.cas(IDLE, EVICTED)) {
                    changed(IDLE, EVICTED);
                    evicted(s, EvictionReason.MAX_LIFETIME);
                }
                continue;
            }
            InstanceState to = now - s.lastReturned > bypassNanos ? VALIDATING : IN_USE;
            if (s.cas(IDLE, to)) {
                changed(IDLE, to);
                return s;
            }
            // a stale hint: another thread, keep-alive or eviction took the slot; poll again
        }
    }

    /** Checks a slot taken in {@code VALIDATING}; keeps it ({@code IN_USE}) or retires it. */
    private boolean validate(Slot<R> s) {
        boolean valid = checkQuietly(s.instance, CheckDepth.SHALLOW).status() != HealthStatus.Status.DOWN;
        listeners.onValidation(name, valid);
        if (valid && s.cas(VALIDATING, IN_USE)) {
            changed(VALIDATING, IN_USE);
            return true;
        }
        if (s.cas(VALIDATING, EVICTED)) {
            changed(VALIDATING, EVICTED);
            evicted(s, EvictionReason.INVALID);
        }
        return false;
    }

    HealthStatus checkQuietly(R instance, CheckDepth depth) {
        try {
            HealthStatus h = provider.check(instance, depth);
            return h != null ? h : HealthStatus.down("provider returned no status");
        } catch (RuntimeException e) {
            return HealthStatus.down(e);
        }
    }

    /** Fail fast: an idle slot was not there, so a new instance if there is room, or a failure at once. */
    private Slot<R> createNow() {
        if (waiting.get() > 0) {
            throw exhausted(0, waiting.get());
        }
        if (recovery.failing() && !recovery.tryBeginProbe(ticker.nanoTime())) {
            throw unavailable(null, 0, waiting.get());
        }
        int endpoint = reserve();
        if (endpoint < 0) {
            if (recovery.failing()) {
                recovery.abandonProbe();
            }
            throw exhausted(0, waiting.get());
        }
        Slot<R> s;
        creating.incrementAndGet(); // so a drain that starts meanwhile waits for this instance
        try {
            s = newSlot(endpoint, IN_USE); // born ours: no other thread can take it before we do
        } catch (Exception e) {
            throw unavailable(e, 0, waiting.get());
        } finally {
            creating.decrementAndGet();
        }
        changed(IDLE, IN_USE);
        return s;
    }

    /**
     * Before queueing, a full pool is watched for a while: on a busy pool the wait for a return is
     * typically shorter than a park and its unpark (a futex call each, and a context switch). Parking at
     * once made every acquisition of a contended pool park and every release unpark: a convoy that ran
     * fifty times slower than a pool letting arrivals take a just-returned instance. Threads that do park
     * are still served strictly oldest first: a release hands its instance to the longest waiter.
     *
     * <p>A virtual thread parks at once: its park is an unmount, not a system call, so spinning buys it
     * nothing, and ten thousand virtual threads yielding to each other before parking made a dry pool six
     * times slower than parking them straight away.
     */
    private Slot<R> spinThenAwait(long start, long timeoutNanos) {
        if (total.get() >= config.maxSize() && !recovery.failing() && !VirtualThreads.current()) {
            for (int i = 0; i < SPINS && accepting(); i++) {
                if (i < SPINS / 4) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // let the holder run: on a machine with fewer cores than threads it may be waiting for one
                }
                Slot<R> s = pollIdle(start);
                if (s != null) {
                    return s;
                }
            }
        }
        return await(start, timeoutNanos);
    }

    private Slot<R> await(long start, long timeoutNanos) {
        Waiter w = new Waiter(Thread.currentThread());
        waiting.incrementAndGet();
        waiters.offer(w);
        serveWaiters();
        if (!accepting() && leave(w)) {
            throw draining(waiting.get()); // the drain began after our check and may have failed waiters already
        }
        boolean probe = ensureCapacity();
        if (recovery.failing() && !probe && leave(w)) {
            // The backend is down and someone else is (or nobody is yet allowed to be) probing it:
            // say so now rather than after the full timeout.
            throw unavailable(null, timeoutNanos, waiting.get());
        }
        long deadline = start + timeoutNanos;
        boolean interrupted = false;
        for (;;) {
            Object o = w.outcome();
            if (o != null) {
                if (interrupted) {
                    Thread.currentThread().interrupt(); // served anyway; keep the caller's interrupt
                }
                return taken(o, timeoutNanos);
            }
            long remaining = deadline - ticker.nanoTime();
            if (remaining <= 0) {
                if (leave(w)) {
                    throw recovery.failing()
                            ? unavailable(null, timeoutNanos, waiting.get())
                            : exhausted(timeoutNanos, waiting.get());
                }
                continue; // an outcome arrived just in time
            }
            LockSupport.parkNanos(this, remaining);
            if (Thread.interrupted()) {
                interrupted = true;
                if (leave(w)) {
                    throw interrupted(new InterruptedException());
                }
            }
        }
    }

    /** The waiter gives up; {@code false} when it was served or failed first. */
    private boolean leave(Waiter w) {
        if (w.cancel()) {
            waiting.decrementAndGet();
            waiters.remove(w);
            return true;
        }
        return false;
    }

    /**
     * Resolves a waiter. {@link #waiting} counts unresolved waiters only, so it drops here, not when
     * the waiter wakes up: otherwise a served waiter would still look like demand for a new instance.
     */
    private boolean resolve(Waiter w, Object outcome) {
        if (w.complete(outcome)) {
            waiting.decrementAndGet();
            return true;
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private Slot<R> taken(Object outcome, long timeoutNanos) {
        if (outcome instanceof Slot<?> s) {
            return (Slot<R>) s;
        }
        Waiter.Failure f = (Waiter.Failure) outcome;
        throw failure(f.reason(), f.cause(), timeoutNanos, waiting.get());
    }

    /** Hands idle slots to queued waiters, oldest first, while both are there. */
    private void serveWaiters() {
        while (waiting.get() > 0 && waiters.peek() != null) {
            Slot<R> s = pollIdle(ticker.nanoTime());
            if (s == null) {
                return;
            }
            handOff(s);
        }
    }

    /** Gives a slot the caller owns ({@code IN_USE} or {@code VALIDATING}) to the longest waiter, or back to idle. */
    private void handOff(Slot<R> s) {
        for (Waiter w; (w = waiters.poll()) != null; ) {
            if (resolve(w, s)) {
                return;
            }
        }
        InstanceState from = s.state();
        if (from != EVICTED && s.cas(from, IDLE)) {
            changed(from, IDLE);
            idle.push(s);
        }
    }

    // ------------------------------------------------------------------ release

    void release(PooledLease<R> lease, boolean invalidated) {
        Slot<R> s = lease.slot;
        long now = hitClock.nanoTime();
        long held = now - lease.acquiredAt;
        s.lease(null);
        if (lease.leakReported) {
            Log.LOG.log(INFO, () -> "NEBULA-0302 Lease on '" + name + "' reported as leaked came back after "
                    + Log.human(held));
            listeners.onLeakReturned(name, lease.ctx, held);
        }
        listeners.onRelease(name, lease.ctx, held, invalidated);
        if (adaptive != null) {
            adaptive.released(held);
        }
        EvictionReason retire = invalidated ? EvictionReason.FATAL
                : !accepting() ? EvictionReason.CLOSE
                : s.expired(now) ? EvictionReason.MAX_LIFETIME
                : total.get() > config.maxSize() ? EvictionReason.SHRINK
                : !recycle(s) ? EvictionReason.INVALID
                : null;
        if (retire != null) {
            retire(s, IN_USE, retire);
            wakeDrainer();
            return;
        }
        s.lastReturned = now;
        // Straight to the longest waiter: the slot stays IN_USE, only its holder changes.
        if (waiting.get() > 0) {
            for (Waiter w; (w = waiters.poll()) != null; ) {
                if (resolve(w, s)) {
                    return;
                }
            }
        }
        if (s.cas(IN_USE, IDLE)) {
            changed(IN_USE, IDLE);
            idle.push(s);
            if (waiting.get() > 0) {
                serveWaiters();
            }
        }
        wakeDrainer();
    }

    private boolean recycle(Slot<R> s) {
        try {
            return provider.recycle(s.instance);
        } catch (RuntimeException e) {
            Log.LOG.log(WARNING, "NEBULA-0803 Provider " + provider.kind() + " threw from recycle of an instance of '"
                    + name + "'; the instance is discarded", e);
            return false;
        }
    }

    private void wakeDrainer() {
        Thread d = drainer;
        if (d != null) {
            LockSupport.unpark(d);
        }
    }

    // ------------------------------------------------------------------ creation

    /** Reserves room for one instance. @return the endpoint to create it against, or -1 when the pool is full */
    private int reserve() {
        for (;;) {
            int t = total.get();
            if (t >= config.maxSize()) {
                return -1;
            }
            if (total.compareAndSet(t, t + 1)) {
                int e = endpoints.isEmpty() ? 0 : WeightedSchedule.leastServed(endpoints, endpointCounts());
                perEndpoint.incrementAndGet(e);
                return e;
            }
        }
    }

    private void unreserve(int endpoint) {
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
            instance = create(endpoint);
        } catch (Exception e) {
            unreserve(endpoint);
            failWaitersAfter(e);
            throw e;
        }
        long now = ticker.nanoTime();
        Slot<R> s = new Slot<>(instance, endpoint, now, mortal, lifetimeDeadline(now), keepaliveDeadline(now), initial);
        all.add(s);
        return s;
    }

    /**
     * A creation failed. Waiters are told at once when nothing will come back to serve them (no lease
     * out) or when the provider says retrying cannot help; otherwise they may still get a returned instance.
     */
    private void failWaitersAfter(Exception error) {
        if (waiting.get() > 0 && (!recovery.lastRetryable() || inUse() == 0)) {
            Waiter.Failure f = new Waiter.Failure(Reason.BACKEND_UNAVAILABLE, error);
            for (Waiter w; (w = waiters.poll()) != null; ) {
                resolve(w, f);
            }
        }
    }

    /**
     * Starts the creations the pool needs now: one per waiter not already covered by a creation in
     * flight, and enough to reach the floor (minimum size, or adaptive target), within the maximum size
     * and the creation parallelism. While the backend is failing, only a single probe, once the backoff
     * has passed.
     *
     * @return whether this call started the probe
     */
    boolean ensureCapacity() {
        if (!accepting()) {
            return false;
        }
        if (recovery.failing()) {
            if (!recovery.tryBeginProbe(ticker.nanoTime())) {
                return false;
            }
            creating.incrementAndGet();
            int e = reserve();
            if (e < 0) {
                creating.decrementAndGet();
                recovery.abandonProbe();
                return false;
            }
            startCreation(e);
            return true;
        }
        int parallelism = config.warmupParallelism();
        for (;;) {
            int c = creating.get();
            int want = Math.max(waiting.get() - c, floor() - total.get());
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
            startCreation(e);
        }
    }

    private void startCreation(int endpoint) {
        io(() -> {
            try {
                Slot<R> s = newSlot(endpoint, IDLE);
                if (accepting()) {
                    idle.push(s);
                    serveWaiters();
                } else if (s.cas(IDLE, EVICTED)) {
                    changed(IDLE, EVICTED);
                    evicted(s, EvictionReason.CLOSE);
                }
            } catch (Exception e) {
                // reported by create(); waiters were told by failWaitersAfter
            } finally {
                creating.decrementAndGet();
                wakeDrainer();
            }
            ensureCapacity();
        });
    }

    /** The fewest instances the pool keeps: the minimum size, or the adaptive target when higher. */
    private int floor() {
        int min = config.minSize();
        return adaptive == null ? min : Math.max(min, adaptive.target());
    }

    @Override
    void warmUp() {
        if (config.warmup() != WarmUp.EAGER || config.minSize() == 0) {
            return;
        }
        int n = config.minSize();
        Semaphore parallel = new Semaphore(config.warmupParallelism());
        CountDownLatch done = new CountDownLatch(n);
        int started = 0;
        try {
            for (; started < n && !recovery.failing(); started++) {
                parallel.acquire();
                int e = reserve();
                if (e < 0) {
                    parallel.release();
                    break;
                }
                creating.incrementAndGet();
                io(() -> {
                    try {
                        idle.push(newSlot(e, IDLE));
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

    // ------------------------------------------------------------------ retirement

    /** Takes a slot the caller owns in state {@code from} out of the pool and destroys it. */
    private boolean retire(Slot<R> s, InstanceState from, EvictionReason reason) {
        if (!s.cas(from, EVICTED)) {
            return false;
        }
        changed(from, EVICTED);
        evicted(s, reason);
        return true;
    }

    /** Destroys an {@code EVICTED} slot and frees its room, then replaces it if the pool needs one. */
    private void evicted(Slot<R> s, EvictionReason reason) {
        listeners.onEviction(name, reason);
        destroy(s.instance);
        s.cas(EVICTED, DESTROYED);
        changed(EVICTED, DESTROYED);
        all.remove(s);
        unreserve(s.endpoint);
        ensureCapacity();
    }

    private void changed(InstanceState from, InstanceState to) {
        listeners.onInstanceState(name, from, to);
    }

    // ------------------------------------------------------------------ housekeeping

    @Override
    void housekeep(long now) {
        PoolConfig c = config;
        if (adaptive != null) {
            adaptive.window(now, waiting.get());
        }
        List<Slot<R>> idleNow = new ArrayList<>();
        for (Slot<R> s : all) {
            if (s.state() == IDLE) {
                idleNow.add(s);
            }
        }
        // 1. lifetimes
        for (Slot<R> s : idleNow) {
            if (s.expired(now) && takeOut(s)) {
                io(() -> evicted(s, EvictionReason.MAX_LIFETIME));
            }
        }
        // 2. shrink: above the maximum after a resize, idle past the idle timeout above the floor,
        //    or above the adaptive target after sustained low demand
        int excessOverMax = total.get() - c.maxSize();
        int floor = floor();
        long idleTimeout = c.idleTimeout().toNanos();
        int adaptiveExcess = adaptive == null ? 0 : adaptive.shrinkBy(all.size(), c.minSize());
        List<Slot<R>> victims = shrinkOrder(idleNow, c.strategy());
        int liveCount = all.size();
        for (Slot<R> s : victims) {
            if (s.state() != IDLE) {
                continue;
            }
            EvictionReason why = null;
            if (excessOverMax > 0 || adaptiveExcess > 0) {
                why = EvictionReason.SHRINK;
            } else if (idleTimeout > 0 && liveCount > floor && now - s.lastReturned > idleTimeout) {
                why = EvictionReason.IDLE_TIMEOUT;
            }
            if (why != null && takeOut(s)) {
                excessOverMax--;
                adaptiveExcess--;
                liveCount--;
                EvictionReason reason = why;
                io(() -> evicted(s, reason));
            }
        }
        // 3. keep-alive
        if (keepalive) {
            for (Slot<R> s : idleNow) {
                if (s.state() == IDLE && now - s.nextKeepalive >= 0 && s.cas(IDLE, VALIDATING)) {
                    changed(IDLE, VALIDATING);
                    idle.remove(s);
                    io(() -> keepAlive(s));
                }
            }
        }
        // 4. leaks
        if (leakThresholdNanos > 0) {
            detectLeaks(now);
        }
        // 5. refill to the floor, and the recovery probe when one is due
        ensureCapacity();
    }

    /** Idle slots in the order they should go when the pool shrinks. */
    private List<Slot<R>> shrinkOrder(List<Slot<R>> idleSlots, PoolStrategy strategy) {
        List<Slot<R>> order = new ArrayList<>(idleSlots);
        if (strategy == PoolStrategy.LRU) {
            order.sort(Comparator.comparingLong((Slot<R> s) -> s.lastReturned)); // least recently used first
        } else {
            order.sort(Comparator.comparingLong((Slot<R> s) -> s.createdAt)); // oldest first: nearest its end of life
        }
        return order;
    }

    /** Claims an idle slot for housekeeping and removes its idle entry. */
    private boolean takeOut(Slot<R> s) {
        if (s.cas(IDLE, EVICTED)) {
            changed(IDLE, EVICTED);
            idle.remove(s);
            return true;
        }
        return false;
    }

    private void keepAlive(Slot<R> s) {
        boolean valid = checkQuietly(s.instance, CheckDepth.SHALLOW).status() != HealthStatus.Status.DOWN;
        listeners.onValidation(name, valid);
        if (valid && accepting()) {
            s.nextKeepalive = keepaliveDeadline(ticker.nanoTime());
            if (s.cas(VALIDATING, IDLE)) {
                changed(VALIDATING, IDLE);
                idle.push(s);
                serveWaiters();
            }
        } else if (s.cas(VALIDATING, EVICTED)) {
            changed(VALIDATING, EVICTED);
            evicted(s, valid ? EvictionReason.CLOSE : EvictionReason.INVALID);
        }
        wakeDrainer();
    }

    private void detectLeaks(long now) {
        for (Slot<R> s : all) {
            PooledLease<R> lease = s.lease();
            if (lease != null && !lease.leakReported && lease.isOpen() && now - lease.acquiredAt > leakThresholdNanos) {
                lease.leakReported = true;
                long held = now - lease.acquiredAt;
                Log.LOG.log(WARNING, "NEBULA-0301 Lease on '" + name + "' held for " + Log.human(held)
                        + ", longer than " + settings.keyOf(PoolConfig.LEAK_THRESHOLD) + " (" + config.leakThreshold()
                        + "); possible leak, acquired at:", lease.acquiredTrace);
                listeners.onLeak(name, lease.ctx, held, lease.acquiredTrace);
            }
        }
    }

    @Override
    void rebase(long delta) {
        for (Slot<R> s : all) {
            s.lastReturned -= delta;
            s.expiresAt -= delta;
            s.nextKeepalive -= delta;
        }
        if (adaptive != null) {
            adaptive.rebase(delta);
        }
    }

    // ------------------------------------------------------------------ resize, check, drain, figures

    @Override
    public void resize(int minSize, int maxSize) {
        PoolConfig next = config.toBuilder().minSize(minSize).maxSize(maxSize).build(settings::keyOf);
        config = next;
        if (adaptive != null) {
            adaptive.bounds(minSize, maxSize);
        }
        Log.LOG.log(INFO, () -> "NEBULA-0701 Resource '" + name + "' resized to min " + minSize + ", max " + maxSize);
        // Idle instances above the new maximum go now; leased ones when they come back.
        int excess = total.get() - maxSize;
        if (excess > 0) {
            for (Slot<R> s : shrinkOrder(idleSlots(), next.strategy())) {
                if (excess <= 0) {
                    break;
                }
                if (takeOut(s)) {
                    excess--;
                    evicted(s, EvictionReason.SHRINK);
                }
            }
        }
        ensureCapacity();
    }

    private List<Slot<R>> idleSlots() {
        List<Slot<R>> result = new ArrayList<>();
        for (Slot<R> s : all) {
            if (s.state() == IDLE) {
                result.add(s);
            }
        }
        return result;
    }

    @Override
    public HealthStatus check(CheckDepth depth) {
        if (!startedAndAccepting()) {
            return HealthStatus.down("resource '" + name + "' is " + state());
        }
        Slot<R> s = null;
        for (Slot<R> candidate : idleSlots()) {
            if (candidate.cas(IDLE, VALIDATING)) {
                changed(IDLE, VALIDATING);
                idle.remove(candidate);
                s = candidate;
                break;
            }
        }
        if (s == null) {
            if (inUse() > 0 && total.get() >= config.maxSize()) {
                return observed(details(HealthStatus.up()).withDetail("checked", "none: every instance is in use"));
            }
            int e = reserve();
            if (e < 0) {
                return observed(details(HealthStatus.up()).withDetail("checked", "none: the pool is full"));
            }
            creating.incrementAndGet();
            try {
                s = newSlot(e, VALIDATING);
            } catch (Exception x) {
                return observed(details(HealthStatus.down(x)));
            } finally {
                creating.decrementAndGet();
            }
            changed(IDLE, VALIDATING);
        }
        HealthStatus h = checkQuietly(s.instance, depth);
        boolean valid = h.status() != HealthStatus.Status.DOWN;
        listeners.onValidation(name, valid);
        if (valid) {
            handOff(s);
        } else if (s.cas(VALIDATING, EVICTED)) {
            changed(VALIDATING, EVICTED);
            evicted(s, EvictionReason.INVALID);
        }
        return observed(details(h));
    }

    private HealthStatus details(HealthStatus h) {
        PoolSnapshot p = snapshot();
        HealthStatus result = h.withDetail("size", p.size()).withDetail("active", p.active())
                .withDetail("idle", p.idle()).withDetail("pending", p.pending()).withDetail("max", p.maxSize());
        Throwable last = recovery.lastError();
        if (recovery.failing() && last != null) {
            result = result.withDetail("lastError", Log.describe(last));
        }
        return result;
    }

    @Override
    void drainInstances(long graceNanos) {
        drainer = Thread.currentThread();
        try {
            Waiter.Failure f = new Waiter.Failure(Reason.POOL_DRAINING, null);
            for (Waiter w; (w = waiters.poll()) != null; ) {
                resolve(w, f);
            }
            for (Slot<R> s : all) {
                if (takeOut(s)) {
                    evicted(s, EvictionReason.CLOSE);
                }
            }
            long deadline = ticker.nanoTime() + graceNanos;
            awaitQuiet(deadline);
            int forced = 0;
            for (Slot<R> s : all) {
                PooledLease<R> lease = s.lease();
                if (s.state() == IN_USE && (lease == null || lease.revoke())) {
                    if (retire(s, IN_USE, EvictionReason.CLOSE)) {
                        forced++;
                    }
                }
            }
            if (forced > 0) {
                int n = forced;
                Log.LOG.log(WARNING, () -> "NEBULA-0601 Resource '" + name + "' drained with " + n
                        + " lease(s) still out after " + Log.human(graceNanos) + " ("
                        + settings.keyOf(PoolConfig.DRAIN_GRACE) + "); their instances were destroyed");
            }
            // Creations and keep-alive checks still running finish on their own and destroy what they made,
            // since the pool no longer accepts; wait for them so shutdown comes after the last destroy.
            awaitQuiet(ticker.nanoTime() + Math.max(graceNanos, Duration.ofSeconds(5).toNanos()));
            for (Slot<R> s : all) {
                if (takeOut(s)) {
                    evicted(s, EvictionReason.CLOSE);
                }
            }
        } finally {
            drainer = null;
        }
    }

    /** Parks until no slot is leased, validating or being created, or the deadline passes. */
    private void awaitQuiet(long deadline) {
        for (;;) {
            boolean busy = creating.get() > 0;
            for (Slot<R> s : all) {
                InstanceState st = s.state();
                busy |= st == IN_USE || st == VALIDATING;
            }
            long remaining = deadline - ticker.nanoTime();
            if (!busy || remaining <= 0) {
                return;
            }
            // Releases unpark us; the bound covers a ticker that is not the system clock.
            LockSupport.parkNanos(this, Math.min(remaining, 10_000_000L));
        }
    }

    @Override
    public PoolSnapshot snapshot() {
        int active = 0;
        int idleCount = 0;
        for (Slot<R> s : all) {
            InstanceState st = s.state();
            if (st == IN_USE || st == VALIDATING) {
                active++;
            } else if (st == IDLE) {
                idleCount++;
            }
        }
        PoolConfig c = config;
        return new PoolSnapshot(total.get(), active, idleCount, waiting.get(), c.minSize(), c.maxSize());
    }

    @Override
    int liveInstances() {
        return all.size();
    }

    @Override
    int inUse() {
        int n = 0;
        for (Slot<R> s : all) {
            if (s.state() == IN_USE) {
                n++;
            }
        }
        return n;
    }

    /** Every live slot; for tests. */
    List<Slot<R>> slots() {
        return List.copyOf(all);
    }

    /** The adaptive sizer, for tests and docs; {@code null} unless the strategy is adaptive. */
    AdaptiveSizer adaptive() {
        return adaptive;
    }

    @Override
    public String toString() {
        return "ResourcePool[" + name + ", " + provider.kind() + ", " + state() + ", " + snapshot() + "]";
    }
}
