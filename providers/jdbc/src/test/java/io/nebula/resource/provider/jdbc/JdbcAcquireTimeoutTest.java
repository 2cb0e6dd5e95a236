package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.pipeline.WovenPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A new {@code pool.acquire-timeout} on a running PostgreSQL resource (what {@code ResourceAdmin.apply} does to each
 * live pool) reaches the data source's Agroal pool: with its one connection held, a {@code getConnection()} begun after
 * the change gives up after the new 300 ms, not the old 5 s, while one that was already waiting keeps its 5 s and is
 * served when the connection comes back. Margins for a loaded 2-core machine: the new wait must end within 2.5 s,
 * half the old one.
 */
class JdbcAcquireTimeoutTest {

    private WovenPool<AgroalDataSource> pool;
    private final ExecutorService thread = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        thread.shutdownNow();
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void aGetConnectionBegunAfterTheChangeWaitsTheNewTimeoutAndOneAlreadyWaitingKeepsItsOwn() throws Exception {
        pool = WovenPool.builder(new PostgresqlProvider(), Databases.postgresql("orders-db", "pool.min-size", "0",
                "pool.max-size", "1", "pool.acquire-timeout", "5s")).build();
        pool.start();
        try (Lease<AgroalDataSource> lease = pool.acquire(Duration.ofSeconds(10), ResourceContext.GLOBAL)) {
            AgroalDataSource ds = lease.get();
            PooledDataSource pooled = (PooledDataSource) ds;
            Connection held = ds.getConnection();
            CompletableFuture<Boolean> before = CompletableFuture.supplyAsync(() -> {
                try (Connection c = ds.getConnection()) { // begins with the old 5 s
                    return c.isValid(1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, thread);
            await().atMost(Duration.ofSeconds(4)).until(() -> pooled.counts().awaitingCount() == 1);

            pool.acquireTimeout(Duration.ofMillis(300));

            assertThat(ds.getConfiguration().connectionPoolConfiguration().acquisitionTimeout())
                    .isEqualTo(Duration.ofMillis(300));
            long t0 = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTimeoutException.class)
                    .hasMessageContaining("pool.acquire-timeout (300 ms)");
            Duration waited = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofMillis(2500));
            System.out.println("JdbcAcquireTimeoutTest: getConnection after the change gave up after "
                    + waited.toMillis() + " ms");

            assertThat(before).as("the call already waiting keeps its 5 s").isNotDone();
            held.close();
            assertThat(before.get(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
