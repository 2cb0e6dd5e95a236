package io.nebula.resource.core.history;

import io.nebula.resource.core.Ticker;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The time axis every pool's history shares: buckets of one length, numbered from this clock's origin, so the buckets
 * of a resource's tenant pools line up and can be added together. Bucket numbers are ints: 2^31 buckets of 10 s is
 * 680 years.
 */
public final class HistoryClock {

    /** The length of a bucket: 10 s. */
    public static final Duration BUCKET = Duration.ofSeconds(10);
    /** Buckets kept: an hour of 10 s buckets. */
    public static final int BUCKETS = 360;
    /**
     * TEST ONLY, not a configuration key: a system property giving a shorter bucket length in milliseconds, so a
     * container test sees buckets close within a second. Never set it in production: the anomaly rule's minimum
     * sample is per bucket.
     */
    public static final String TEST_BUCKET_MILLIS = "nebula.history.test-bucket-millis";

    /** Whether pools keep their history and their anomalies are judged. */
    public static final String ENABLED = "nebula.history.enabled";
    public static final boolean ENABLED_BY_DEFAULT = true;
    /** {@link #ENABLED}, described for docs/configuration.md (a full key: it belongs to no resource). */
    public static final io.nebula.resource.spi.ConfigKey DEFINITION = io.nebula.resource.spi.ConfigKey.bool(ENABLED,
            ENABLED_BY_DEFAULT, "false: no pool keeps its last hour (ManagedResource.history() shows empty buckets) and"
                    + " no anomaly is flagged; the metering stage feeds no history (docs/operations.md).");

    private final Ticker ticker;
    private final long bucketNanos;
    private final long originNanos;
    private final Instant origin;

    /**
     * @param ticker   the clock whose readings the pools pass in (the system's, or a test's)
     * @param bucket   the length of a bucket
     * @param wallNow  the wall-clock time at {@code ticker}'s present reading, to date the buckets
     */
    public HistoryClock(Ticker ticker, Duration bucket, Instant wallNow) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.bucketNanos = bucket.toNanos();
        if (bucketNanos <= 0) {
            throw new IllegalArgumentException("bucket must be positive: " + bucket);
        }
        this.originNanos = ticker.nanoTime();
        this.origin = wallNow;
    }

    /** The system clock, with 10 s buckets (or the test-only length of {@value #TEST_BUCKET_MILLIS}). */
    public static HistoryClock system() {
        String test = System.getProperty(TEST_BUCKET_MILLIS);
        Duration bucket = test == null || test.isBlank() ? BUCKET : Duration.ofMillis(Long.parseLong(test.trim()));
        return new HistoryClock(Ticker.SYSTEM, bucket, Instant.now());
    }

    public Duration bucketLength() {
        return Duration.ofNanos(bucketNanos);
    }

    long nanoTime() {
        return ticker.nanoTime();
    }

    /** The bucket that holds {@code nanos}, a reading of the ticker. */
    int bucketOf(long nanos) {
        return (int) Math.floorDiv(nanos - originNanos, bucketNanos);
    }

    /** When bucket {@code n} ends, as a reading of the ticker. */
    long endOf(int n) {
        return originNanos + (n + 1L) * bucketNanos;
    }

    /** When bucket {@code n} began, on the wall clock. */
    Instant startOf(int n) {
        return origin.plusNanos(n * bucketNanos);
    }
}
