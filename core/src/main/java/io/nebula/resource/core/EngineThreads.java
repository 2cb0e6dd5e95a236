package io.nebula.resource.core;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The engine's threads, one set per JVM, shared by every pool, tenant pool, health check and credential watch that
 * was not given threads of its own: one <em>timer</em> that only decides when something runs (housekeeping rounds,
 * refills, health checks, credential re-reads, closing idle tenant pools) and an elastic set of <em>workers</em> that
 * run what may block on a backend (creating and destroying instances, a check against a slow server, reading a secret
 * store). A check that hangs on a dead server thus holds one worker, never the timer every other pool depends on.
 * All are daemons, so a forgotten pool never keeps a JVM alive; idle workers end after 30 s.
 *
 * <p>Besides these, the engine owns only the {@linkplain Ticker#coarse() coarse clock}'s thread.
 */
public final class EngineThreads {

    private EngineThreads() {
    }

    /** The timer. What runs on it must be short and never wait on a backend: hand such work to {@link #workers()}. */
    public static ScheduledExecutorService timer() {
        return TimerHolder.TIMER;
    }

    /** The workers: a thread per concurrent task, made on demand, ended after 30 s idle. */
    public static Executor workers() {
        return WorkerHolder.WORKERS;
    }

    /**
     * Runs {@code task} on the workers every {@code interval} (the first time after one interval), timed by
     * {@code timer}; a run still going when the next is due makes that one skip, so a slow task never piles up. A task
     * that throws is passed to {@code failed} and runs again next time: an exception never ends the schedule.
     */
    public static ScheduledFuture<?> every(ScheduledExecutorService timer, Duration interval, Runnable task,
                                           Consumer<Throwable> failed) {
        AtomicBoolean running = new AtomicBoolean();
        Runnable run = () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                failed.accept(e);
            } finally {
                running.set(false);
            }
        };
        long nanos = interval.toNanos();
        return timer.scheduleWithFixedDelay(() -> {
            if (running.compareAndSet(false, true)) {
                try {
                    workers().execute(run);
                } catch (RuntimeException e) { // rejected: no thread could be made; try again next time
                    running.set(false);
                    failed.accept(e);
                }
            }
        }, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    private static final class TimerHolder {
        static final ScheduledExecutorService TIMER = newTimer();

        private static ScheduledExecutorService newTimer() {
            ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemons("nebula-timer"));
            s.setRemoveOnCancelPolicy(true); // a closed pool's cancelled tasks leave the queue at once
            return s;
        }
    }

    private static final class WorkerHolder {
        static final Executor WORKERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemons("nebula-worker"));
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
