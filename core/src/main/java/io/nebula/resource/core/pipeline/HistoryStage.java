package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.Ticker;
import io.nebula.resource.core.history.PoolHistory;

import java.time.Duration;

/**
 * Adds each acquisition to the pool's {@link PoolHistory}: timed as the metering stage times it (a hit on the hit
 * clock, anything slower up to the precise clock), with no lock and no allocation on a hit. In the pipeline only with
 * {@code nebula.history.enabled} (the default).
 */
final class HistoryStage<T> implements Stage<T> {

    private final Acquisition<T> next;
    private final PoolHistory history;
    private final Ticker hitClock;
    private final Ticker ticker;

    HistoryStage(Acquisition<T> next, PoolHistory history, Ticker hitClock, Ticker ticker) {
        this.next = next;
        this.history = history;
        this.hitClock = hitClock;
        this.ticker = ticker;
    }

    @Override
    public Acquisition<T> next() {
        return next;
    }

    @Override
    public String toString() {
        return "history";
    }

    @Override
    public T acquire(Duration timeout, ResourceContext ctx) throws Exception {
        long start = hitClock.nanoTime();
        T acquired;
        try {
            acquired = next.acquire(timeout, ctx);
        } catch (Throwable e) {
            long end = ticker.nanoTime();
            history.failed(end, end - start, e);
            throw Stages.rethrow(e);
        }
        long end = hitClock.nanoTime();
        if (end == start) {
            history.hit(end);
        } else {
            long precise = ticker.nanoTime();
            history.waited(precise, precise - start);
        }
        return acquired;
    }
}
