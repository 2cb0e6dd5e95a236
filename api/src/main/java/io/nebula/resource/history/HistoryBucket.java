package io.nebula.resource.history;

import java.time.Instant;
import java.util.Map;

/**
 * One bucket of a {@link ResourceHistory}: what happened between {@code start} and the next bucket's start.
 *
 * @param start        when the bucket began
 * @param acquisitions acquisitions completed, served or failed
 * @param errors       failed acquisitions by the simple name of their exception type
 *                     ({@code AcquisitionTimeoutException}), empty when none failed
 * @param p50Millis    median acquisition time, in milliseconds; 0 when nothing was acquired
 * @param p99Millis    99th percentile acquisition time, in milliseconds; 0 when nothing was acquired
 * @param utilization  the highest share of the pool's maximum leased at once, between 0 and 1
 * @param waiters      the most callers waiting for an instance at once
 */
public record HistoryBucket(Instant start, long acquisitions, Map<String, Long> errors, double p50Millis,
                            double p99Millis, double utilization, int waiters) {

    public HistoryBucket {
        errors = Map.copyOf(errors);
    }

    /** Failed acquisitions of every type. */
    public long errorCount() {
        long n = 0;
        for (long e : errors.values()) {
            n += e;
        }
        return n;
    }
}
