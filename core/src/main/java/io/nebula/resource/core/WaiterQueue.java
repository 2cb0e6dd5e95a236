package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.InstanceState;

import java.lang.invoke.MethodHandles;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static io.nebula.resource.InstanceState.EVICTED;
import static io.nebula.resource.InstanceState.IDLE;

/**
 * The acquirers of a {@link PooledResourcePool} that found nothing idle in a full pool, and the hand-off of
 * instances to them. An acquirer first watches for a return for a few dozen spins and yields
 * ({@link #spinThenAwait}), then queues a {@link Waiter} (FIFO) and parks. A releaser hands its instance
 * straight to the longest parked waiter ({@link #serveOldest}); instances that become idle otherwise
 * (created, validated) are pushed and then handed to waiters by {@link #serve}. Both sides publish first
 * and look at the other side second (the releaser pushes then looks for waiters; the waiter queues then
 * looks for idle instances), so an instance and a waiter cannot miss each other.
 *
 * <p>Only the slow path comes here: a release with nobody waiting reads the pool's {@code waiting} count
 * and nothing else of this class.
 */
final class WaiterQueue<R> {

    /** How many times a full pool is looked at again before the acquirer queues and parks; see spinThenAwait. */
    private static final int SPINS = 64;

    static {
        // VirtualThreads and Waiter, the slow path's classes with a static initializer, are initialised with this one:
        // when the first pool is built, not by the first acquirers to find a pool dry. Those may be thousands of
        // virtual threads at once, and one that waits for another thread's class initialisation pins its carrier,
        // even on JDK 25 (jdk.VirtualThreadPinned: "Waited for initialization of ...VirtualThreads by another thread").
        try {
            MethodHandles.lookup().ensureInitialized(VirtualThreads.class);
            MethodHandles.lookup().ensureInitialized(Waiter.class);
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e); // same package: cannot happen
        }
    }

    private final PooledResourcePool<R> pool;
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    /** The pool's count of unresolved waiters, shared with it so a release reads it without coming here. */
    private final AtomicInteger waiting;

    WaiterQueue(PooledResourcePool<R> pool, AtomicInteger waiting) {
        this.pool = pool;
        this.waiting = waiting;
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
    Slot<R> spinThenAwait(long start, long timeoutNanos) {
        if (pool.total.get() >= pool.config.maxSize() && !pool.recovery.failing() && !VirtualThreads.current()) {
            for (int i = 0; i < SPINS && pool.accepting(); i++) {
                if (i < SPINS / 4) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // let the holder run: on a machine with fewer cores than threads it may be waiting for one
                }
                Slot<R> s = pool.pollIdle(start);
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
        serve();
        if (!pool.accepting() && leave(w)) {
            throw pool.failures.draining(waiting.get()); // the drain began after our check and may have failed waiters already
        }
        boolean probe = pool.creations.ensureCapacity();
        if (pool.recovery.failing() && !probe && leave(w)) {
            // The backend is down and someone else is (or nobody is yet allowed to be) probing it:
            // say so now rather than after the full timeout.
            throw pool.failures.unavailable(null, waiting.get());
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
            long remaining = deadline - pool.ticker.nanoTime();
            if (remaining <= 0) {
                if (leave(w)) {
                    throw pool.recovery.failing()
                            ? pool.failures.unavailable(null, waiting.get())
                            : pool.failures.exhausted(timeoutNanos, waiting.get());
                }
                continue; // an outcome arrived just in time
            }
            LockSupport.parkNanos(pool, remaining);
            if (Thread.interrupted()) {
                interrupted = true;
                if (leave(w)) {
                    throw pool.failures.interrupted(new InterruptedException());
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
     * Resolves a waiter. {@code waiting} counts unresolved waiters only, so it drops here, not when
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
        throw pool.failures.failure(f.reason(), f.cause(), timeoutNanos, waiting.get());
    }

    /** Hands idle slots to queued waiters, oldest first, while both are there. */
    void serve() {
        while (waiting.get() > 0 && waiters.peek() != null) {
            Slot<R> s = pool.pollIdle(pool.ticker.nanoTime());
            if (s == null) {
                return;
            }
            handOff(s);
        }
    }

    /**
     * Gives a slot the caller owns to the longest waiter: the slot stays as it is, only its holder changes.
     *
     * @return {@code false} when no waiter took it
     */
    boolean serveOldest(Slot<R> s) {
        for (Waiter w; (w = waiters.poll()) != null; ) {
            if (resolve(w, s)) {
                return true;
            }
        }
        return false;
    }

    /** Gives a slot the caller owns ({@code IN_USE} or {@code VALIDATING}) to the longest waiter, or back to idle. */
    void handOff(Slot<R> s) {
        if (serveOldest(s)) {
            return;
        }
        InstanceState from = s.state();
        if (from != EVICTED && s.cas(from, IDLE)) {
            pool.changed(from, IDLE);
            pool.idle.returned(s);
        }
    }

    /** Turns every queued waiter away with {@code f}. */
    void failAll(Waiter.Failure f) {
        for (Waiter w; (w = waiters.poll()) != null; ) {
            resolve(w, f);
        }
    }

    /**
     * A creation failed. Waiters are told at once when nothing will come back to serve them (no lease
     * out) or when the provider says retrying cannot help; otherwise they may still get a returned instance.
     */
    void creationFailed(Exception error) {
        if (pool.health != null && pool.health.anyUp()) {
            return; // its endpoint went DOWN; the creations that follow go to the others and serve the waiters
        }
        if (waiting.get() > 0 && (!pool.recovery.lastRetryable() || pool.inUse() == 0)) {
            failAll(new Waiter.Failure(Reason.BACKEND_UNAVAILABLE, error));
        }
    }
}
