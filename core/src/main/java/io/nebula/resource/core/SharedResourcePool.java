package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.spi.CheckDepth;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * One thread-safe instance shared by every lease ({@code RESIDENT}), optionally with a cap of
 * {@code pool.max-size} concurrent leases ({@code BOUNDED}). With endpoints there is one shared
 * instance per endpoint and leases are spread over them by weighted round robin.
 *
 * <p>A lease is a counted reference to a {@link SharedInstance}. Replacing an instance (an invalidated lease;
 * for a bounded instance also its max lifetime or a failed check) retires it: new leases get a
 * new instance, and the old one is destroyed when its last lease comes back. A failed check never
 * retires a resident instance: resident clients (an Agroal pool, a Lettuce or NATS connection) heal
 * themselves when the backend returns, and applications hold them directly (an injected
 * {@code DataSource}), so closing one would break its holders for good. The failed check reports DOWN
 * and moves the resource to FAILED until a check passes again. The first acquirer to find no instance creates it;
 * the others wait on that creation rather than starting their own.
 *
 * <p>Housekeeping, resizes and health checks are in {@link SharedHousekeeping}.
 */
final class SharedResourcePool<R> extends AbstractPool<R> {

    /** A fair semaphore whose size can shrink as well as grow. */
    static final class Permits extends Semaphore {
        private static final long serialVersionUID = 1L;

        Permits(int permits) {
            super(permits, true);
        }

        void shrink(int by) {
            reducePermits(by);
        }
    }

    final boolean bounded;
    final AtomicReferenceArray<SharedInstance<R>> current;
    final AtomicReferenceArray<CompletableFuture<SharedInstance<R>>> creations;
    final Set<SharedInstance<R>> live = ConcurrentHashMap.newKeySet();
    private final int[] schedule;
    private final AtomicLong cursor = new AtomicLong();
    final Permits permits;
    /** Open leases; a LongAdder since every lease counts in and out on whatever thread, and it is read rarely. */
    private final LongAdder leases = new LongAdder();
    private final AtomicInteger waiting = new AtomicInteger();
    final Set<SharedLease<R>> watched; // open leases, only when leak detection is on
    final long leakThresholdNanos;
    final boolean mortal;
    final boolean keepalive;
    private volatile Thread drainer;
    private final SharedHousekeeping<R> housekeeping = new SharedHousekeeping<>(this);

    SharedResourcePool(PoolContext<R> ctx, boolean bounded) {
        super(ctx);
        this.bounded = bounded;
        int n = Math.max(1, endpoints.size());
        current = new AtomicReferenceArray<>(n);
        creations = new AtomicReferenceArray<>(n);
        schedule = WeightedSchedule.smooth(endpoints);
        permits = bounded ? new Permits(config.maxSize()) : null;
        // A resident instance is one long-lived shared client. When it pools something itself (an Agroal
        // DataSource pools connections), pool.max-lifetime and pool.leak-threshold are its own, per
        // connection: applying them again to the whole instance would rebuild the client every lifetime
        // (briefly doubling the backend's sessions) and report every long-held reference as a leak.
        leakThresholdNanos = bounded ? config.leakThreshold().toNanos() : 0;
        watched = leakThresholdNanos > 0 ? ConcurrentHashMap.newKeySet() : null;
        mortal = bounded && !config.maxLifetime().isZero();
        keepalive = !config.keepaliveInterval().isZero();
    }

    // ------------------------------------------------------------------ acquire and release

    @Override
    public Lease<R> acquire(Duration timeout, ResourceContext ctx) {
        listeners.beforeAcquire(name, ctx);
        // As in the pooled engine: a lease on an instance that is there reads only the coarse clock and
        // reports no wait; waiting for a permit or a creation is timed with the precise one.
        long now = hitClock.nanoTime();
        long start = 0;
        boolean slow = false;
        boolean permit = false;
        try {
            ensureAccepting();
            int at = schedule.length == 1 ? 0 : (int) Math.floorMod(cursor.getAndIncrement(), (long) schedule.length);
            int e = health == null ? schedule[at] : upEndpoint(schedule[at], at);
            // A bounded lease always takes the slow path: its permits are fair, and only a timed tryAcquire
            // honours their order.
            SharedInstance<R> h = bounded ? null : present(e);
            if (h == null) {
                start = ticker.nanoTime();
                slow = true;
                long timeoutNanos = timeoutNanos(timeout);
                if (bounded) {
                    permit = takePermit(timeoutNanos);
                }
                h = health == null ? holder(e, start, timeoutNanos) : holderOnUp(e, at, start, timeoutNanos);
                now = hitClock.nanoTime();
            }
            SharedLease<R> lease = new SharedLease<>(this, h, ctx, now,
                    leakThresholdNanos > 0 ? new Throwable("Lease on '" + name + "' acquired here") : null);
            leases.increment();
            if (watched != null) {
                watched.add(lease);
            }
            listeners.onAcquire(name, ctx, slow ? ticker.nanoTime() - start : 0);
            return lease;
        } catch (ResourceException ex) {
            if (permit) {
                permits.release();
            }
            listeners.onAcquireFailure(name, ctx, ex, slow ? ticker.nanoTime() - start : 0);
            throw ex;
        }
    }

