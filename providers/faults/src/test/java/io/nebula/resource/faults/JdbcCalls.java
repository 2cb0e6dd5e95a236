package io.nebula.resource.faults;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.NebulaResource;
import org.jboss.weld.environment.se.WeldContainer;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the JDBC scenarios share: the injected {@code DataSource}, a query per call, its own exception family. */
final class JdbcCalls {

    private JdbcCalls() {
    }

    static DataSource dataSource(WeldContainer container, String resource) {
        return container.select(DataSource.class, NebulaResource.Literal.of(resource)).get();
    }

    /** A connection, a {@code SELECT 1}, the connection back. */
    static Outage.Call selectOne(DataSource db) {
        return () -> {
            try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
                r.next();
            }
        };
    }

    /**
     * A data source's caller gets {@code SQLException}s only (docs/resilience.md and docs/providers/jdbc.md): the
     * driver's, Agroal's {@code SQLTimeoutException} for an exhausted pool, {@code SQLTransientConnectionException}
     * for an open circuit.
     */
    static boolean isDocumented(Throwable error) {
        return error instanceof SQLException;
    }

    /** Connections handed to callers and not given back, as Agroal counts them. */
    static int connectionsOut(DataSource db) throws SQLException {
        return (int) db.unwrap(AgroalDataSource.class).getMetrics().activeCount();
    }
}
