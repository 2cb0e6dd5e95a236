package io.nebula.resource.core.pipeline;

import io.nebula.resource.core.EngineThreads;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.System.Logger.Level.WARNING;

/**
 * Runs the scheduled health checks and circuit probes of one application's resources on the
 * {@linkplain EngineThreads engine's threads}: the timer times them, a worker runs each, so a check that waits on a
 * slow backend holds one worker and delays no other resource's check. A check still running when it is due again
 * skips that turn. A check that throws is logged and runs again next time. Closing it ends every task it runs.
 */
public final class HealthScheduler implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HealthScheduler.class.getName());

    private volatile boolean closed;

    /** The scheduler of pools built without one: never closed. */
    static HealthScheduler shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final HealthScheduler INSTANCE = new HealthScheduler();
    }

    /** Runs {@code check} every {@code interval}, the first time after one interval. */
    public Future<?> every(Duration interval, String resource, Runnable check) {
        AtomicReference<Future<?>> self = new AtomicReference<>();
        Future<?> task = EngineThreads.every(EngineThreads.timer(), interval, () -> {
            if (closed) { // the application stopped: the task leaves the timer at its next turn
                Future<?> f = self.get();
                if (f != null) {
                    f.cancel(false);
                }
                return;
            }
            check.run();
        }, e -> LOG.log(WARNING, "NEBULA-3204 The scheduled health check of resource '" + resource + "' failed to run", e));
        self.set(task);
        return task;
    }

    @Override
    public void close() {
        closed = true;
    }
}
