package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;
import io.nebula.resource.ConfigProblem;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the three kinds share, shown on the embedded H2 where a database is needed. */
class JdbcProviderTest {

    private final H2Provider h2 = new H2Provider();
    private final List<AgroalDataSource> created = new ArrayList<>();

    @AfterEach
    void destroy() {
        created.forEach(h2::destroy);
    }

    private AgroalDataSource create(ResourceSettings settings) throws SQLException {
        AgroalDataSource ds = h2.create(settings);
        created.add(ds);
        return ds;
    }

    @Test
    void theDataSourceIsOneSharedInstanceInjectableAsAPlainDataSource() throws SQLException {
        assertThat(h2.topology()).isEqualTo(Topology.RESIDENT);
        assertThat(h2.type()).isEqualTo(AgroalDataSource.class);
        assertThat(h2.views()).containsExactly(DataSource.class);

        AgroalDataSource ds = create(Databases.h2("view-db"));
        DataSource plain = h2.view(ds, DataSource.class);
        assertThat(plain).isSameAs(ds);
        try (Connection c = plain.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }
    }

    @Test
    void everyPoolKeyReachesAgroal() throws SQLException {
        AgroalDataSource ds = create(Databases.h2("mapped-db", "pool.min-size", "1", "pool.max-size", "7",
                "pool.acquire-timeout", "3s", "pool.leak-threshold", "2m", "pool.validation-bypass", "2s",
                "pool.keepalive-interval", "45s", "pool.idle-timeout", "4m", "pool.max-lifetime", "20m",
                "login-timeout", "6s"));

        AgroalConnectionPoolConfiguration pool = ds.getConfiguration().connectionPoolConfiguration();
        assertThat(pool.minSize()).isEqualTo(1);
        assertThat(pool.initialSize()).as("the provider fills to min-size itself, see InitialFill").isZero();
        assertThat(ds.getMetrics().availableCount()).as("min-size open when create returns").isEqualTo(1);
        assertThat(pool.maxSize()).isEqualTo(7);
        assertThat(pool.acquisitionTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(pool.leakTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(pool.validateOnBorrow()).isFalse();
        assertThat(pool.idleValidationTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(pool.validationTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(pool.reapTimeout()).isEqualTo(Duration.ofMinutes(4));
        assertThat(pool.maxLifetime()).isEqualTo(Duration.ofMinutes(20));
        assertThat(pool.establishmentRetryAttempts()).isZero();
        assertThat(pool.connectionFactoryConfiguration().loginTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(pool.connectionFactoryConfiguration().jdbcUrl()).isEqualTo("jdbc:h2:mem:mapped-db;DB_CLOSE_DELAY=-1");
    }

    @Test
    void idleConnectionsBeyondMinSizeAreClosedAfterIdleTimeout() throws Exception {
        AgroalDataSource ds = create(Databases.h2("reaped-db", "pool.min-size", "0", "pool.max-size", "2",
                "pool.idle-timeout", "200ms"));
        try (Connection first = ds.getConnection(); Connection second = ds.getConnection()) {
            assertThat(ds.getMetrics().availableCount()).isZero();
        }
        assertThat(ds.getMetrics().availableCount()).isEqualTo(2);

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ds.getMetrics().availableCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ds.getMetrics().availableCount()).as("both idle past pool.idle-timeout, none kept").isZero();
    }

    @Test
    void aPoolOfFixedSizeLeavesAgroalsReaperOffAsItWouldCloseNothing() throws SQLException {
        // Agroal reaps only above min-size; with its reaper on it would still stamp each connection on every hit.
        AgroalDataSource fixed = create(Databases.h2("fixed-db", "pool.min-size", "3", "pool.max-size", "3",
                "pool.idle-timeout", "4m"));
        assertThat(fixed.getConfiguration().connectionPoolConfiguration().reapTimeout()).isZero();
    }

    @Test
    void zeroValidationBypassValidatesEveryBorrow() throws SQLException {
        AgroalDataSource ds = create(Databases.h2("borrow-db", "pool.validation-bypass", "0"));
        assertThat(ds.getConfiguration().connectionPoolConfiguration().validateOnBorrow()).isTrue();
    }

    @Test
    void zeroAcquireTimeoutFailsAtOnceWhenEveryConnectionIsInUse() throws SQLException {
        AgroalDataSource ds = create(Databases.h2("fail-fast-db", "pool.max-size", "1", "pool.acquire-timeout", "0"));
        try (Connection held = ds.getConnection()) {
            long start = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTimeoutException.class)
                    .hasMessageContaining("'fail-fast-db'").hasMessageContaining("pool.max-size");
            // Far below the 30s default, which is what an unmapped zero (Agroal: wait forever) would not give either.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void anExhaustedPoolIsDegradedNotDownAndTheCheckDoesNotWait() throws SQLException {
        AgroalDataSource ds = create(Databases.h2("busy-db", "pool.max-size", "2"));
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
            HealthStatus status = h2.check(ds, CheckDepth.SHALLOW);
            assertThat(status.status()).isEqualTo(HealthStatus.Status.DEGRADED);
            assertThat(status.message()).hasValueSatisfying(m -> assertThat(m).contains("pool.max-size=2"));
            assertThat(status.details()).containsEntry("active", 2L).containsEntry("max-size", 2);
        }
        assertThat(h2.check(ds, CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.UP);
    }

    @Test
    void agroalsOwnMetricsAreOffByDefaultAndTheCountsAreKeptWithoutThem() throws SQLException {
        AgroalDataSource ds = create(Databases.h2("uncounted-db", "pool.max-size", "3"));
        assertThat(ds.getConfiguration().metricsEnabled()).as("no clock read per acquisition").isFalse();
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
            assertThat(ds.getMetrics().activeCount()).isEqualTo(2);
            assertThat(ds.getMetrics().acquireCount()).isEqualTo(3); // the connection opened at start, and these two
        }
        assertThat(ds.getMetrics().activeCount()).isZero();
        assertThat(ds.getMetrics().availableCount()).isEqualTo(2);
        assertThat(ds.getMetrics().maxUsedCount()).isEqualTo(2);
        assertThat(ds.getMetrics().blockingTimeTotal()).as("not timed").isZero();
    }

    @Test
    void agroalMetricsTrueTurnsAgroalsOwnMetricsOn() throws SQLException {
        AgroalDataSource ds = create(Databases.h2("timed-db", "agroal.metrics", "true"));
        assertThat(ds.getConfiguration().metricsEnabled()).isTrue();
        try (Connection c = ds.getConnection()) {
            assertThat(ds.getMetrics().activeCount()).isEqualTo(1);
        }
        assertThat(ds.getMetrics().acquireCount()).isEqualTo(2);
        assertThat(h2.check(ds, CheckDepth.SHALLOW).details()).as("the check's own connection").containsEntry("active", 1L);
    }

    @Test
    void aThreadWaitingForAConnectionIsCountedUntilItGetsOneOrGivesUp() throws Exception {
        AgroalDataSource ds = create(Databases.h2("queue-db", "pool.max-size", "1", "pool.acquire-timeout", "5s"));
        java.util.concurrent.ExecutorService waiter = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<?> waited;
            try (Connection held = ds.getConnection()) {
                waited = waiter.submit(() -> {
                    try (Connection c = ds.getConnection()) {
                        return c.isValid(1);
                    }
                });
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                        .until(() -> ds.getMetrics().awaitingCount() == 1);
                HealthStatus status = h2.check(ds, CheckDepth.SHALLOW);
                assertThat(status.status()).as("exhausted, not down").isEqualTo(HealthStatus.Status.DEGRADED);
                assertThat(status.details()).containsEntry("awaiting", 1L).containsEntry("available", 0L);
            }
            assertThat(waited.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(true);
            assertThat(ds.getMetrics().awaitingCount()).isZero();

            AgroalDataSource quick = create(Databases.h2("give-up-db", "pool.max-size", "1", "pool.acquire-timeout", "200ms"));
            try (Connection held = quick.getConnection()) {
                java.util.concurrent.Future<?> gaveUp = waiter.submit(() -> quick.getConnection());
                assertThatThrownBy(() -> gaveUp.get(5, java.util.concurrent.TimeUnit.SECONDS))
                        .hasCauseInstanceOf(SQLTimeoutException.class);
            }
            assertThat(quick.getMetrics().awaitingCount()).as("a waiter that timed out waits no more").isZero();
        } finally {
            waiter.shutdownNow();
        }
    }

    @Test
    void aHealthyCheckReportsThePoolsCounts() throws SQLException {
        AgroalDataSource ds = create(Databases.h2("counted-db", "pool.max-size", "4"));
        HealthStatus status = h2.check(ds, CheckDepth.DEEP);
        assertThat(status.status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(status.details()).containsKeys("active", "available", "awaiting").containsEntry("max-size", 4);
    }

    @Test
    void aFailingValidationQueryMakesTheDeepCheckDown() throws SQLException {
        AgroalDataSource ds = create(Databases.h2("probe-db", "validation-query", "SELECT * FROM no_such_table"));
        assertThat(h2.check(ds, CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.UP);
        HealthStatus deep = h2.check(ds, CheckDepth.DEEP);
        assertThat(deep.status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(deep.error()).hasValueSatisfying(e -> assertThat(e).contains("NO_SUCH_TABLE"));
    }

    @Test
    void theUrlAndCredentialsStayOutOfToString() throws SQLException {
        AgroalDataSource ds = create(Databases.h2("shown-db",
                "username", "sa", "password", "Tostring-Secret-7"));
        assertThat(ds.toString()).isEqualTo("AgroalDataSource[shown-db, kind=h2, max-size=10]")
                .doesNotContain("Tostring-Secret-7", "jdbc:");
    }

    @Test
    void perUserConnectionsAreRefusedWithAnExplanation() throws SQLException {
        AgroalDataSource ds = create(Databases.h2("user-db"));
        assertThatThrownBy(() -> ds.getConnection("sa", "x")).isInstanceOf(SQLException.class)
                .hasMessageContaining("nebula.resource.user-db.username");
    }

    @Test
    void aMissingDriverIsAProblemOnTheKindAndNotRetryable() {
        JdbcProvider noDriver = new JdbcProvider("nodb", "org.example.NoSuchDriver", "org.example:nodb", "jdbc:nodb:") {
            @Override
            String defaultUrl(String resource) {
                return "jdbc:nodb:" + resource;
            }

            @Override
            String exampleUrl() {
                return "jdbc:nodb:x";
            }

            @Override
            void selectSchema(AgroalConnectionFactoryConfigurationSupplier factory, String schema) {
            }
        };
        ResourceSettings settings = ResourceSettings.of("legacy", "nodb", java.util.Map.of());

        assertThat(noDriver.validate(settings)).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.legacy.kind");
            assertThat(p.message()).contains("org.example.NoSuchDriver", "org.example:nodb");
        });
        assertThatThrownBy(() -> noDriver.create(settings)).isInstanceOf(DriverNotFoundException.class)
                .hasMessageContaining("'legacy'").satisfies(e -> assertThat(noDriver.isRetryable(e)).isFalse());
    }

    @Test
    void invalidSettingsFailCreationWithEveryProblem() {
        ResourceSettings bad = Databases.h2("bad-db", "pool.max-size", "0", "url", "jdbc:derby:x");
        assertThatThrownBy(() -> h2.create(bad))
                .satisfies(e -> assertThat(h2.isRetryable(e)).isFalse())
                .hasMessageContaining("nebula.resource.bad-db.pool.max-size")
                .hasMessageContaining("nebula.resource.bad-db.url");
        assertThat(h2.validate(bad)).extracting(ConfigProblem::key).hasSize(2);
    }

    // --- classification of errors, as the drivers raise them //

    @Test
    void connectionClassStatesAreFatalWhereverTheyHideInTheChain() {
        SQLException broken = new SQLException("I/O error", "08006");
        SQLException wrapped = new SQLException("batch failed", "HY000", new RuntimeException(broken));
        SQLException chained = new SQLException("first", "22001");
        chained.setNextException(new SQLException("then the link dropped", "08S01"));

        assertThat(h2.isFatal(broken)).isTrue();
        assertThat(h2.isFatal(new RuntimeException(wrapped))).isTrue();
        assertThat(h2.isFatal(chained)).isTrue();
    }

    @Test
    void statementErrorsAreNotFatal() {
        assertThat(h2.isFatal(new SQLSyntaxErrorException("syntax", "42601"))).isFalse();
        assertThat(h2.isFatal(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(h2.isFatal(new SQLException("deadlock", "40P01"))).isFalse();
        assertThat(h2.isFatal(new SQLException("no state"))).isFalse();
        assertThat(new PostgresqlProvider().isFatal(new SQLException("no state"))).isFalse();
        assertThat(new MariadbProvider().isFatal(new SQLException("no state"))).isFalse();
        assertThat(new PostgresqlProvider().isRetryable(new SQLException("no state"))).isTrue();
        assertThat(h2.isFatal(new IllegalArgumentException("not sql"))).isFalse();
    }

    @Test
    void eachKindKnowsItsOwnEndOfSession() {
        PostgresqlProvider postgresql = new PostgresqlProvider();
        MariadbProvider mariadb = new MariadbProvider();
        assertThat(postgresql.isFatal(new SQLException("terminating connection due to administrator command", "57P01")))
                .isTrue();
        assertThat(mariadb.isFatal(new SQLException("Connection was killed", "70100", 1927))).isTrue();
        assertThat(h2.isFatal(new SQLException("Database is already closed", "90121", 90121))).isTrue();
        assertThat(mariadb.isFatal(new SQLException("Query execution was interrupted", "70100", 1317))).isFalse();
    }

    @Test
    void badCredentialsAndUnknownDatabasesAreNotRetryable() {
        PostgresqlProvider postgresql = new PostgresqlProvider();
        MariadbProvider mariadb = new MariadbProvider();
        assertThat(postgresql.isRetryable(new SQLException("password authentication failed", "28P01"))).isFalse();
        assertThat(postgresql.isRetryable(new SQLException("database \"x\" does not exist", "3D000"))).isFalse();
        assertThat(mariadb.isRetryable(new SQLException("Access denied", "28000", 1045))).isFalse();
        assertThat(mariadb.isRetryable(new SQLException("Unknown database 'x'", "42000", 1049))).isFalse();
        assertThat(h2.isRetryable(new SQLException("Database not found", "90146", 90146))).isFalse();

        assertThat(postgresql.isRetryable(new SQLException("Connection refused", "08001"))).isTrue();
        assertThat(mariadb.isRetryable(new SQLException("syntax", "42000", 1064))).isTrue();
    }

    @Test
    void aCyclicCauseChainIsWalkedOnce() {
        SQLException a = new SQLException("a", "22000");
        SQLException b = new SQLException("b", "22000");
        a.setNextException(b);
        b.setNextException(a);
        assertThat(JdbcProvider.sqlErrors(a)).containsExactlyInAnyOrder(a, b);
        assertThat(h2.isFatal(a)).isFalse();
    }
}
