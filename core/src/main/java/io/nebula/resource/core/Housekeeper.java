package io.nebula.resource.core;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

/**
 * When one pool's housekeeping runs: a round every {@code pool.housekeeping-interval} from the pool's start until
 * its drain, each after a look at the clock (one that went back rebases the pool's timestamps, a round that came
 * late is logged), and a refill soon after a failed creation while the pool wants instances. What a round does is
 * the topology's ({@link AbstractPool#housekeep(long)}: {@code PooledHousekeeping}, {@code SharedHousekeeping}).
 * An exception from a round is logged and never ends the schedule.
 */
final class Housekeeper {

    private final AbstractPool<?> pool;
    private final ScheduledExecutorService scheduler;
    private volatile ScheduledFuture<?> rounds;
    /** When the last round began; written by the pool's start, then by the rounds. */
    private long lastRound;

    Housekeeper(AbstractPool<?> pool, ScheduledExecutorService scheduler) {
        this.pool = pool;
        this.scheduler = scheduler;
    }

    /** Schedules the rounds: at the pool's start. */
    void start() {
        long interval = pool.config.housekeepingInterval().toNanos();
        lastRound = pool.ticker.nanoTime();
        try {
            rounds = scheduler.scheduleWithFixedDelay(this::roundSafely, interval, interval, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            Log.LOG.log(ERROR, "NEBULA-0002 Resource '" + pool.name + "' could not schedule its housekeeping", e);
        }
    }

    /** Ends the rounds: at the pool's drain. */
    void stop() {
        ScheduledFuture<?> r = rounds;
        if (r != null) {
            r.cancel(false);
        }
    }

    /** Runs one round now, after the clock check; the scheduler calls this, tests with a fake ticker too. */
    void round() {
        long now = pool.ticker.nanoTime();
        long interval = pool.config.housekeepingInterval().toNanos();
        long elapsed = now - lastRound;
        lastRound = now;
        if (elapsed < -TimeUnit.MILLISECONDS.toNanos(128)) {
            // The clock went backwards: every "idle since" and "expires at" is now in the future. Shift them
            // back by the jump so idle timeouts, lifetimes and backoff keep their meaning instead of
            // freezing until the clock catches up (or, measured the other way, all expiring at once).
            long delta = -elapsed;
            Log.LOG.log(WARNING, () -> "NEBULA-0401 Clock of resource '" + pool.name + "' went back by "
                    + Log.human(delta) + "; timestamps rebased");
            pool.rebase(delta);
            pool.recovery.rebase(delta);
            if (pool.health != null) {
                pool.health.rebase(delta);
            }
        } else if (elapsed > interval + interval / 2) {
            Log.LOG.log(WARNING, () -> "NEBULA-0402 Housekeeping of resource '" + pool.name + "' ran "
                    + Log.human(elapsed) + " after the previous round instead of " + Log.human(interval)
                    + " (thread starvation or a clock leap)");
        }
        if (pool.accepting()) {
            pool.housekeep(now);
            pool.probeEndpoints(now);
        }
    }

    private void roundSafely() {
        try {
            round();
        } catch (RuntimeException | Error e) {
            // Never let an exception cancel the periodic task: that would silently end all housekeeping.
            Log.LOG.log(ERROR, "NEBULA-0403 Housekeeping of resource '" + pool.name + "' failed", e);
        }
    }

    /** Refills the pool (or probes its failing backend) in {@code delayNanos}, outside the rounds. */
    void refillIn(long delayNanos) {
        try {
            scheduler.schedule(this::refillSafely, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: nothing left to refill
        }
    }

    private void refillSafely() {
        try {
            if (pool.accepting()) {
                long now = pool.ticker.nanoTime();
                pool.refill(now);
                pool.probeEndpoints(now);
            }
        } catch (RuntimeException | Error e) {
            Log.LOG.log(ERROR, "NEBULA-0403 Housekeeping of resource '" + pool.name + "' failed", e);
        }
    }
}
