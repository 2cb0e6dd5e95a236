package io.nebula.resource.faults;

import org.jboss.weld.environment.se.WeldContainer;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * PostgreSQL through the injected {@code DataSource}. The server counts the resource's connections by their
 * application name in {@code pg_stat_activity}. The local server trusts every local user, so the password, a secret
 * no message may show, is accepted whatever it is.
 */
class PostgresqlFaultsTest extends FaultScenario {

    private final String application = "nebula-faults-" + UUID.randomUUID();
    private final String password = "pg-secret-" + UUID.randomUUID();
    private DataSource db;

    @Override
    String resource() {
        return "orders-db";
    }

    @Override
    int serverPort() {
        return 5432;
    }

    @Override
    Map<String, String> keys(String host, int port) {
        return Map.of("kind", "postgresql",
                "url", "jdbc:postgresql://" + host + ":" + port + "/test?ApplicationName=" + application,
                "username", "postgres",
                "password", password,
                "pool.max-size", String.valueOf(MAX_SIZE));
    }

    @Override
    Outage.Call call(WeldContainer container) {
        db = JdbcCalls.dataSource(container, resource());
        return JdbcCalls.selectOne(db);
    }

    @Override
    boolean isDocumented(Throwable error) {
        return JdbcCalls.isDocumented(error);
    }

    @Override
    int maxServerConnections() {
        return MAX_SIZE;
    }

    @Override
    int leasesOut(WeldContainer container) {
        try {
            return JdbcCalls.connectionsOut(db);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    OptionalInt serverSideConnections() {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
             ResultSet r = c.createStatement().executeQuery(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + application + "'")) {
            r.next();
            return OptionalInt.of(r.getInt(1));
        } catch (SQLException e) {
            throw new IllegalStateException("could not count the connections in pg_stat_activity", e);
        }
    }

    @Override
    List<String> secrets() {
        return List.of(password);
    }
}
