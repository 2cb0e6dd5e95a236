package io.nebula.resource.provider.jdbc;

import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.nebula.resource.spi.ConnectionEvents;
import io.nebula.resource.spi.ConnectionPoolFigures;

import java.sql.Connection;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One JDBC resource's connections as telemetry reads them ({@link JdbcProvider#connectionPool}): the counts of
 * {@link PoolCounts}, the sizes of Agroal's live configuration, the waits that ran out ({@link #timedOut}), and, only
 * while a telemetry backend listens, the durations of each connection's creation, wait and use.
 *
 * <p>With no listener a hand-out reads one volatile field here and no clock. With one, {@link PooledDataSource}
 * reads the clock around Agroal's {@code getConnection()} (the wait), and Agroal's acquire and return events
 * ({@link AgroalEvents}) read it once each and keep the time of acquisition per connection in a map (the use), so a
 * hit costs four clock reads, a map put and remove, and two calls to the listener.
 *
 * <p>The connections the pool opens before anyone listens ({@code pool.min-size}, opened as the resource starts)
 * are timed all the same, and their creations told to the first listener.
 */
final class ConnectionFigures implements ConnectionPoolFigures {

    /** At most this many creations are kept for the first listener (a pool's initial fill is its min-size). */
    private static final int EARLY = 64;

    private final PoolCounts counts;
    private final Supplier<AgroalConnectionPoolConfiguration> configuration;
    private final LongAdder timeouts = new LongAdder();
    private final ThreadLocal<long[]> creating = ThreadLocal.withInitial(() -> new long[1]);
    private final Map<Connection, Long> acquiredAt = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Creations timed before anyone listened; dropped at the first {@link #listen}. Guarded by {@link #lock}. */
    private long[] early = new long[0];
    private boolean heard;
    private volatile ConnectionEvents events;

    ConnectionFigures(PoolCounts counts, Supplier<AgroalConnectionPoolConfiguration> configuration) {
        this.counts = counts;
        this.configuration = configuration;
    }

    /** The listener, or {@code null}: read by the hit path before it reads a clock. */
    ConnectionEvents events() {
        return events;
    }

    // --- Agroal's events, through AgroalEvents //

    void beforeCreation() {
        creating.get()[0] = System.nanoTime();
    }

    void created() {
        long nanos = System.nanoTime() - creating.get()[0];
        ConnectionEvents e = events;
        if (e != null) {
            e.created(nanos);
            return;
        }
        lock.lock();
        try {
            if (events != null) {
                events.created(nanos);
            } else if (!heard && early.length < EARLY) {
                early = Arrays.copyOf(early, early.length + 1);
                early[early.length - 1] = nanos;
            }
        } finally {
            lock.unlock();
        }
    }

    void acquired(Connection connection) {
        if (events != null) {
            acquiredAt.put(connection, System.nanoTime());
        }
    }

    void returned(Connection connection) {
        ConnectionEvents e = events;
        if (e != null) {
            Long at = acquiredAt.remove(connection);
            if (at != null) {
                e.used(System.nanoTime() - at);
            }
        }
    }

    /** A caller gave up waiting for a free connection: Agroal's acquisition timeout. */
    void timedOut() {
        timeouts.increment();
    }

    // --- what telemetry reads //

    @Override
    public long idle() {
        return counts.availableCount();
    }

    @Override
    public long used() {
        return counts.activeCount();
    }

    @Override
    public long pending() {
        return counts.awaitingCount();
    }

    /** Agroal keeps {@code pool.min-size} connections open, idle or not: its only idle minimum. */
    @Override
    public int minIdle() {
        return configuration.get().minSize();
    }

    /** Agroal has no idle maximum: every connection up to {@code pool.max-size} may be idle. */
    @Override
    public int maxIdle() {
        return configuration.get().maxSize();
    }

    @Override
    public int max() {
        return configuration.get().maxSize();
    }

    @Override
    public long timeouts() {
        return timeouts.sum();
    }

    @Override
    public void listen(ConnectionEvents listener) {
        long[] told;
        lock.lock();
        try {
            events = listener;
            if (listener == null) {
                acquiredAt.clear(); // a connection out now is not timed when it comes back
                return;
            }
            told = heard ? new long[0] : early;
            heard = true;
            early = null;
            for (long nanos : told) {
                listener.created(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "ConnectionFigures[idle=" + idle() + ", used=" + used() + ", pending=" + pending() + ", max=" + max()
                + ", timeouts=" + timeouts() + "]";
    }
}
