package io.nebula.resource.core;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every pool shares unless its builder was given its own: one housekeeping scheduler
 * (the housekeeper's work is short; creation and destruction I/O never runs on it) and an elastic set
 * of creator threads that idle out. All are daemons, so a forgotten pool never keeps a JVM alive.
 */
final class PoolThreads {

    private PoolThreads() {
    }

    static ScheduledExecutorService scheduler() {
        return SchedulerHolder.SCHEDULER;
    }

    static Executor creator() {
        return CreatorHolder.CREATOR;
    }

    private static final class SchedulerHolder {
        static final ScheduledExecutorService SCHEDULER = newScheduler();

        private static ScheduledExecutorService newScheduler() {
            ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemons("nebula-housekeeper"));
            s.setRemoveOnCancelPolicy(true);
            return s;
        }
    }

    private static final class CreatorHolder {
        static final Executor CREATOR = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemons("nebula-create"));
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
