package io.nebula.resource.core;

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
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>A lease is a counted reference to a {@link Holder}. Replacing an instance (an invalidated lease;
 * for a bounded instance also its max lifetime or a failed check) retires its holder: new leases get a
 * new instance, and the old one is destroyed when its last lease comes back. A failed check never
 * retires a resident instance: resident clients (an Agroal pool, a Lettuce or NATS connection) heal
 * themselves when the backend returns, and applications hold them directly (an injected
 * {@code DataSource}), so closing one would break its holders for good. The failed check reports DOWN
 * and moves the resource to FAILED until a check passes again. The first acquirer to find no instance creates it;
 * the others wait on that creation rather than starting their own.
 */
final class SharedResourcePool<R> extends AbstractPool<R> {

    /** One shared instance and the leases on it. */
    static final class Holder<R> {
        final R instance;
        final int endpoint;
        final long createdAt;
        long expiresAt;
        long nextKeepalive;
        final AtomicInteger users = new AtomicInteger();
        private volatile boolean retired;
        private final AtomicBoolean destroyed = new AtomicBoolean();

        Holder(R instance, int endpoint, long createdAt, long expiresAt, long nextKeepalive) {
            this.instance = instance;
            this.endpoint = endpoint;
            this.createdAt = createdAt;
            this.expiresAt = expiresAt;
            this.nextKeepalive = nextKeepalive;
        }

        boolean destroyed() {
            return destroyed.get();
        }
    }

    /** A fair semaphore whose size can shrink as well as grow. */
    private static final class Permits extends Semaphore {
        private static final long serialVersionUID = 1L;

        Permits(int permits) {
            super(permits, true);
        }

        void shrink(int by) {
            reducePermits(by);
        }
    }

    private final boolean bounded;
    private final AtomicReferenceArray<Holder<R>> current;
    private final AtomicReferenceArray<CompletableFuture<Holder<R>>> creations;
    private final Set<Holder<R>> live = ConcurrentHashMap.newKeySet();
    private final int[] schedule;
    private final AtomicLong cursor = new AtomicLong();
    private final Permits permits;
    /** Open leases; a LongAdder since every lease counts in and out on whatever thread, and it is read rarely. */
    private final LongAdder leases = new LongAdder();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Set<SharedLease<R>> watched; // open leases, only when leak detection is on
    private final long leakThresholdNanos;
    private final boolean mortal;
    private final boolean keepalive;
    private volatile Thread drainer;

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
            int e = schedule.length == 1 ? schedule[0]
                    : schedule[(int) Math.floorMod(cursor.getAndIncrement(), (long) schedule.length)];
            // A bounded lease always takes the slow path: its permits are fair, and only a timed tryAcquire
            // honours their order.
            Holder<R> h = bounded ? null : present(e);
            if (h == null) {
                start = ticker.nanoTime();
                slow = true;
                long timeoutNanos = timeoutNanos(timeout);
                if (bounded) {
                    permit = takePermit(timeoutNanos);
                }
                h = holder(e, start, timeoutNanos);
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

    /** The endpoint's instance with one more user, if it is there and not retired; else {@code null}. */
    private Holder<R> present(int endpoint) {
        Holder<R> h = current.get(endpoint);
        return h != null && use(h) ? h : null;
    }

    /** Counts one more user of {@code h}; {@code false} (and uncounted) when it was retired meanwhile. */
    private boolean use(Holder<R> h) {
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
                throw exhausted(timeoutNanos, waiting.get() - 1);
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        } finally {
            waiting.decrementAndGet();
        }
        if (!accepting()) {
            permits.release();
            throw draining(0);
        }
        return true;
    }

    /** The current instance of an endpoint with one more user counted; creates it when there is none. */
    private Holder<R> holder(int endpoint, long start, long timeoutNanos) {
        for (;;) {
            Holder<R> h = current.get(endpoint);
            if (h == null) {
                h = createOrAwait(endpoint, start, timeoutNanos);
            }
            if (use(h)) {
                return h;
            }
            // retired meanwhile; take the next one
        }
    }

