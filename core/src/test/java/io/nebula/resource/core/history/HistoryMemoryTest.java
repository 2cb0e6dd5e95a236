package io.nebula.resource.core.history;

import io.nebula.resource.PoolSnapshot;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the history of 10,000 tenant pools costs, measured: the heap in use after a full collection with them held,
 * less the heap in use after one without them, over 10,000. Idle: pools that never served. Busy: every bucket of the
 * hour filled (acquisitions, latencies, utilization, waiters; errors in one bucket in 60), plus the bucket being
 * filled. A full collection ({@code System.gc()}, honoured by G1 unless {@code -XX:+DisableExplicitGC}) leaves only
 * what is reachable, so the difference is what the pools retain; the figures vary by a few bytes a pool from run to
 * run, far below the bounds asserted.
 */
class HistoryMemoryTest {

    private static final int POOLS = 10_000;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AtomicLong now = new AtomicLong(0);
    private final HistoryClock clock = new HistoryClock(now::get, HistoryClock.BUCKET, Instant.parse("2026-12-05T12:00:00Z"));
    private final PoolSnapshot snapshot = new PoolSnapshot(10, 6, 4, 2, 0, 10);

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) { // the lowest of a few: a collection may leave a little for the next
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The pools' tenants and snapshot supplier are the pools' own, made before: not counted. */
    private List<PoolHistory> pools(List<String> tenants, java.util.function.Supplier<PoolSnapshot> snapshots) {
        List<PoolHistory> pools = new ArrayList<>(POOLS);
        for (String tenant : tenants) {
            pools.add(new PoolHistory("ledger", tenant, clock, snapshots, AnomalyListener.NONE));
        }
        return pools;
    }

    @Test
    void tenThousandPoolsCostAFewHundredBytesIdleAndUnderTwelveKilobytesBusy() {
        List<String> tenants = new ArrayList<>(POOLS);
        for (int i = 0; i < POOLS; i++) {
            tenants.add("tenant-" + i);
        }
        java.util.function.Supplier<PoolSnapshot> snapshots = () -> snapshot;
        List<PoolHistory> pools = new ArrayList<>(POOLS);
        long before = usedAfterGc();
        pools.addAll(pools(tenants, snapshots));
        long idle = (usedAfterGc() - before) / POOLS;

        IllegalStateException failure = new IllegalStateException("down");
        for (int b = 0; b <= HistoryClock.BUCKETS; b++) {
            for (PoolHistory p : pools) {
                p.hit(now.get());
                p.waited(now.get(), 3 * MS);
                p.waited(now.get(), 40 * MS);
                if (b % 60 == 0) {
                    p.failed(now.get(), 2 * MS, failure);
                }
            }
            now.addAndGet(HistoryClock.BUCKET.toNanos());
        }
        long busy = (usedAfterGc() - before) / POOLS;

        System.out.printf("history of %,d pools: %,d bytes a pool idle, %,d bytes a pool busy%n", POOLS, idle, busy);
        assertThat(pools.get(POOLS - 1).history().buckets().get(HistoryClock.BUCKETS - 3).acquisitions())
                .as("the hour is filled").isEqualTo(3);
        assertThat(idle).as("bytes a pool that never served").isLessThan(200);
        assertThat(busy).as("bytes a pool with a full hour").isLessThan(12_000);
    }
}