    /** The endpoint to serve from: the scheduled one when UP, else the next UP one in the schedule. */
    private int upEndpoint(int scheduled, int at) {
        int e = health.upFrom(scheduled, schedule, at);
        if (e < 0) {
            throw failures.unavailable(health.lastError(), waiting.get());
        }
        return e;
    }

    /**
     * {@link #holder} on an UP endpoint: when creating its instance fails, that endpoint is DOWN now
     * ({@link AbstractPool#endpointFailed}) and the same acquisition is served by the next one that is UP.
     */
    private SharedInstance<R> holderOnUp(int endpoint, int at, long start, long timeoutNanos) {
        for (int e = endpoint;;) {
            try {
                return holder(e, start, timeoutNanos);
            } catch (AcquisitionTimeoutException x) {
                if (!health.down(e) || !health.anyUp() || x.reason() != AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE) {
                    throw x;
                }
                e = upEndpoint(e, at);
            }
        }
    }

    /** The endpoint's instance with one more user, if it is there and not retired; else {@code null}. */
    private SharedInstance<R> present(int endpoint) {
        SharedInstance<R> h = current.get(endpoint);
        return h != null && use(h) ? h : null;
    }

    /** Counts one more user of {@code h}; {@code false} (and uncounted) when it was retired meanwhile. */
    private boolean use(SharedInstance<R> h) {
        h.users.incrementAndGet();
        if (!h.retired) {
            return true;
        }
        unuse(h);
        return false;
    }

    private boolean takePermit(long timeoutNanos) {
        waiting.incrementAndGet();
        try {
            if (!permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                throw failures.exhausted(timeoutNanos, waiting.get() - 1);
            }
        } catch (InterruptedException e) {
            throw failures.interrupted(e);
        } finally {
            waiting.decrementAndGet();
        }
        if (!accepting()) {
            permits.release();
            throw failures.draining(0);
        }
        return true;
    }

    /** The current instance of an endpoint with one more user counted; creates it when there is none. */
    SharedInstance<R> holder(int endpoint, long start, long timeoutNanos) {
        for (;;) {
            SharedInstance<R> h = current.get(endpoint);
            if (h == null) {
                h = createOrAwait(endpoint, start, timeoutNanos);
            }
            if (use(h)) {
                return h;
            }
            // retired meanwhile; take the next one
        }
    }

    SharedInstance<R> createOrAwait(int endpoint, long start, long timeoutNanos) {
        return createOrAwait(endpoint, start, timeoutNanos, false);
    }

    /** @param probe whether this is the probe of a DOWN endpoint ({@link #probe}), which is let through */
    SharedInstance<R> createOrAwait(int endpoint, long start, long timeoutNanos, boolean probe) {
        CompletableFuture<SharedInstance<R>> mine = new CompletableFuture<>();
        CompletableFuture<SharedInstance<R>> theirs = creations.compareAndExchange(endpoint, null, mine);
        if (theirs != null) {
            return await(theirs, start, timeoutNanos);
        }
        try {
            SharedInstance<R> existing = current.get(endpoint);
            if (existing != null) {
                mine.complete(existing);
                return existing;
            }
            // With endpoints the probes are theirs (AbstractPool.probeEndpoints): refused at once when all are DOWN.
            boolean recoveryProbe = false;
            if (!probe && recovery.failing()) {
                if (health != null || !recovery.tryBeginProbe(ticker.nanoTime(), probeClaim.heldByCaller())) {
                    throw failures.unavailable(null, waiting.get());
                }
                if (!probeClaim.claim()) { // the cluster's gate: another node probes, or probed a moment ago
                    recovery.abandonProbe();
                    throw failures.unavailable(null, waiting.get());
                }
                recoveryProbe = true;
            }
            SharedInstance<R> h;
            try {
                h = newHolder(endpoint);
            } catch (Exception e) {
                if (recoveryProbe) {
                    probeClaim.answered(false);
                }
                mine.completeExceptionally(e);
                throw failures.unavailable(e, waiting.get());
            }
            if (recoveryProbe) {
                probeClaim.answered(true);
            }
            mine.complete(h);
            return h;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            creations.compareAndSet(endpoint, mine, null);
        }
    }

    private SharedInstance<R> await(CompletableFuture<SharedInstance<R>> creation, long start, long timeoutNanos) {
        waiting.incrementAndGet();
        try {
            long remaining = start + timeoutNanos - ticker.nanoTime();
            return creation.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw failures.unavailable(recovery.lastError(), waiting.get() - 1);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof ResourceException r && r.getCause() != null ? r.getCause() : e.getCause();
            throw failures.unavailable(cause, waiting.get() - 1);
        } catch (InterruptedException e) {
            throw failures.interrupted(e);
        } finally {
            waiting.decrementAndGet();
        }
    }