    private Holder<R> createOrAwait(int endpoint, long start, long timeoutNanos) {
        CompletableFuture<Holder<R>> mine = new CompletableFuture<>();
        CompletableFuture<Holder<R>> theirs = creations.compareAndExchange(endpoint, null, mine);
        if (theirs != null) {
            return await(theirs, start, timeoutNanos);
        }
        try {
            Holder<R> existing = current.get(endpoint);
            if (existing != null) {
                mine.complete(existing);
                return existing;
            }
            if (recovery.failing() && !recovery.tryBeginProbe(ticker.nanoTime())) {
                throw unavailable(null, timeoutNanos, waiting.get());
            }
            Holder<R> h;
            try {
                h = newHolder(endpoint);
            } catch (Exception e) {
                mine.completeExceptionally(e);
                throw unavailable(e, timeoutNanos, waiting.get());
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

    private Holder<R> await(CompletableFuture<Holder<R>> creation, long start, long timeoutNanos) {
        waiting.incrementAndGet();
        try {
            long remaining = start + timeoutNanos - ticker.nanoTime();
            return creation.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw unavailable(recovery.lastError(), timeoutNanos, waiting.get() - 1);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof ResourceException r && r.getCause() != null ? r.getCause() : e.getCause();
            throw unavailable(cause, timeoutNanos, waiting.get() - 1);
        } catch (InterruptedException e) {
            throw interrupted(e);
        } finally {
            waiting.decrementAndGet();
        }
    }

    private Holder<R> newHolder(int endpoint) throws Exception {
        R instance = create(endpoint);
        long now = ticker.nanoTime();
        Holder<R> h = new Holder<>(instance, endpoint, now, lifetimeDeadline(now), keepaliveDeadline(now));
        live.add(h);
        if (!accepting()) {
            retire(h, EvictionReason.CLOSE);
            throw draining(0);
        }
        Holder<R> previous = current.getAndSet(endpoint, h);
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

    private void unuse(Holder<R> h) {
        if (h.users.decrementAndGet() == 0 && h.retired) {
            destroyHolder(h);
        }
    }

    /** New leases stop getting this instance; it is destroyed once its last lease is back. */
    private void retire(Holder<R> h, EvictionReason reason) {
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

    private void destroyHolder(Holder<R> h) {
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
    void housekeep(long now) {
        for (Holder<R> h : live) {
            if (h.retired) {
                continue;
            }
            if (mortal && now - h.expiresAt >= 0) {
                retire(h, EvictionReason.MAX_LIFETIME);
            } else if (keepalive && now - h.nextKeepalive >= 0) {
                h.nextKeepalive = keepaliveDeadline(now);
                io(() -> keepAlive(h));
            }
        }
        if (watched != null) {
            for (SharedLease<R> lease : watched) {
                long held = now - lease.acquiredAt;
                if (!lease.leakReported && held > leakThresholdNanos) {
                    lease.leakReported = true;
                    Log.LOG.log(WARNING, "NEBULA-0301 Lease on '" + name + "' held for " + Log.human(held)
                            + ", longer than " + settings.keyOf(PoolConfig.LEAK_THRESHOLD) + " ("
                            + config.leakThreshold() + "); possible leak, acquired at:", lease.acquiredTrace);
                    listeners.onLeak(name, lease.ctx, held, lease.acquiredTrace);
                }
            }
        }
        // Keep the shared instances there when a minimum is configured, and probe a failing backend.
        boolean wanted = config.minSize() > 0 || config.warmup() == WarmUp.EAGER || recovery.failing();
        for (int e = 0; e < current.length(); e++) {
            if (wanted && current.get(e) == null && creations.get(e) == null
                    && (!recovery.failing() || recovery.nanosUntilNextAttempt(now) == 0)) {
                int endpoint = e;
                io(() -> {
                    try {
                        createOrAwait(endpoint, ticker.nanoTime(), config.acquireTimeout().toNanos());
                    } catch (ResourceException x) {
                        // reported by create()
                    }
                });
            }
        }
    }

    private void keepAlive(Holder<R> h) {
        HealthStatus status = checkQuietly(h.instance, CheckDepth.SHALLOW);
        boolean valid = status.status() != HealthStatus.Status.DOWN;
        listeners.onValidation(name, valid);
        if (!valid) {
            if (bounded) {
                retire(h, EvictionReason.INVALID);
            }
            observed(status);
        }
    }

    private HealthStatus checkQuietly(R instance, CheckDepth depth) {
        try {
            HealthStatus h = provider.check(instance, depth);
            return h != null ? h : HealthStatus.down("provider returned no status");
        } catch (RuntimeException e) {
            return HealthStatus.down(e);
        }
    }

    @Override
    void rebase(long delta) {
        for (Holder<R> h : live) {
            h.expiresAt -= delta;
            h.nextKeepalive -= delta;
        }
    }

    @Override
    public void resize(int minSize, int maxSize) {
        PoolConfig previous = config;
        config = previous.toBuilder().minSize(minSize).maxSize(maxSize).build(settings::keyOf);
        if (bounded) {
            int delta = maxSize - previous.maxSize();
            if (delta > 0) {
                permits.release(delta);
            } else if (delta < 0) {
                permits.shrink(-delta); // leases out now finish normally; the cap applies as they return
            }
        }
        Log.LOG.log(INFO, () -> "NEBULA-0701 Resource '" + name + "' resized to min " + minSize + ", max " + maxSize);
    }

    @Override
    public HealthStatus check(CheckDepth depth) {
        if (!startedAndAccepting()) {
            return HealthStatus.down("resource '" + name + "' is " + state());
        }
        HealthStatus worst = null;
        for (int e = 0; e < current.length(); e++) {
            HealthStatus h;
            try {
                Holder<R> holder = holder(e, ticker.nanoTime(), config.acquireTimeout().toNanos());
                try {
                    h = checkQuietly(holder.instance, depth);
                    listeners.onValidation(name, h.status() != HealthStatus.Status.DOWN);
                    if (h.status() == HealthStatus.Status.DOWN && bounded) {
                        retire(holder, EvictionReason.INVALID);
                    }
                } finally {
                    unuse(holder);
                }
            } catch (ResourceException x) {
                h = HealthStatus.down(x.getCause() != null ? x.getCause() : x);
            }
            if (!endpoints.isEmpty()) {
                h = h.withDetail("endpoint", endpoints.get(e).name());
            }
            worst = worst == null || h.status().ordinal() > worst.status().ordinal() ? h : worst;
        }
        PoolSnapshot p = snapshot();
        return observed(worst.withDetail("leases", p.active()).withDetail("instances", p.size()));
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
            for (Holder<R> h : live) {
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
