package io.nebula.resource.core.pipeline;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The places of one pool's bulkhead ({@code bulkhead.max-concurrent}, {@code bulkhead.queue}), with SmallRye Fault
 * Tolerance 6.11's semantics on the synchronous path, which it replaces, and resizable while calls are under way:
 * <ul>
 *   <li>a caller is admitted while fewer than {@code max-concurrent + queue} callers are inside (running or
 *       waiting), else refused at once ({@link #enter} answers {@code false}): SmallRye's capacity semaphore;</li>
 *   <li>an admitted caller runs at once while fewer than {@code max-concurrent} run and nobody waits before it, else
 *       waits (interruptibly: the attempt's timeout interrupts it) for a running call to end, woken in the order
 *       they began waiting: SmallRye's work semaphore with synchronous queueing. Without a queue nobody
 *       ever waits.</li>
 * </ul>
 * Why not two {@link java.util.concurrent.Semaphore}s, as SmallRye: a semaphore's permits are its only count, so
 * a smaller limit could be taken back only by acquiring permits in flight (or by {@code reducePermits}, which leaves
 * the count negative and the next release at odds with a later raise). Here the counts of callers running and
 * inside are kept apart from the limits, which {@link #resize} replaces as one value: a raise admits waiting
 * callers at once (they are woken), a cut lets the calls under way finish and admits nobody new until fewer than the
 * new limit run. A call always leaves the bulkhead it entered, so no count is ever lost.
 *
 * <p>Lock-free on the way in and out while nobody waits (two compare-and-sets each way); the lock and its condition
 * are only for callers that wait, and for waking them.
 */
final class Bulkhead {

    /** The limits in force, replaced as one so a caller never reads a new limit with an old queue. */
    record Limits(int maxConcurrent, int queue) {
        /** How many callers may be inside; no bound with {@code max-concurrent} 0, the bulkhead switched off. */
        int capacity() {
            return maxConcurrent == 0 ? Integer.MAX_VALUE : maxConcurrent + queue; // sum checked by the constructor
        }

        /** How many callers may run; no bound with {@code max-concurrent} 0. */
        int running() {
            return maxConcurrent == 0 ? Integer.MAX_VALUE : maxConcurrent;
        }
    }

    private volatile Limits limits;
    private final AtomicInteger inside = new AtomicInteger(); // running or waiting
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock(); // a condition wakes its longest waiting caller first
    private final Condition place = lock.newCondition();

    Bulkhead(int maxConcurrent, int queue) {
        this.limits = check(maxConcurrent, queue);
    }

    private static Limits check(int maxConcurrent, int queue) {
        if (maxConcurrent < 0 || queue < 0 || (long) maxConcurrent + queue > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bulkhead limits must be 0 or more, were " + maxConcurrent + " and "
                    + queue);
        }
        return new Limits(maxConcurrent, queue);
    }

    Limits limits() {
        return limits;
    }

    /**
     * New limits, for the calls that come from now on; the calls under way keep their places and leave as ever.
     * Waiting callers are woken to look again at once: a raise lets them run. {@code maxConcurrent} 0 switches the
     * bulkhead off: the pipelines are assembled without it, and an acquisition still going through it (it began
     * before) waits no longer and is refused no more.
     */
    void resize(int maxConcurrent, int queue) {
        limits = check(maxConcurrent, queue);
        wakeAll();
    }

    /**
     * Takes a place, waiting for one in the queue when the bulkhead is full and the queue has room.
     *
     * @return {@code false} when neither a running place nor a waiting one is free: the caller is refused
     * @throws InterruptedException while waiting; the caller holds no place then
     */
    boolean enter() throws InterruptedException {
        if (!admit()) {
            return false;
        }
        if (waiting.get() == 0 && tryRun()) { // nobody waits before this caller: the common case, no lock
            return true;
        }
        waiting.incrementAndGet(); // before looking again: a leaving call that missed this caller's place wakes it
        try {
            lock.lockInterruptibly();
            try {
                while (!tryRun()) {
                    place.await();
                }
            } finally {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            inside.decrementAndGet();
            wakeOne(); // the signal this caller may have taken as it was interrupted goes to the next one
            throw e;
        } finally {
            waiting.decrementAndGet();
        }
        return true;
    }

    /** Leaves the place taken by {@link #enter}, waking the next waiting caller if any. */
    void leave() {
        running.decrementAndGet();
        inside.decrementAndGet();
        if (waiting.get() > 0) { // read after the decrement: a caller that began waiting before it is woken
            wakeOne();
        }
    }

    /** Callers running now (more than the limit for a while after a cut). */
    int running() {
        return running.get();
    }

    /** Callers waiting for a place now. */
    int waiting() {
        return waiting.get();
    }

    private boolean admit() {
        for (;;) {
            int now = inside.get();
            if (now >= limits.capacity()) {
                return false;
            }
            if (inside.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private boolean tryRun() {
        for (;;) {
            int now = running.get();
            if (now >= limits.running()) {
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private void wakeOne() {
        lock.lock();
        try {
            place.signal();
        } finally {
            lock.unlock();
        }
    }

    private void wakeAll() {
        lock.lock();
        try {
            place.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
