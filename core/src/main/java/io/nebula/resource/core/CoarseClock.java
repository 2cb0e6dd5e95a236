package io.nebula.resource.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The system clock read without a system call, to within about a millisecond: one daemon thread stores
 * {@link System#nanoTime()} every millisecond while pools read it, and parks when nobody has read it for
 * about a second (the next read then reads the system clock itself and wakes it).
 *
 * <p>Why: on the virtual machines pools run on, {@code System.nanoTime()} costs 25–30 ns (a paravirtual
 * clock read through the vDSO), and a pool hit needs the time on both sides — is the instance idle past the
 * validation bypass window, past its lifetime; when was it returned, when was the lease taken. Two reads
 * were two thirds of the whole cycle. Every one of those uses is a window of hundreds of milliseconds or
 * more, so a millisecond is precision enough; a reading lags the truth by up to one tick (more on a
 * saturated machine, where the clock thread waits for a core like everything else), which errs on the side
 * of an instance looking idle for slightly less time than it was.
 *
 * <p>Used only for the hit path of pools on the system ticker; waits, timeouts and creation times are still
 * measured with the precise clock, and a pool built with another {@link Ticker} (a test's) reads that one.
 */
final class CoarseClock implements Ticker {

    static final CoarseClock INSTANCE = new CoarseClock();

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Ticks without a read after which the thread parks: about a second. */
    private static final int IDLE_TICKS = 1024;

    private volatile long now = System.nanoTime();
    private volatile boolean ticking;
    /** Set by readers, cleared by the clock thread once per {@link #IDLE_TICKS}: a reader writes it about once a second. */
    private volatile boolean read;
    /**
     * Guards {@link #thread} and the switch of {@link #ticking} between a waking reader and the parking clock
     * thread. A lock, not a monitor: the reader may be a virtual thread, and one that blocks on a monitor pins
     * its carrier on JDK &lt; 24; a {@code java.util.concurrent} lock unmounts it instead. Taken about once a
     * second at most (when the clock stops or starts), never on a read of a ticking clock.
     */
    private final ReentrantLock lock = new ReentrantLock();
    private Thread thread;

    private CoarseClock() {
    }

    @Override
    public long nanoTime() {
        if (!ticking) {
            return wake();
        }
        if (!read) {
            read = true;
        }
        return now;
    }

    private long wake() {
        long t = System.nanoTime();
        lock.lock();
        try {
            if (!ticking) {
                now = t;
                read = true;
                ticking = true;
                if (thread == null) {
                    thread = new Thread(this::tick, "nebula-coarse-clock");
                    thread.setDaemon(true); // never what keeps a JVM alive
                    thread.start();
                } else {
                    LockSupport.unpark(thread);
                }
            }
        } finally {
            lock.unlock();
        }
        return t;
    }

    private void tick() {
        for (int n = 1; ; n++) {
            LockSupport.parkNanos(this, TICK_NANOS);
            now = System.nanoTime();
            if (n % IDLE_TICKS == 0) {
                if (!read && park()) {
                    continue;
                }
                read = false;
            }
        }
    }

    /** Nobody read the clock for a second: stop ticking until a reader wakes it. @return true once woken */
    private boolean park() {
        lock.lock();
        try {
            if (read) {
                return false; // a read came in meanwhile
            }
            ticking = false;
        } finally {
            lock.unlock();
        }
        while (!ticking) {
            LockSupport.park(this);
        }
        now = System.nanoTime();
        return true;
    }
}
