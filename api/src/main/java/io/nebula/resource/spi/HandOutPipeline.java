package io.nebula.resource.spi;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The resource's acquisition pipeline (tracing, metering, quarantine, circuit breaker, retry, timeout, bulkhead) as a
 * provider sees it, for an instance that hands out something of its own: a JDBC data source's
 * {@code getConnection()}. See {@link ResourceProvider#handOutThrough}.
 */
public interface HandOutPipeline {

    /** Runs nothing through anything: an instance outside any pipeline hands out directly. */
    HandOutPipeline DIRECT = new HandOutPipeline() {
        @Override
        public <T> Gate<T> around(Callable<T> handOut) {
            return handOut::call;
        }
    };

    /**
     * {@code handOut} behind the pipeline, for the scopes of whoever calls it (tenant, workflow, execution, action).
     * Made once per instance; each {@link Gate#get()} is one acquisition.
     */
    <T> Gate<T> around(Callable<T> handOut);

    /**
     * {@code handOut} behind the pipeline, told at each attempt how long it may take: what is left of the
     * acquisition's budget ({@code pool.acquire-timeout}) once earlier attempts and the retry's waits are taken
     * off. A hand-out that waits itself (a JDBC pool waiting for a free connection) must not wait longer, or the
     * caller waits past the budget. The default tells it nothing ({@code null}): it keeps its own timeout.
     */
    default <T> Gate<T> bounded(Bounded<T> handOut) {
        return around(() -> handOut.handOut(null));
    }

    /** A hand-out behind the pipeline. */
    @FunctionalInterface
    interface Gate<T> {
        /**
         * Runs the hand-out through the pipeline. A refusal of the pipeline (circuit open, quarantined, bulkhead
         * full, an attempt past its timeout, retries exhausted) is thrown as the {@code io.nebula.resource.ResourceException}
         * it is; the hand-out's own exception, when it failed for good, as it was thrown.
         */
        T get() throws Exception;
    }

    /** One attempt of a hand-out that is told its bound. */
    @FunctionalInterface
    interface Bounded<T> {
        /**
         * @param within how long this attempt may take at most; {@code null} when the whole budget is left (the
         *               first attempt) or nothing bounds it, so that the hand-out's own timeout applies
         */
        T handOut(Duration within) throws Exception;
    }
}
