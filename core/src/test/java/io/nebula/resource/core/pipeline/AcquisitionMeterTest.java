package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.core.telemetry.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class AcquisitionMeterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final AcquisitionTimeoutException EXHAUSTED = new AcquisitionTimeoutException("ledger",
            AcquisitionTimeoutException.Reason.POOL_EXHAUSTED, 1, "exhausted", null);

    @Test
    void aDurationFallsInThePowerOfTwoMillisecondBucketThatHoldsIt() {
        assertThat(AcquisitionMeter.bucketOf(0)).isZero();
        assertThat(AcquisitionMeter.bucketOf(MS - 1)).as("under one tick: a hit").isZero();
        assertThat(AcquisitionMeter.bucketOf(MS)).isEqualTo(1);
        assertThat(AcquisitionMeter.upperBound(1)).isEqualTo(Duration.ofMillis(2));
        assertThat(AcquisitionMeter.bucketOf(100 * MS)).isEqualTo(7);
        assertThat(AcquisitionMeter.upperBound(7)).isEqualTo(Duration.ofMillis(128));
        assertThat(AcquisitionMeter.bucketOf(Long.MAX_VALUE)).isEqualTo(AcquisitionMeter.BUCKETS - 1);
    }

    @Test
    void theNinetyNinthPercentileIsTheBucketOfTheNearestRank() {
        AcquisitionMeter meter = new AcquisitionMeter(null);
        for (int i = 0; i < 98; i++) {
            meter.hit();
        }
        meter.waited(3 * MS);
        meter.failed(300 * MS, EXHAUSTED);

        AcquisitionMeter.Totals t = meter.totals(0);
        assertThat(t.acquisitions()).isEqualTo(100);
        assertThat(t.failures()).isEqualTo(1);
        assertThat(AcquisitionMeter.upperBound(t.bucketAt(0.99))).as("rank 99 of 100: the 3 ms one").isEqualTo(Duration.ofMillis(4));
        assertThat(meter.count(Outcome.SUCCESS)).isEqualTo(99);
        assertThat(meter.count(Outcome.EXHAUSTED)).isEqualTo(1);
    }

    @Test
    void theRecentWindowForgetsWhatCameBeforeThePreviousMark() {
        AcquisitionMeter meter = new AcquisitionMeter(null);
        long window = TimeUnit.SECONDS.toNanos(AcquisitionMeter.WINDOW_SECONDS);
        meter.failed(MS, EXHAUSTED);
        assertThat(meter.recent(0).acquisitions()).as("first read: everything so far").isEqualTo(1);

        meter.hit();
        assertThat(meter.recent(window / 2).acquisitions()).as("within the first window: everything").isEqualTo(2);
        assertThat(meter.recent(window).acquisitions()).as("the mark moved: what came after the first read")
                .isEqualTo(1);
        assertThat(meter.recent(window).failures()).isZero();
        meter.hit();
        meter.hit();
        assertThat(meter.recent(2 * window).acquisitions()).as("what came after the read that moved the mark")
                .isEqualTo(2);
        assertThat(meter.count(Outcome.SUCCESS)).as("the counters never forget").isEqualTo(3);
        assertThat(meter.count(Outcome.EXHAUSTED)).isEqualTo(1);
    }
}
