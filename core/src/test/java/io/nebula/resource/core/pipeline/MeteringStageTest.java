package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.telemetry.PoolLog;
import io.nebula.resource.core.telemetry.PoolTelemetry;
import io.nebula.resource.core.telemetry.PoolView;
import io.nebula.resource.core.telemetry.Redactor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the metering stage times an acquisition: a hit on the coarse clock, which may lag the system clock when its
 * thread waits for a core; anything slower up to the precise clock, so a lagging tick cannot make it look shorter.
 */
class MeteringStageTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final AcquisitionTimeoutException EXHAUSTED = new AcquisitionTimeoutException("ledger",
            AcquisitionTimeoutException.Reason.POOL_EXHAUSTED, 1, "exhausted", null);

    private final AcquisitionMeter meter = new AcquisitionMeter(null);
    private final AtomicLong precise = new AtomicLong(1_000 * MS);
    /** The coarse clock: what its thread stored at its last tick. */
    private final AtomicLong coarse = new AtomicLong(precise.get());

    private MeteringStage<String> stage(Acquisition<String> next) {
        PoolView view = new PoolView("ledger", "fake", null, () -> null, HealthStatus::up, null, meter, Redactor.NONE,
                new io.nebula.resource.core.ConnectionPools());
        return new MeteringStage<>(next, meter, coarse::get, precise::get, PoolTelemetry.NONE, new PoolLog(view),
                (ctx, e) -> { }, new AcquisitionHealth(null), null); // no pool, no history: not what these tests look at
    }

    /** Takes 20 ms of the system clock; the coarse clock's thread ticked 15 ms in, then got no core. */
    private void twentyMillisecondsWithALaggingTick() {
        coarse.addAndGet(15 * MS);
        precise.addAndGet(20 * MS);
    }

    private Duration p99() {
        return AcquisitionMeter.upperBound(meter.totals(precise.get()).bucketAt(0.99));
    }

    @Test
    void aFailedAcquisitionIsTimedInFullWhenTheCoarseClockLags() {
        MeteringStage<String> stage = stage((timeout, ctx) -> {
            twentyMillisecondsWithALaggingTick();
            throw EXHAUSTED;
        });

        assertThatThrownBy(() -> stage.acquire(Duration.ofMillis(20), ResourceContext.GLOBAL)).isSameAs(EXHAUSTED);
        assertThat(p99()).as("20 ms, in the bucket up to 32 ms").isEqualTo(Duration.ofMillis(32));
    }

    @Test
    void aSlowAcquisitionIsTimedInFullWhenTheCoarseClockLags() throws Exception {
        MeteringStage<String> stage = stage((timeout, ctx) -> {
            twentyMillisecondsWithALaggingTick();
            return "lease";
        });

        assertThat(stage.acquire(Duration.ofMillis(50), ResourceContext.GLOBAL)).isEqualTo("lease");
        assertThat(p99()).as("20 ms, in the bucket up to 32 ms").isEqualTo(Duration.ofMillis(32));
    }

    @Test
    void anAcquisitionWithinOneTickIsAHit() throws Exception {
        MeteringStage<String> stage = stage((timeout, ctx) -> {
            precise.addAndGet(MS / 2);
            return "lease";
        });

        stage.acquire(Duration.ofMillis(50), ResourceContext.GLOBAL);
        AcquisitionMeter.Totals t = meter.totals(precise.get());
        assertThat(t.hits()).isEqualTo(1);
        assertThat(t.acquisitions()).isEqualTo(1);
    }
}
