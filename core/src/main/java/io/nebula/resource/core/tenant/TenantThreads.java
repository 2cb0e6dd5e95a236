package io.nebula.resource.core.tenant;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The one daemon thread that closes idle tenant pools, unless a builder was given a scheduler of its own. */
final class TenantThreads {

    private TenantThreads() {
    }

    static ScheduledExecutorService scheduler() {
        return Holder.SCHEDULER;
    }

    private static final class Holder {
        static final ScheduledExecutorService SCHEDULER = newScheduler();

        private static ScheduledExecutorService newScheduler() {
            ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "nebula-tenant-housekeeper");
                t.setDaemon(true);
                return t;
            });
            s.setRemoveOnCancelPolicy(true);
            return s;
        }
    }
}
