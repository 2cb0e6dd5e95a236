package io.nebula.resource.core.tenant;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A tenant's {@code tenant.quota.max-acquisitions-per-second}: a token bucket of {@code rate} tokens refilled
 * at {@code rate} per second, kept as one timestamp (the generic cell rate algorithm): the moment the bucket
 * would be full again. Taking a token moves it one interval later; a take that would move it more than a
 * second past now is refused. Lock-free, and a bucket that is full costs nothing to keep.
 */
final class AcquisitionRate {

    private static final long SECOND = 1_000_000_000L;

    private final int rate;
    private final long interval;
    private final long burst;
    private final AtomicLong fullAt;

    AcquisitionRate(int rate, long now) {
        if (rate < 1) {
            throw new IllegalArgumentException("rate must be at least 1, was " + rate);
        }
        this.rate = rate;
        this.interval = SECOND / rate;
        this.burst = SECOND - interval; // how far ahead of now the bucket may be emptied: rate - 1 intervals
        this.fullAt = new AtomicLong(now);
    }

    int rate() {
        return rate;
    }

    /** Takes a token if one is left at {@code now}. */
    boolean tryTake(long now) {
        for (;;) {
            long full = fullAt.get();
            long from = Math.max(full, now);
            if (from - now > burst) {
                return false;
            }
            if (fullAt.compareAndSet(full, from + interval)) {
                return true;
            }
        }
    }

    /** Whether every token is back at {@code now}, so forgetting this bucket changes nothing. */
    boolean isFull(long now) {
        return fullAt.get() - now <= 0;
    }
}
