package io.nebula.resource.benchmarks;

import io.nebula.resource.Lease;
import io.nebula.resource.benchmarks.nebula.ConnectionProvider;
import io.nebula.resource.benchmarks.nebula.NebulaPools;
import io.nebula.resource.core.ResourcePool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * Suite 3, the pool miss: one real PostgreSQL connection created per measured call, by the driver
 * alone and through Nebula. What a call leaves open is closed after it, outside the measured time,
 * so both sides measure creation only. Single shots, many of them: a creation takes milliseconds and
 * varies with the server, so the mean of a few hundred is what to compare.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(2)
@Warmup(iterations = 50)
@Measurement(iterations = 300)
@State(Scope.Thread)
public class PoolMiss {

    private PostgresTarget postgres;
    private Connection opened;
    private Lease<Connection> leased;

    @Setup(Level.Trial)
    public void target() {
        postgres = new PostgresTarget();
    }

    @TearDown(Level.Invocation)
    public void closeWhatWasOpened() throws SQLException {
        if (opened != null) {
            opened.close();
            opened = null;
        }
    }

    @Benchmark
    public Connection rawDriver() throws SQLException {
        opened = postgres.connect();
        return opened;
    }

    /**
     * The core pool with min 0 and nothing idle: every acquisition creates a connection through the
     * provider. The lease is invalidated after the call (outside the measured time), which destroys
     * the connection, so the next call misses again.
     */
    @Benchmark
    public Lease<Connection> nebulaCore(NebulaCorePool state) {
        leased = state.pool.acquire();
        return leased;
    }

    /**
     * The pool destroys an invalidated instance on its creator thread, not the caller's: wait until it
     * is gone, so that closing one connection never overlaps the creation of the next, as it does not
     * for {@link #rawDriver}.
     */
    @TearDown(Level.Invocation)
    public void invalidateWhatWasLeased(NebulaCorePool state) throws InterruptedException {
        if (leased != null) {
            leased.invalidate();
            leased = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (state.pool.snapshot().size() > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("an invalidated connection was not destroyed within 10 s: "
                            + state.pool.snapshot());
                }
                Thread.sleep(0, 100_000);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class NebulaCorePool {
        ResourcePool<Connection> pool;

        @Setup(Level.Trial)
        public void open() {
            PostgresTarget postgres = new PostgresTarget();
            pool = NebulaPools.empty("postgres-miss", new ConnectionProvider("postgresql-connection", postgres::connect), 4);
        }

        @TearDown(Level.Trial)
        public void close() {
            int idle = pool.snapshot().idle();
            pool.close();
            if (idle != 0) {
                throw new IllegalStateException(idle + " connections were idle at the end: some acquisitions were hits, not misses");
            }
        }
    }
}
