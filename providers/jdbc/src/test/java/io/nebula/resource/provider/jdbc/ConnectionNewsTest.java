package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.spi.BackendSignal;
import io.nebula.resource.testing.FaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A connection that breaks in the application's hands tells the resource's health at once, before any
 * {@code getConnection()} could: the local PostgreSQL behind a {@link FaultProxy}, which goes down while the
 * connection is held (the server itself is never stopped). An error of the database that leaves the connection
 * working tells nothing.
 */
class ConnectionNewsTest {

    /** What a pool's signal would be told, in order. */
    static final class Recorded implements BackendSignal {
        final List<Throwable> unavailable = new CopyOnWriteArrayList<>();
        final List<String> available = new CopyOnWriteArrayList<>();

        @Override
        public void unavailable(Throwable error) {
            unavailable.add(error);
        }

        @Override
        public void available() {
            available.add("UP");
        }
    }

    private final PostgresqlProvider provider = new PostgresqlProvider();
    private FaultProxy proxy;
    private AgroalDataSource dataSource;

    @AfterEach
    void closeEverything() {
        if (dataSource != null) {
            provider.destroy(dataSource);
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aConnectionThatBreaksInUseIsReportedWithTheDriversError() throws Exception {
        proxy = FaultProxy.start("127.0.0.1", 5432);
        dataSource = provider.create(Databases.postgresql("orders-db",
                "url", "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/test"));
        Recorded signal = new Recorded();
        provider.reportTo(dataSource, signal);

        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT no_such_column FROM no_such_table"))
                    .isInstanceOf(SQLException.class);
            assertThat(signal.unavailable).as("the database answered: an error of the query, not of the connection")
                    .isEmpty();

            proxy.down();
            assertThatThrownBy(() -> statement.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
        }

        // the failed query, and what closing the broken connection raised: each a connection failure
        assertThat(signal.unavailable).isNotEmpty().allSatisfy(e -> assertThat(((SQLException) e).getSQLState())
                .as("connection failure").startsWith("08"));
    }
}
