package io.nebula.resource.core.pipeline;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.history.AnomalyListener;
import io.nebula.resource.core.history.HistoryClock;
import io.nebula.resource.core.history.PoolHistory;
import io.nebula.resource.core.telemetry.PoolLog;
import io.nebula.resource.core.telemetry.PoolTelemetry;
import io.nebula.resource.core.telemetry.PoolView;
import io.nebula.resource.core.telemetry.Redactor;
import io.nebula.resource.history.HistoryBucket;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The metering stage feeding a pool's history, as {@code AcquisitionPipeline} assembles it: pool hits are counted
 * by the meter alone and reach the history's buckets from it; waits and failures are the history's own.
 */
class MeteringHistoryTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final AcquisitionMeter meter = new AcquisitionMeter(null);
    private final HistoryClock buckets = new HistoryClock(clock::get, HistoryClock.BUCKET, Instant.EPOCH);
    private final PoolHistory history = new PoolHistory("ledger", null, buckets, () -> null, AnomalyListener.NONE,
            meter::hitsAll);

    private Acquisition<String> pipeline(Acquisition<String> innermost) {
        PoolView view = new PoolView("ledger", "fake", null, () -> null, HealthStatus::up, null, meter, Redactor.NONE,
                new io.nebula.resource.core.ConnectionPools());
        return new MeteringStage<>(innermost, meter, clock::get, clock::get, PoolTelemetry.NONE, new PoolLog(view),
                (ctx, e) -> { }, new AcquisitionHealth(null), history);
    }

    private HistoryBucket last(int back) {
        List<HistoryBucket> b = history.history().buckets();
        return b.get(b.size() - 1 - back);
    }

    @Test
    void hitsCountedByTheMeterFillTheBucketsTheyWereIn() throws Exception {
        Acquisition<String> hit = pipeline((timeout, ctx) -> "lease");
        Acquisition<String> slow = pipeline((timeout, ctx) -> {
            clock.addAndGet(8 * MS);
            return "lease";
        });
        Acquisition<String> failing = pipeline((timeout, ctx) -> {
            throw new IllegalStateException("down");
        });

        for (int i = 0; i < 5; i++) {
            hit.acquire(null, ResourceContext.GLOBAL);
        }
        slow.acquire(null, ResourceContext.GLOBAL);
        clock.addAndGet(HistoryClock.BUCKET.toNanos());
        for (int i = 0; i < 3; i++) {
            hit.acquire(null, ResourceContext.GLOBAL);
        }
        assertThatThrownBy(() -> failing.acquire(null, ResourceContext.GLOBAL)).isInstanceOf(IllegalStateException.class);

        assertThat(last(1).acquisitions()).as("5 hits and 1 wait").isEqualTo(6);
        assertThat(last(1).p99Millis()).isGreaterThan(7);
        assertThat(last(0).acquisitions()).as("3 hits and 1 failure, the bucket still filling").isEqualTo(4);
        assertThat(last(0).errors()).isEqualTo(Map.of("IllegalStateException", 1L));
    }
}
