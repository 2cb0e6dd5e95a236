package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.BulkheadFullException;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The timeout and the bulkhead of a resource's chain, against a backend that takes its time. */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.slow-db.kind=test-datasource",
        "nebula.resource.slow-db.timeout=100ms",
        "nebula.resource.slow-db.retry.max-retries=0",
        "nebula.resource.narrow-db.kind=test-datasource",
        "nebula.resource.narrow-db.bulkhead.max-concurrent=1",
        "nebula.resource.narrow-db.retry.max-retries=0",
        "nebula.resource.queued-db.kind=test-datasource",
        "nebula.resource.queued-db.bulkhead.max-concurrent=1",
        "nebula.resource.queued-db.bulkhead.queue=1",
        "nebula.resource.queued-db.retry.max-retries=0",
        "nebula.resource.live-db.kind=test-datasource",
        "nebula.resource.live-db.bulkhead.max-concurrent=1",
        "nebula.resource.live-db.retry.max-retries=0"})
class TimeoutAndBulkheadTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    @NebulaResource("slow-db")
    DataSource slowDb;

    @Inject
    @NebulaResource("narrow-db")
    DataSource narrowDb;

    @Inject
    @NebulaResource("queued-db")
    DataSource queuedDb;

    @Inject
    @NebulaResource("live-db")
    DataSource liveDb;

    @Inject
    io.nebula.resource.admin.ResourceAdmin admin;

    /** The slow first connection's own thread, not the common pool's, which may have only one, busy elsewhere. */
    final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void anAttemptLongerThanTheTimeoutIsInterruptedAndFails() {
        FlakyBackend.set("slow-db", FlakyBackend.Mode.SLOW);
        long start = System.nanoTime();
        assertThatThrownBy(slowDb::getConnection)
                .isInstanceOfSatisfying(SQLTransientConnectionException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08001");
                    assertThat(e.getCause()).isInstanceOfSatisfying(AcquisitionTimeoutException.class, t -> {
                        assertThat(t.reason()).isEqualTo(AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE);
                        assertThat(t).hasMessageContaining("NEBULA-3001").hasMessageContaining("nebula.resource.slow-db.timeout")
                                .hasCauseInstanceOf(TimeoutException.class);
                    });
                });
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("interrupted, not waited out").isLessThan(FlakyBackend.SLOW_MILLIS);
        assertThat(Thread.currentThread().isInterrupted()).as("the caller's thread is not left interrupted").isFalse();
    }

    @Test
    void aFullBulkheadRefusesAtOnce() throws Exception {
        FlakyBackend.set("narrow-db", FlakyBackend.Mode.SLOW);
        CompletableFuture<Connection> first = CompletableFuture.supplyAsync(() -> connect(narrowDb), threads);
        await().atMost(Duration.ofSeconds(5)).until(() -> FlakyBackend.attempts("narrow-db").size() == 1);

        assertThatThrownBy(narrowDb::getConnection)
                .isInstanceOf(SQLTransientConnectionException.class)
                .cause().isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> {
                    assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.POOL_EXHAUSTED);
                    assertThat(e).hasMessageContaining("NEBULA-3002").hasMessageContaining("bulkhead.max-concurrent");
                });
        first.get(5, TimeUnit.SECONDS).close();
    }

    @Test
    void aQueuedAcquisitionWaitsForAPlace() throws Exception {
        FlakyBackend.set("queued-db", FlakyBackend.Mode.SLOW);
        CompletableFuture<Connection> first = CompletableFuture.supplyAsync(() -> connect(queuedDb), threads);
        await().atMost(Duration.ofSeconds(5)).until(() -> FlakyBackend.attempts("queued-db").size() == 1);

        try (Connection second = queuedDb.getConnection()) {
            assertThat(second).isNotNull();
        }
        assertThat(first).isDone();
        first.get().close();
        assertThat(FlakyBackend.attempts("queued-db")).hasSize(2);
    }

    /**
     * {@code bulkhead.max-concurrent} raised through {@code ResourceAdmin} while an attempt is under way: one more
     * runs at once, and the one under way still counts against the new limit. The attempts are held in the backend,
     * so nothing depends on a timing.
     */
    @Test
    void aRaisedBulkheadAdmitsOneMoreAtOnceAndStillCountsTheAttemptUnderWay() throws Exception {
        try (FlakyBackend.HeldAttempts held = FlakyBackend.holdAttempts("live-db")) {
            CompletableFuture<Connection> first = CompletableFuture.supplyAsync(() -> connect(liveDb), threads);
            await().atMost(Duration.ofSeconds(10)).until(() -> held.entered() == 1);
            assertThatThrownBy(liveDb::getConnection).cause().isInstanceOf(BulkheadFullException.class);

            admin.as("alice").apply("live-db", java.util.Map.of("bulkhead.max-concurrent", "2"));

            CompletableFuture<Connection> second = CompletableFuture.supplyAsync(() -> connect(liveDb), threads);
            await().atMost(Duration.ofSeconds(10)).until(() -> held.entered() == 2);
            assertThatThrownBy(liveDb::getConnection).as("the first attempt is still counted")
                    .cause().isInstanceOfSatisfying(BulkheadFullException.class, e -> assertThat(e)
                            .hasMessageContaining("2 acquisitions are under way and 0 waiting"));
            held.close();
            first.get(10, TimeUnit.SECONDS).close();
            second.get(10, TimeUnit.SECONDS).close();
        }
    }

    private static Connection connect(DataSource ds) {
        try {
            return ds.getConnection();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
