package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSourceListener;
import io.agroal.api.AgroalDataSourceMetrics;

import java.sql.Connection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of one resource's Agroal pool, kept from Agroal's listener events, so that Agroal's own metrics
 * can stay off. {@link JdbcProvider#check} needs the active and available connections to tell an exhausted
 * pool (degraded) from a dead database (down), and Agroal counts them only with its metrics on, which then
 * also time every acquisition: two clock reads and four shared counters on every {@code getConnection()},
 * which cost Agroal itself more than half its speed on a pool hit (benchmark {@code AgroalSettingCost}).
 *
 * <p>On a hit this costs two uncontended {@link LongAdder} increments (one on acquisition, one on return) and
 * a read of a field that is zero unless some thread waits. Everything else (creations, removals, leaks) is
 * counted off the hit path. The counts are Agroal's except where noted:
 * <ul>
 *   <li>{@link #activeCount}: acquired minus given back;</li>
 *   <li>{@link #availableCount}: connections in the pool (pooled and not yet invalidated, reaped, flushed or
 *       destroyed, each connection removed once however many of those events it gets) minus the active ones;</li>
 *   <li>{@link #awaitingCount}: threads waiting in {@code getConnection()} for a connection to be given back or
 *       created;</li>
 *   <li>no durations ({@code creationTime*}, {@code blockingTime*}: zero) and no {@code heldCount}: they need
 *       the clock on every acquisition, or transactions this provider does not enlist. {@code agroal.metrics=true}
 *       turns Agroal's own metrics on for those.</li>
 * </ul>
 */
final class PoolCounts implements AgroalDataSourceListener, AgroalDataSourceMetrics {

    private final LongAdder acquired = new LongAdder();
    private final LongAdder returned = new LongAdder();
    private final Set<Connection> pooled = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final LongAccumulator maxUsed = new LongAccumulator(Long::max, 0);
    private final LongAdder created = new LongAdder();
    private final LongAdder leaks = new LongAdder();
    private final LongAdder invalid = new LongAdder();
    private final LongAdder flushed = new LongAdder();
    private final LongAdder reaped = new LongAdder();
    private final LongAdder destroyed = new LongAdder();
    /** Threads that waited and have not got a connection nor failed yet; read on every acquisition, written by waiters only. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final ThreadLocal<Boolean> waits = new ThreadLocal<>();

    // --- the events //

    @Override
    public void onConnectionAcquire(Connection connection) {
        acquired.increment();
        if (waiting.get() != 0) {
            waited();
        }
    }

    @Override
    public void beforeConnectionReturn(Connection connection) {
        returned.increment();
    }

    /** Agroal is about to wait for a connection to come back or be created (never on a hit). */
    @Override
    public void beforePoolBlock(long timeout) {
        if (waits.get() == null) {
            waits.set(Boolean.TRUE);
            waiting.incrementAndGet();
        }
    }

    /** The current thread's acquisition ended, with a connection or an error: it waits no more. */
    void waited() {
        if (waits.get() != null) {
            waits.remove();
            waiting.decrementAndGet();
        }
    }

    @Override
    public void onConnectionCreation(Connection connection) {
        created.increment();
    }

    @Override
    public void onConnectionPooled(Connection connection) {
        pooled.add(connection);
        maxUsed.accumulate(pooled.size());
    }

    @Override
    public void onConnectionLeak(Connection connection, Thread thread) {
        leaks.increment();
    }

    @Override
    public void onConnectionInvalid(Connection connection) {
        invalid.increment();
        pooled.remove(connection);
    }

    @Override
    public void onConnectionFlush(Connection connection) {
        flushed.increment();
        pooled.remove(connection);
    }

    @Override
    public void onConnectionReap(Connection connection) {
        reaped.increment();
        pooled.remove(connection);
    }

    @Override
    public void onConnectionDestroy(Connection connection) {
        destroyed.increment();
        pooled.remove(connection);
    }

    // --- the metrics //

    @Override
    public long activeCount() {
        long back = returned.sum(); // read first: a return is never counted before its acquisition
        return Math.max(0, acquired.sum() - back);
    }

    @Override
    public long availableCount() {
        return Math.max(0, pooled.size() - activeCount());
    }

    @Override
    public long awaitingCount() {
        return Math.max(0, waiting.get());
    }

    @Override
    public long maxUsedCount() {
        return maxUsed.get();
    }

    @Override
    public long acquireCount() {
        return acquired.sum();
    }

    @Override
    public long creationCount() {
        return created.sum();
    }

    @Override
    public long leakDetectionCount() {
        return leaks.sum();
    }

    @Override
    public long invalidCount() {
        return invalid.sum();
    }

    @Override
    public long flushCount() {
        return flushed.sum();
    }

    @Override
    public long reapCount() {
        return reaped.sum();
    }

    @Override
    public long destroyCount() {
        return destroyed.sum();
    }

    @Override
    public String toString() {
        return "PoolCounts[active=" + activeCount() + ", available=" + availableCount() + ", awaiting="
                + awaitingCount() + "]";
    }
}
