package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.pipeline.WovenPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A resize of a running PostgreSQL resource (what {@code ResourceAdmin.resize} does to each live pool) reaches the
 * data source's Agroal pool: after raising {@code pool.max-size} one more connection is served at once, the
 * connections in use meanwhile are untouched, and the server sees the extra session.
 */
class JdbcResizeTest {

    private WovenPool<AgroalDataSource> pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void raisingMaxSizeLetsOneMoreConnectionInWithoutDroppingThoseInUse() throws SQLException {
        String application = "nebula-resize-" + UUID.randomUUID();
        pool = WovenPool.builder(new PostgresqlProvider(), Databases.postgresql("orders-db", "pool.min-size", "0",
                "pool.max-size", "2", "pool.acquire-timeout", "500ms", "properties.ApplicationName", application))
                .build();
        pool.start();
        try (Lease<AgroalDataSource> lease = pool.acquire(Duration.ofSeconds(5), ResourceContext.GLOBAL)) {
            AgroalDataSource ds = lease.get();
            try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
                int pidA = pid(a);
                assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTimeoutException.class);

                pool.resize(0, 3);

                assertThat(ds.getConfiguration().connectionPoolConfiguration().maxSize()).isEqualTo(3);
                try (Connection c = ds.getConnection()) {
                    assertThat(c.isValid(1)).isTrue();
                    assertThat(sessionsOf(application)).isEqualTo(3);
                }
                assertThat(pid(a)).as("the lease and its connections were kept").isEqualTo(pidA);
                assertThat(b.isValid(1)).isTrue();
                assertThat(lease.isOpen()).isTrue();
            }
        }
    }

    @Test
    void loweringMaxSizeKeepsTheConnectionsInUseAndServesNoMoreThanTheNewMaximum() throws SQLException {
        String application = "nebula-shrink-" + UUID.randomUUID();
        pool = WovenPool.builder(new PostgresqlProvider(), Databases.postgresql("orders-db", "pool.min-size", "0",
                "pool.max-size", "3", "pool.acquire-timeout", "500ms", "properties.ApplicationName", application))
                .build();
        pool.start();
        try (Lease<AgroalDataSource> lease = pool.acquire(Duration.ofSeconds(5), ResourceContext.GLOBAL)) {
            AgroalDataSource ds = lease.get();
            try (Connection a = ds.getConnection()) {
                pool.resize(0, 1);

                assertThat(ds.getConfiguration().connectionPoolConfiguration().maxSize()).isEqualTo(1);
                assertThat(a.isValid(1)).isTrue();
                assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTimeoutException.class)
                        .hasMessageContaining("all 1 connections (pool.max-size)");
            }
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_backend_pid()"); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getInt(1);
        }
    }

    private static int sessionsOf(String application) throws SQLException {
        try (Connection admin = DriverManager.getConnection(Databases.POSTGRESQL_URL, "postgres", "");
             PreparedStatement s = admin.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, application);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