    private SharedInstance<R> newHolder(int endpoint) throws Exception {
        R instance = create(endpoint);
        long now = ticker.nanoTime();
        SharedInstance<R> h = new SharedInstance<>(instance, endpoint, lifetimeDeadline(now), keepaliveDeadline(now));
        live.add(h);
        if (!accepting()) {
            retire(h, EvictionReason.CLOSE);
            throw failures.draining(0);
        }
        SharedInstance<R> previous = current.getAndSet(endpoint, h);
        if (previous != null) {
            retire(previous, EvictionReason.SHRINK);
        }
        return h;
    }

    void release(SharedLease<R> lease, boolean invalidated) {
        long held = hitClock.nanoTime() - lease.acquiredAt;
        if (watched != null) {
            watched.remove(lease);
        }
        if (lease.leakReported) {
            Log.LOG.log(INFO, () -> "NEBULA-0302 Lease on '" + name + "' reported as leaked came back after "
                    + Log.human(held));
            listeners.onLeakReturned(name, lease.ctx, held);
        }
        listeners.onRelease(name, lease.ctx, held, invalidated);
        if (invalidated) {
            retire(lease.holder, EvictionReason.FATAL);
        }
        leases.decrement();
        unuse(lease.holder);
        if (bounded) {
            permits.release();
        }
        Thread d = drainer;
        if (d != null) {
            LockSupport.unpark(d);
        }
    }

    void unuse(SharedInstance<R> h) {
        if (h.users.decrementAndGet() == 0 && h.retired) {
            destroyHolder(h);
        }
    }

    /** New leases stop getting this instance; it is destroyed once its last lease is back. */
    void retire(SharedInstance<R> h, EvictionReason reason) {
        if (h.retired) {
            return;
        }
        h.retired = true;
        current.compareAndSet(h.endpoint, h, null);
        listeners.onEviction(name, reason);
        if (h.users.get() == 0) {
            destroyHolder(h);
        }
    }

    private void destroyHolder(SharedInstance<R> h) {
        if (h.destroyed.compareAndSet(false, true)) {
            destroy(h.instance);
            live.remove(h);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    void warmUp() {
        if (config.warmup() != WarmUp.EAGER) {
            return;
        }
        for (int e = 0; e < current.length() && !recovery.failing(); e++) {
            try {
                createOrAwait(e, ticker.nanoTime(), config.acquireTimeout().toNanos());
            } catch (ResourceException x) {
                // reported by create(); the housekeeper's probe takes over after the backoff
            }
        }
    }

    @Override
    void abandon(int endpoint) {
        SharedInstance<R> h = current.get(endpoint);
        if (h != null) {
            retire(h, EvictionReason.ENDPOINT_DOWN); // destroyed when its last lease comes back
        }
    }

    @Override
    void probe(int endpoint) {
        try {
            createOrAwait(endpoint, ticker.nanoTime(), config.acquireTimeout().toNanos(), true);
        } catch (ResourceException x) {
            // reported by create(): the endpoint stays DOWN and its next probe is scheduled
        }
    }

    @Override
    void housekeep(long now) {
        housekeeping.round(now);
    }

    @Override
    boolean keepsInstances() {
        return housekeeping.keepsInstances();
    }

    @Override
    void refill(long now) {
        housekeeping.refill(now);
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
        acquireTimeoutChanged(timeout, live.stream().map(h -> h.instance).toList());
    }

    @Override
    public HealthStatus check(CheckDepth depth) {
        return housekeeping.check(depth);
    }

    @Override
    void drainInstances(long graceNanos) {
        drainer = Thread.currentThread();
        try {
            if (bounded) {
                permits.release(Integer.MAX_VALUE / 2); // wake every waiter; each sees the drain and leaves
            }
            long deadline = ticker.nanoTime() + graceNanos;
            while (leases.sum() > 0 && deadline - ticker.nanoTime() > 0) {
                LockSupport.parkNanos(this, Math.min(deadline - ticker.nanoTime(), 10_000_000L));
            }
            int out = leases.intValue();
            if (out > 0) {
                Log.LOG.log(WARNING, () -> "NEBULA-0601 Resource '" + name + "' drained with " + out
                        + " lease(s) still out after " + Log.human(graceNanos) + " ("
                        + settings.keyOf(PoolConfig.DRAIN_GRACE) + "); the shared instance was destroyed");
            }
            for (SharedInstance<R> h : live) {
                retire(h, EvictionReason.CLOSE);
                destroyHolder(h); // forced: leases still out now throw on get()
            }
        } finally {
            drainer = null;
        }
    }

    @Override
    public PoolSnapshot snapshot() {
        int size = live.size();
        int active = leases.intValue();
        return new PoolSnapshot(size, active, active == 0 ? size : 0, waiting.get(), config.minSize(),
                config.maxSize());
    }

    @Override
    int liveInstances() {
        return live.size();
    }

    @Override
    int inUse() {
        return leases.intValue();
    }

    @Override
    public String toString() {
        return "ResourcePool[" + name + ", " + provider.kind() + (bounded ? ", bounded, " : ", resident, ") + state()
                + ", " + snapshot() + "]";
    }
}
