package io.nebula.resource.core;

/**
 * The engine's clock: a monotonic nanosecond source. Every timeout, idle time, lifetime, backoff and
 * leak threshold is measured with it, so tests drive time with a fake one instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();

    /** {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    /**
     * {@link #SYSTEM} to within about a millisecond, read without a system call: the clock of a hit path, where a
     * field read instead of a 25–30 ns clock read matters. Same time base as {@link #SYSTEM}.
     */
    static Ticker coarse() {
        return CoarseClock.INSTANCE;
    }
}
