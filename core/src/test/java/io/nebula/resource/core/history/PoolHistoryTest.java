package io.nebula.resource.core.history;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.history.Anomaly;
import io.nebula.resource.history.HistoryBucket;
import io.nebula.resource.history.ResourceHistory;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A pool's history on a fake clock: buckets, percentiles, the ring, and the anomaly rule. */
class PoolHistoryTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long BUCKET = HistoryClock.BUCKET.toNanos();

    private final AtomicLong now = new AtomicLong(5_000 * MS);
    private final HistoryClock clock = new HistoryClock(now::get, HistoryClock.BUCKET, Instant.parse("2026-12-05T12:00:00Z"));
    private final AtomicReference<PoolSnapshot> snapshot = new AtomicReference<>(new PoolSnapshot(4, 1, 3, 0, 0, 10));
    private final List<String> heard = new ArrayList<>();
    private final PoolHistory history = new PoolHistory("ledger", null, clock, snapshot::get, new AnomalyListener() {
        @Override
        public void flagged(Anomaly a) {
            heard.add("flagged " + a.signal());
        }

        @Override
        public void cleared(Anomaly a) {
            heard.add("cleared " + a.signal());
        }
    });

    private void nextBucket() {
        now.addAndGet(BUCKET);
    }

    private List<HistoryBucket> buckets() {
        return history.history().buckets();
    }

    private HistoryBucket last(int back) {
        List<HistoryBucket> b = buckets();
        return b.get(b.size() - 1 - back);
    }

    /** {@code n} acquisitions of {@code millis} each, then a bucket later. */
    private void bucketOf(int n, double millis, int failures) {
        for (int i = 0; i < n; i++) {
            if (i < failures) {
                history.failed(now.get(), (long) (millis * MS), new AcquisitionTimeoutException("ledger",
                        AcquisitionTimeoutException.Reason.POOL_EXHAUSTED, 1, "exhausted", null));
            } else {
                history.waited(now.get(), (long) (millis * MS));
            }
        }
        nextBucket();
        history.closeEnded(now.get()); // as the next acquisition, or a read, would
    }

    @Test
    void anHourOfBucketsEndsWithTheOneBeingFilled() {
        history.hit(now.get());
        history.hit(now.get());
        nextBucket();
        history.waited(now.get(), 3 * MS);

        ResourceHistory h = history.history();
        assertThat(h.buckets()).hasSize(360);
        assertThat(h.bucketLength()).isEqualTo(HistoryClock.BUCKET);
        assertThat(last(0).acquisitions()).isEqualTo(1);
        assertThat(last(1).acquisitions()).as("the previous bucket, compacted").isEqualTo(2);
        assertThat(last(1).p99Millis()).as("hits count as 0 ms").isZero();
        assertThat(last(0).start()).isEqualTo(last(1).start().plus(HistoryClock.BUCKET));
        assertThat(last(2).acquisitions()).isZero();
    }

    @Test
    void percentilesAreWithinAnEighthOfTheTruth() {
        // 1..1000 ms, one each: p50 = 500 ms, p99 = 990 ms
        for (int ms = 1; ms <= 1000; ms++) {
            history.waited(now.get(), ms * MS);
        }
        HistoryBucket filling = last(0);
        assertThat(filling.p50Millis()).isCloseTo(500, within(500 * 0.125));
        assertThat(filling.p99Millis()).isCloseTo(990, within(990 * 0.125));
        nextBucket();
        assertThat(last(1).p50Millis()).as("compacted the same").isEqualTo((float) filling.p50Millis());
        assertThat(last(1).p99Millis()).isEqualTo((float) filling.p99Millis());
    }

    @Test
    void everyBinReportsWithinAnEighthOfItsValues() {
        for (long micros = 4; micros < 1L << 29; micros = micros * 17 / 16 + 1) {
            int bin = LatencyBins.of(micros * 1_000);
            double reported = LatencyBins.middleMillis(bin) * 1_000;
            assertThat(reported).as(micros + " µs").isCloseTo(micros, within(micros * 0.125));
        }
    }

    @Test
    void theRingWrapsAfterAnHour() {
        history.waited(now.get(), 2 * MS); // bucket 0
        for (int i = 0; i < 359; i++) {
            nextBucket();
        }
        assertThat(buckets().get(0).acquisitions()).as("an hour ago, still there").isEqualTo(1);
        nextBucket();
        history.waited(now.get(), 2 * MS);
        nextBucket();
        history.hit(now.get());
        assertThat(buckets()).hasSize(360).allSatisfy(b -> assertThat(b.start()).isAfter(clock.startOf(0)));
        assertThat(buckets().stream().mapToLong(HistoryBucket::acquisitions).sum())
                .as("the first bucket's acquisition fell out; the two since are kept").isEqualTo(2);
    }

    @Test
    void aBucketFromOverAnHourAgoIsNotShownAgain() {
        history.waited(now.get(), 2 * MS); // bucket 0
        nextBucket();
        history.hit(now.get()); // bucket 1 closes bucket 0 into its slot
        now.addAndGet(400 * BUCKET); // quiet for over an hour: bucket 0's slot is not written again
        history.hit(now.get());
        assertThat(buckets().stream().mapToLong(HistoryBucket::acquisitions).sum())
                .as("only the one acquisition of now").isEqualTo(1);
    }

    @Test
    void errorsAreCountedByType() {
        history.failed(now.get(), MS, new AcquisitionTimeoutException("ledger",
                AcquisitionTimeoutException.Reason.POOL_EXHAUSTED, 1, "exhausted", null));
        history.failed(now.get(), MS, new IllegalStateException("down"));
        history.failed(now.get(), MS, new IllegalStateException("down"));
        history.hit(now.get());
        nextBucket();

        assertThat(last(1).acquisitions()).isEqualTo(4);
        assertThat(last(1).errors()).containsOnly(
                java.util.Map.entry("AcquisitionTimeoutException", 1L), java.util.Map.entry("IllegalStateException", 2L));
        assertThat(last(1).errorCount()).isEqualTo(3);
    }

    @Test
    void utilizationAndWaitersAreTheBucketsHighest() {
        snapshot.set(new PoolSnapshot(10, 8, 2, 0, 0, 10));
        history.waited(now.get(), 2 * MS);
        snapshot.set(new PoolSnapshot(10, 10, 0, 7, 0, 10));
        history.failed(now.get(), 20 * MS, new IllegalStateException());
        snapshot.set(new PoolSnapshot(10, 3, 7, 0, 0, 10));
        history.waited(now.get(), 2 * MS);
        nextBucket();

        assertThat(last(1).utilization()).isEqualTo(1.0);
        assertThat(last(1).waiters()).isEqualTo(7);
    }

    @Test
    void hitsSampleUtilizationAtMostEveryHundredMilliseconds() {
        snapshot.set(new PoolSnapshot(10, 5, 5, 0, 0, 10));
        history.hit(now.get());
        snapshot.set(new PoolSnapshot(10, 9, 1, 0, 0, 10));
        history.hit(now.get() + MS);
        assertThat(last(0).utilization()).as("not sampled again within 100 ms").isEqualTo(0.5);
        now.addAndGet(100 * MS);
        history.hit(now.get());
        assertThat(last(0).utilization()).isEqualTo(0.9);
    }

    @Test
    void aPoolThatNeverServedHasNoBuckets() {
        assertThat(buckets()).hasSize(360).allSatisfy(b -> assertThat(b.acquisitions()).isZero());
        assertThat(history.anomalies()).isEmpty();
    }

    private void baseline() {
        for (int i = 0; i < Baseline.MIN_BUCKETS; i++) {
            bucketOf(40, 2 + (i % 2) * 0.5, 0); // 2 to 2.5 ms
        }
    }

    @Test
    void aRiseOfP99IsFlaggedAndClearsOnceBackWithHysteresis() {
        baseline();
        bucketOf(40, 30, 0);
        assertThat(heard).containsExactly("flagged acquisition-p99");
        Anomaly a = history.anomalies().get(0);
        assertThat(a.signal()).isEqualTo("acquisition-p99");
        assertThat(a.baseline()).isBetween(1.9, 2.9);
        assertThat(a.observed()).isGreaterThan(25);
        assertThat(a.reason()).contains("ledger").contains("acquisition p99");

        bucketOf(40, 6, 0); // below the flag level, above the clear level: stays
        assertThat(history.anomalies()).hasSize(1);
        bucketOf(40, 2, 0);
        assertThat(heard).containsExactly("flagged acquisition-p99", "cleared acquisition-p99");
        assertThat(history.anomalies()).isEmpty();
    }

    @Test
    void aSlowFirstBucketDoesNotHideALaterRise() {
        bucketOf(40, 30, 0); // the pool's first connections
        for (int i = 1; i < Baseline.MIN_BUCKETS; i++) {
            bucketOf(40, 2, 0);
        }
        bucketOf(40, 30, 0);
        assertThat(heard).containsExactly("flagged acquisition-p99");
    }

    @Test
    void aRiseOfTheErrorRateIsFlagged() {
        baseline();
        bucketOf(40, 2, 10); // 25% failed
        assertThat(heard).containsExactly("flagged error-rate");
        assertThat(history.anomalies()).extracting(Anomaly::signal).containsExactly("error-rate");
        bucketOf(40, 2, 0);
        assertThat(heard).containsExactly("flagged error-rate", "cleared error-rate");
    }

    @Test
    void nothingIsFlaggedUnderTheMinimumSample() {
        baseline();
        bucketOf(19, 500, 10); // one short of the minimum of 20
        assertThat(history.anomalies()).isEmpty();
        assertThat(heard).isEmpty();
    }

    @Test
    void nothingIsFlaggedBeforeTheBaselineHasItsBuckets() {
        for (int i = 0; i < Baseline.MIN_BUCKETS - 1; i++) {
            bucketOf(40, 2, 0);
        }
        bucketOf(40, 300, 0);
        assertThat(heard).isEmpty();
    }

    @Test
    void aQuietPoolsLastBucketIsJudgedWhenItsAnomaliesAreRead() {
        baseline();
        for (int i = 0; i < 40; i++) {
            history.waited(now.get(), 40 * MS);
        }
        assertThat(heard).isEmpty();
        now.addAndGet(BUCKET);
        assertThat(history.anomalies()).hasSize(1);
    }

    @Test
    void tenantsTogetherAddTheirCounts() {
        PoolHistory other = new PoolHistory("ledger", "acme", clock, snapshot::get, AnomalyListener.NONE);
        history.waited(now.get(), 2 * MS);
        other.waited(now.get(), 8 * MS);
        other.failed(now.get(), 8 * MS, new IllegalStateException());
        ResourceHistory both = PoolHistory.together("ledger", clock, List.of(history, other));
        HistoryBucket b = both.buckets().get(359);
        assertThat(b.acquisitions()).isEqualTo(3);
        assertThat(b.errorCount()).isEqualTo(1);
        assertThat(b.p99Millis()).isCloseTo(8, within(1.0));
    }
}
