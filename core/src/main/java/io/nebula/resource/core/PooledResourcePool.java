package io.nebula.resource.core;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.InstanceState;
import io.nebula.resource.Lease;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.IdleInstances;
import io.nebula.resource.spi.PoolSizing;
import io.nebula.resource.spi.PoolStrategy;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p><b>Hit path.</b> An acquisition takes an idle slot from the lock-free {@link IdleInstances} its
 * {@link PoolStrategy} keeps (for LIFO: the slot this thread had last) and wins its CAS {@code IDLE → IN_USE}; a release CASes it back.
 * No lock, one clock read on each side, and no allocation but the lease. The hit path is all in this class;
 * only the slow paths leave it.
 *
 * <p><b>Waiting.</b> When nothing is idle and the pool is full, the acquirer spins briefly, then queues and
 * parks in the {@link WaiterQueue}; a releaser hands its instance straight to the longest parked waiter.
 *
 * <p><b>Creation</b> ({@link Creations}) runs on the creator executor, at most {@code pool.warmup-parallelism}
 * at once, one per waiter not already covered. {@link #total} counts instances alive or being created and is
 * reserved by CAS before creating, so the pool never holds more than {@code pool.max-size}; it is only
 * released after an instance is destroyed.
 *
 * <p>Housekeeping, resizes and health checks are in {@link PooledHousekeeping}, the drain in {@link PooledDrain}.
 */
final class PooledResourcePool<R> extends AbstractPool<R> {

    final IdleInstances<Slot<R>> idle;
    final CopyOnWriteArrayList<Slot<R>> all = new CopyOnWriteArrayList<>();
    /** Unresolved waiters; read by every release, so it lives here and the {@link WaiterQueue} shares it. */
    final AtomicInteger waiting = new AtomicInteger();
    /** Instances alive or being created; read by every release, so it lives here and {@link Creations} shares it. */
    final AtomicInteger total = new AtomicInteger();
    private final long bypassNanos;
    final long leakThresholdNanos;
    /** The strategy's sizing decision; {@code null} when the sizes are {@code pool.min-size} and {@code pool.max-size}. */
    final PoolSizing sizing;
    volatile Thread drainer;
    final WaiterQueue<R> waiters;
    final Creations<R> creations;
    private final PooledHousekeeping<R> housekeeping;
    private final PooledDrain<R> drain;

    PooledResourcePool(PoolContext<R> ctx) {
        super(ctx);
        PoolConfig c = ctx.config();
        StrategyPool outline = StrategyPool.of(name, c);
        // An application's strategy sees the slots through a read-only view; the engine's own scan the list itself,
        // since iterating the view costs the hit path an iterator the JIT does not always remove (24 bytes a cycle).
        idle = c.strategy().idleInstances(outline,
                c.strategy() instanceof BuiltInStrategy ? all : Collections.unmodifiableList(all));
        sizing = c.strategy().sizing(outline);
        bypassNanos = c.validationBypass().toNanos();
        leakThresholdNanos = c.leakThreshold().toNanos();
        waiters = new WaiterQueue<>(this, waiting);
        creations = new Creations<>(this, total, c);
        housekeeping = new PooledHousekeeping<>(this, c);
        drain = new PooledDrain<>(this);
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
            if (sizing != null) {
                sizing.arrived();
            }
            // arrivals may take an idle instance even while others wait: see WaiterQueue.spinThenAwait
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
                throw failures.draining(waiting.get());
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
            Slot<R> s = usable(timeoutNanos == 0 ? creations.createNow() : waiters.spinThenAwait(start, timeoutNanos));
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
    Slot<R> pollIdle(long now) {
        for (;;) {
            Slot<R> s = idle.next();
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
            if (health != null && health.down(s.endpoint)) {
                // its endpoint went DOWN after the idle ones were retired: take the next one, on an endpoint that is UP
                if (s.cas(IDLE, EVICTED)) {
                    changed(IDLE, EVICTED);
                    evicted(s, EvictionReason.ENDPOINT_DOWN);
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
        HealthStatus status = checkQuietly(s.instance, CheckDepth.SHALLOW);
        boolean valid = status.status() != HealthStatus.Status.DOWN;
        listeners.onValidation(name, valid);
        checked(s.endpoint, status); // DOWN takes its endpoint DOWN: the caller gets an instance of another
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
        if (sizing != null) {
            sizing.released(held);
        }
        EvictionReason retire = invalidated ? EvictionReason.FATAL
                : !accepting() ? EvictionReason.CLOSE
                : s.expired(now) ? EvictionReason.MAX_LIFETIME
                : health != null && health.down(s.endpoint) ? EvictionReason.ENDPOINT_DOWN
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
        if (waiting.get() > 0 && waiters.serveOldest(s)) {
            return;
        }
        if (s.cas(IN_USE, IDLE)) {
            changed(IN_USE, IDLE);
            idle.returned(s);
            if (waiting.get() > 0) {
                waiters.serve();
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

    void wakeDrainer() {
        Thread d = drainer;
        if (d != null) {
            LockSupport.unpark(d);
        }
    }

    // ------------------------------------------------------------------ retirement

    /** Takes a slot the caller owns in state {@code from} out of the pool and destroys it. */
    boolean retire(Slot<R> s, InstanceState from, EvictionReason reason) {
        if (!s.cas(from, EVICTED)) {
            return false;
        }
        changed(from, EVICTED);
        evicted(s, reason);
        return true;
    }

    /** Destroys an {@code EVICTED} slot and frees its room, then replaces it if the pool needs one. */
    void evicted(Slot<R> s, EvictionReason reason) {
        listeners.onEviction(name, reason);
        destroy(s.instance);
        s.cas(EVICTED, DESTROYED);
        changed(EVICTED, DESTROYED);
        all.remove(s);
        creations.unreserve(s.endpoint);
        creations.ensureCapacity();
    }

    void changed(InstanceState from, InstanceState to) {
        listeners.onInstanceState(name, from, to);
    }

    /** While an operator's drain emptied the pool: no refill to the minimum (see {@link Creations#floor}). */
    volatile boolean emptied;

    @Override
    public int closeIdle() {
        emptied = true;
        int closed = 0;
        for (Slot<R> s : all) {
            if (takeOut(s)) {
                evicted(s, EvictionReason.CLOSE);
                closed++;
            }
        }
        return closed;
    }

    @Override
    public void reopen() {
        if (emptied) {
            emptied = false;
            creations.ensureCapacity();
        }
    }

    /** Claims an idle slot for housekeeping or the drain and removes its idle entry. */
    boolean takeOut(Slot<R> s) {
        if (s.cas(IDLE, EVICTED)) {
            changed(IDLE, EVICTED);
            idle.removed(s);
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ the cold paths: elsewhere

    @Override
    void warmUp() {
        creations.warmUp();
    }

    @Override
    void housekeep(long now) {
        housekeeping.round(now);
    }

    @Override
    boolean keepsInstances() {
        return creations.floor() > 0;
    }

    @Override
    void abandon(int endpoint) {
        for (Slot<R> s : all) {
            if (s.endpoint == endpoint && takeOut(s)) {
                io(() -> evicted(s, EvictionReason.ENDPOINT_DOWN));
            }
        }
    }

    @Override
    void probe(int endpoint) {
        creations.probe(endpoint);
    }

    @Override
    void refill(long now) {
        creations.ensureCapacity();
    }

    @Override
    void rebase(long delta) {
        housekeeping.rebase(delta);
    }

    @Override
    public void resize(int minSize, int maxSize) {
        housekeeping.resize(minSize, maxSize);
    }

    @Override
    public void acquireTimeout(Duration timeout) {
        acquireTimeoutChanged(timeout, all.stream().map(s -> s.instance).toList());
    }

    @Override
    public HealthStatus check(CheckDepth depth) {
        return housekeeping.check(depth);
    }

    @Override
    void drainInstances(long graceNanos) {
        drain.drain(graceNanos);
    }

    // ------------------------------------------------------------------ figures

    /**
     * {@code active} counts leases: {@code IN_USE} slots. A {@code VALIDATING} slot is nobody's lease yet (a health
     * check, a keep-alive check or an acquirer validating it before use) and counts in {@code size} only.
     */
    @Override
    public PoolSnapshot snapshot() {
        int active = 0;
        int idleCount = 0;
        for (Slot<R> s : all) {
            InstanceState st = s.state();
            // An instance being validated (by a health check, or before a borrower gets it) is no one's lease yet:
            // counted as idle, so a scheduled check never shows as an application's lease in the figures.
            if (st == IN_USE) {
                active++;
            } else if (st == IDLE || st == VALIDATING) {
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
        return sizing instanceof AdaptiveSizer a ? a : null;
    }

    @Override
    public String toString() {
        return "ResourcePool[" + name + ", " + provider.kind() + ", " + state() + ", " + snapshot() + "]";
    }
}
