package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The embedded H2 kind, and the pool's housekeeping (leaks, idle, lifetime, keep-alive) where it is fastest to watch. */
class H2ProviderTest {

    private final H2Provider provider = new H2Provider();
    private final List<AgroalDataSource> created = new ArrayList<>();

    @AfterEach
    void destroy() {
        created.forEach(provider::destroy);
    }

    private AgroalDataSource create(ResourceSettings settings) throws SQLException {
        AgroalDataSource ds = provider.create(settings);
        created.add(ds);
        return ds;
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void withoutAUrlTheDatabaseIsInMemoryAndOutlivesTheResource() throws SQLException {
        String name = unique("orders");
        AgroalDataSource first = create(Databases.h2(name));
        execute(first, "CREATE TABLE orders (id INT PRIMARY KEY)", "INSERT INTO orders VALUES (7)");
        provider.destroy(first);

        AgroalDataSource second = create(Databases.h2(name));
        assertThat(queryInt(second, "SELECT id FROM orders")).isEqualTo(7);
    }

    @Test
    void aFileDatabaseIsWrittenWhereTheUrlSays(@TempDir Path dir) throws SQLException {
        AgroalDataSource ds = create(Databases.h2("file-db", "url", "jdbc:h2:file:" + dir.resolve("orders")));
        execute(ds, "CREATE TABLE orders (id INT)");
        assertThat(Files.exists(dir.resolve("orders.mv.db"))).isTrue();
    }

    @Test
    void aMissingFileDatabaseThatMustExistIsNotRetryable(@TempDir Path dir) {
        ResourceSettings settings = Databases.h2("file-db", "url", "jdbc:h2:file:" + dir.resolve("absent") + ";IFEXISTS=TRUE");
        assertThatThrownBy(() -> provider.create(settings)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(provider.isRetryable(e)).as("isRetryable(%s)", e).isFalse());
    }

    @Test
    void theSchemaIsWhereNewConnectionsStart() throws SQLException {
        String name = unique("billing");
        AgroalDataSource plain = create(Databases.h2(name));
        execute(plain, "CREATE SCHEMA billing");

        AgroalDataSource ds = create(Databases.h2(name, "schema", "billing"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT CURRENT_SCHEMA")) {
            r.next();
            assertThat(r.getString(1)).isEqualTo("BILLING");
        }
    }

    @Test
    void anUnknownSchemaFailsCreationAndIsNotRetryable() {
        assertThatThrownBy(() -> provider.create(Databases.h2(unique("billing"), "schema", "nowhere")))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(provider.isRetryable(e)).isFalse());
    }

    @Test
    void aConnectionHeldPastTheLeakThresholdIsReportedWithItsHolder() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("io.nebula.resource.provider.jdbc");
        log.addHandler(handler);
        try {
            AgroalDataSource ds = create(Databases.h2(unique("leaky"), "pool.leak-threshold", "200ms"));
            try (Connection held = ds.getConnection()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> ds.getMetrics().leakDetectionCount() >= 1);
                await().atMost(Duration.ofSeconds(5)).until(() -> records.stream()
                        .anyMatch(r -> r.getMessage().startsWith("NEBULA-2503")));
            }
            LogRecord leak = records.stream().filter(r -> r.getMessage().startsWith("NEBULA-2503")).findFirst().orElseThrow();
            assertThat(leak.getMessage()).contains("'leaky-", Thread.currentThread().getName(), "pool.leak-threshold");
            assertThat(leak.getThrown().getStackTrace()).isNotEmpty();
        } finally {
            log.removeHandler(handler);
        }
    }

    @Test
    void idleConnectionsAreClosedDownToTheMinimum() throws SQLException {
        AgroalDataSource ds = create(Databases.h2(unique("idle"), "pool.min-size", "1", "pool.max-size", "4",
                "pool.idle-timeout", "200ms"));
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection(); Connection c = ds.getConnection()) {
            assertThat(ds.getMetrics().activeCount()).isEqualTo(3);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ds.getMetrics().reapCount() >= 2);
        assertThat(ds.getMetrics().availableCount()).isEqualTo(1);
    }

    @Test
    void connectionsAreRetiredAfterTheirMaxLifetime() throws SQLException {
        AgroalDataSource ds = create(Databases.h2(unique("aging"), "pool.max-lifetime", "300ms"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ds.getMetrics().destroyCount() >= 1);
        assertThat(queryInt(ds, "SELECT 1")).isEqualTo(1);
    }

    @Test
    void idleConnectionsAreValidatedInTheBackgroundEveryKeepaliveInterval() throws SQLException {
        String name = unique("kept");
        AgroalDataSource ds = create(Databases.h2(name, "pool.keepalive-interval", "100ms",
                "validation-query", "SELECT NEXT VALUE FOR keepalive_ticks"));
        execute(ds, "CREATE SEQUENCE keepalive_ticks");
        AgroalDataSource observer = create(Databases.h2(name));

        // Nobody borrows from ds: only its keep-alive runs the validation query.
        await().atMost(Duration.ofSeconds(10)).until(() -> queryInt(observer,
                "SELECT BASE_VALUE FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_NAME = 'KEEPALIVE_TICKS'") > 3);
    }

    private static void execute(AgroalDataSource ds, String... statements) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static int queryInt(AgroalDataSource ds, String query) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getInt(1);
        }
    }
}
