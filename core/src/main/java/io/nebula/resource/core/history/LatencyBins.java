package io.nebula.resource.core.history;

/**
 * A log-linear histogram layout of acquisition times, in microseconds: values under 4 µs have a bin each, and every
 * power of two above is split in four equal bins (4–5, 5–6, 6–7, 7–8 µs; 8–10, 10–12, ...), up to 2^30 µs (about 18
 * minutes). A percentile is reported as the middle of its bin, so it is within 12.5% of the true value (half a bin of
 * a quarter octave), or 0.5 µs below 4 µs. A bucket's histogram is {@value #COUNT} counters, whatever the traffic.
 */
final class LatencyBins {

    private static final int SUB_BITS = 2;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_EXPONENT = 30;
    static final int COUNT = SUB * MAX_EXPONENT;

    private LatencyBins() {
    }

    static int of(long nanos) {
        long micros = nanos / 1_000;
        if (micros < SUB) {
            return (int) Math.max(0, micros);
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros); // >= SUB_BITS
        int sub = (int) (micros >>> (exponent - SUB_BITS)) & (SUB - 1);
        return Math.min(COUNT - 1, SUB * (exponent - SUB_BITS + 1) + sub);
    }

    /** The lowest value of {@code bin}, in microseconds. */
    static double lowerMicros(int bin) {
        if (bin < SUB) {
            return bin;
        }
        int exponent = bin / SUB + SUB_BITS - 1;
        int sub = bin % SUB;
        return (double) ((SUB + sub) * (1L << (exponent - SUB_BITS)));
    }

    /** The middle of {@code bin}, in milliseconds. */
    static double middleMillis(int bin) {
        return (lowerMicros(bin) + lowerMicros(bin + 1)) / 2 / 1_000;
    }

    /**
     * The nearest-rank {@code quantile} of {@code zeros} acquisitions under one tick (counted as 0 ms) and of
     * {@code bins}, in milliseconds; 0 when there are none.
     */
    static double quantileMillis(double quantile, long zeros, long[] bins) {
        long n = zeros;
        for (long b : bins) {
            n += b;
        }
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * n));
        if (rank <= zeros) {
            return 0;
        }
        long seen = zeros;
        for (int b = 0; b < bins.length; b++) {
            seen += bins[b];
            if (seen >= rank) {
                return middleMillis(b);
            }
        }
        return middleMillis(bins.length - 1);
    }
}
