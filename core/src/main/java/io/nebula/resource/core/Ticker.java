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
}
