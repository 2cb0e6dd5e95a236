package io.nebula.resource.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.nebula.resource.Lease;
import io.nebula.resource.benchmarks.nebula.ConnectionProvider;
import io.nebula.resource.benchmarks.nebula.NebulaPools;
import io.nebula.resource.benchmarks.stub.StubDriver;
import io.nebula.resource.core.ResourcePool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.sql.Connection;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Suite 5: a wave of 10,000 virtual threads on a pool of 32 instances, each thread doing
 * {@link #cycles} acquire/release cycles. With {@code hold=yield} a thread yields its carrier while it
 * holds an instance, as it would on I/O: the pool then runs dry, and waiting virtual threads must park
 * (not spin, not pin their carrier). Needs Java 21+; run on Temurin 25 with JFR recording
 * {@code jdk.VirtualThreadPinned} (see benchmarks/run).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@State(Scope.Benchmark)
public class VirtualThreadsCycle {

    static final int VIRTUAL_THREADS = 10_000;
    static final int POOL_SIZE = 32;

    /** What a virtual thread does while it holds an instance. */
    public enum Hold {
        /** Nothing: at most one thread per carrier runs, so the pool rarely runs dry. */
        NONE,
        /** {@code Thread.yield()}: gives the carrier to another virtual thread, like a blocking call would. */
        YIELD
    }

    @Param
    public Hold hold;

    @Param("10")
    public int cycles;

    private VirtualThreadWave wave;

    @Setup
    public void startCarrier() {
        wave = new VirtualThreadWave();
    }

    @TearDown
    public void stopCarrier() throws InterruptedException {
        wave.close();
    }

    @Benchmark
    public void hikari(HikariPool pool) throws Exception {
        wave.run(VIRTUAL_THREADS, () -> {
            for (int i = 0; i < cycles; i++) {
                Connection connection = pool.dataSource.getConnection();
                holdIt();
                connection.close();
            }
        });
    }

    @Benchmark
    public void nebulaCore(NebulaCorePool pool) throws Exception {
        wave.run(VIRTUAL_THREADS, () -> {
            for (int i = 0; i < cycles; i++) {
                Lease<Connection> lease = pool.pool.acquire();
                holdIt();
                lease.close();
            }
        });
    }

    private void holdIt() {
        if (hold == Hold.YIELD) {
            Thread.yield();
        }
    }

    /** The core pool of stub-driver connections: the same connections HikariCP pools here. */
    @State(Scope.Benchmark)
    public static class NebulaCorePool {
        ResourcePool<Connection> pool;

        @Setup
        public void open() {
            StubDriver driver = new StubDriver();
            pool = NebulaPools.full("stub-connections",
                    new ConnectionProvider("stub-connection", () -> driver.connect(StubDriver.URL, new Properties())),
                    POOL_SIZE);
        }

        @TearDown
        public void close() {
            pool.close();
        }
    }

    @State(Scope.Benchmark)
    public static class HikariPool {
        HikariDataSource dataSource;

        @Setup
        public void open() {
            dataSource = Peers.hikari(POOL_SIZE);
        }

        @TearDown
        public void close() {
            dataSource.close();
        }
    }
}
