package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.HandOutPipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the data source meets the pipeline it is put behind (issue 17, points 1 and 4), on the embedded H2 with a
 * stand-in for the pipeline: an attempt waits for a free connection only as long as the pipeline says is left of its
 * budget, and the health check asks Agroal, not the pipeline.
 */
class BoundedHandOutTest {

    private final H2Provider h2 = new H2Provider();
    private final List<AgroalDataSource> created = new ArrayList<>();

    @AfterEach
    void destroy() {
        created.forEach(h2::destroy);
    }

    private AgroalDataSource create(String name, String... keyValues) throws SQLException {
        AgroalDataSource ds = h2.create(Databases.h2(name, keyValues));
        created.add(ds);
        return ds;
    }

    /** A pipeline that runs each hand-out as one attempt that was given {@code within} (a retry late in its budget). */
    private static HandOutPipeline attemptGiven(Duration within) {
        return new HandOutPipeline() {
            @Override
            public <T> Gate<T> around(Callable<T> handOut) {
                throw new AssertionError("the data source asks to be told its bound");
            }

            @Override
            public <T> Gate<T> bounded(Bounded<T> handOut) {
                return () -> handOut.handOut(within);
            }
        };
    }

    @Test
    void anAttemptWaitsForAFreeConnectionOnlyAsLongAsItWasGivenNotAgroalsWholeTimeout() throws Exception {
        AgroalDataSource ds = create("busy-db", "pool.max-size", "1", "pool.acquire-timeout", "10s");
        h2.handOutThrough(ds, attemptGiven(Duration.ofMillis(300)));

        try (Connection held = ds.unwrap(PooledDataSource.class).checkedOut()) {
            long start = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTimeoutException.class)
                    .hasMessageContaining("pool.max-size");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("300 ms given, Agroal's own timeout 10 s").isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        }
        try (Connection again = ds.getConnection()) {
            assertThat(again.isValid(1)).as("the bound was this call's only: the next one is served").isTrue();
        }
    }

    @Test
    void theWholeBudgetLeftMeansAgroalsOwnTimeout() throws Exception {
        AgroalDataSource ds = create("first-attempt-db", "pool.max-size", "1", "pool.acquire-timeout", "200ms");
        h2.handOutThrough(ds, attemptGiven(null));

        try (Connection held = ds.unwrap(PooledDataSource.class).checkedOut()) {
            long start = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(180));
        }
    }

    @Test
    void theHealthCheckAsksTheDatabaseEvenWhileThePipelineRefusesEveryConnection() throws Exception {
        AgroalDataSource ds = create("circuit-db");
        h2.handOutThrough(ds, new HandOutPipeline() {
            @Override
            public <T> Gate<T> around(Callable<T> handOut) {
                return () -> {
                    throw new CircuitOpenException("circuit-db", Instant.now().plusSeconds(5), new SQLException("refused"));
                };
            }
        });
        assertThatThrownBy(ds::getConnection).as("the application is refused while the circuit is open")
                .isInstanceOf(SQLException.class).hasCauseInstanceOf(CircuitOpenException.class);

        // The circuit's prober runs this check to find the database back: refused by the circuit, it never would.
        assertThat(h2.check(ds, CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(h2.check(ds, CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.UP);
    }

    @Test
    void aBusyPoolInsideTheGateIsSaidToThePipelineAsPoolExhausted() throws Exception {
        AgroalDataSource ds = create("exhausted-db", "pool.max-size", "1", "pool.acquire-timeout", "10s");
        List<Throwable> seen = new ArrayList<>();
        h2.handOutThrough(ds, new HandOutPipeline() {
            @Override
            public <T> Gate<T> around(Callable<T> handOut) {
                throw new AssertionError("the data source asks to be told its bound");
            }

            @Override
            public <T> Gate<T> bounded(Bounded<T> handOut) {
                return () -> {
                    try {
                        return handOut.handOut(Duration.ofMillis(50));
                    } catch (Exception e) {
                        seen.add(e);
                        throw e;
                    }
                };
            }
        });
        try (Connection held = ds.unwrap(PooledDataSource.class).checkedOut()) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTimeoutException.class);
        }
        assertThat(seen).singleElement().isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                e -> assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.POOL_EXHAUSTED));
    }
}
