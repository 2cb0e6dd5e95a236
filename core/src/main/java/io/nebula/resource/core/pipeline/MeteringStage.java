package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.Ticker;
import io.nebula.resource.core.history.PoolHistory;
import io.nebula.resource.core.telemetry.PoolLog;
import io.nebula.resource.core.telemetry.PoolTelemetry;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Counts every acquisition by outcome and times it, retries included; a failure is also one structured log
 * record and one call of the pool's failure listener (the extension's CDI event). Each outcome moves the pool's
 * health ({@link AcquisitionHealth}). Always in the pipeline:
 * {@code ResourceStatistics} reads the meter whether or not a telemetry backend is there.
 *
 * <p>Begun on the hit clock, which costs a field read instead of a system call (see {@code Ticker.coarse()}). An
 * acquisition that ends within the tick it began in is a pool hit: one striped increment, nothing else. One that
 * took longer, or failed, goes to the meter's slow path and to the telemetry's duration histogram, timed up to the
 * precise clock: the hit clock lags it when its thread waits for a core, and a lagging end would make a 20 ms
 * wait look like 16 (a lagging start can only make it look longer). A backend that cannot read counts
 * (MicroProfile Metrics) hears hits too.
 *
 * <p>With {@code nebula.history.enabled} the same readings feed the pool's {@link PoolHistory}: a hit tells it only
 * the hit clock's reading (it counts nothing: the bucket's hits are this meter's count), a wait or a failure its
 * precise end and duration. The history is kept here rather than in a stage of its own because a stage would read
 * both clocks again and add a call to every hit: measured at +6–8% on the hit cycle, against
 * under 1% here (docs/benchmarks.md, "History on the hit path").
 */
final class MeteringStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final AcquisitionMeter meter;
    private final Ticker hitClock;
    private final Ticker ticker;
    private final PoolTelemetry telemetry;
    private final PoolLog log;
    private final BiConsumer<ResourceContext, Throwable> failed;
    private final AcquisitionHealth health;
    private final boolean countsEachHit;
    private final PoolHistory history; // null with nebula.history.enabled=false

    /** @param history the pool's last hour, {@code null} when none is kept */
    MeteringStage(Acquisition<T> next, AcquisitionMeter meter, Ticker hitClock, Ticker ticker, PoolTelemetry telemetry,
                  PoolLog log, BiConsumer<ResourceContext, Throwable> failed, AcquisitionHealth health,
                  PoolHistory history) {
        this.next = next;
        this.meter = meter;
        this.hitClock = hitClock;
        this.ticker = ticker;
        this.telemetry = telemetry;
        this.log = log;
        this.failed = failed;
        this.health = health;
        this.countsEachHit = telemetry.countsEachAcquisition();
        this.history = history;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "metering";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        long start = hitClock.nanoTime();
        AcquisitionMeter meter = this.meter.of(ctx.tenant());
        T acquired;
        try {
            acquired = next.acquire(timeout, ctx);
        } catch (Throwable e) {
            long end = ticker.nanoTime();
            long nanos = end - start;
            meter.failed(nanos, e);
            if (history != null) {
                history.failed(end, nanos, e);
            }
            telemetry.acquired(ctx, nanos, e);
            try {
                health.failed(e);
                log.acquisitionFailed(ctx, nanos, e);
                failed.accept(ctx, e);
            } catch (RuntimeException listener) {
                e.addSuppressed(listener); // the caller learns why it failed, not that a listener did too
            }
            throw Stages.rethrow(e);
        }
        health.succeeded();
        if (hitClock.nanoTime() == start) {
            if (history != null) { // first: a bucket rolled here starts from the meter's count before this hit
                history.hit(start);
            }
            meter.hit();
            if (countsEachHit) {
                telemetry.acquired(ctx, 0, null);
            }
        } else {
            long end = ticker.nanoTime();
            long nanos = end - start;
            meter.waited(nanos);
            if (history != null) {
                history.waited(end, nanos);
            }
            telemetry.acquired(ctx, nanos, null);
        }
        return acquired;
    }
}
