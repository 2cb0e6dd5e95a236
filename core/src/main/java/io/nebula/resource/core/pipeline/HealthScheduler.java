package io.nebula.resource.core.pipeline;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.System.Logger.Level.WARNING;

/**
 * Runs the scheduled health checks of one application's resources: two daemon threads, so one slow backend
 * delays the others' checks by at most one check. A check that throws is logged and runs again next time.
 */
public final class HealthScheduler implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HealthScheduler.class.getName());

    private final ScheduledThreadPoolExecutor executor;

    /** The scheduler of pools built without one: made on first use, its threads are daemons. */
    static HealthScheduler shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final HealthScheduler INSTANCE = new HealthScheduler();
    }

    public HealthScheduler() {
        AtomicInteger n = new AtomicInteger();
        executor = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "nebula-health-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Runs {@code check} every {@code interval}, the first time after one interval. */
    public Future<?> every(Duration interval, String resource, Runnable check) {
        long nanos = interval.toNanos();
        return executor.scheduleWithFixedDelay(() -> {
            try {
                check.run();
            } catch (RuntimeException | Error e) {
                // never let an exception cancel the periodic task: that would silently end the resource's checks
                LOG.log(WARNING, "NEBULA-3204 The scheduled health check of resource '" + resource + "' failed to run", e);
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
