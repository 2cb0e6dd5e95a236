package io.nebula.resource.faults;

import org.jboss.weld.environment.se.WeldContainer;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.Map;

/**
 * MariaDB through the injected {@code DataSource}. The server's connections are those through the proxy (each
 * is one server session): telling the resource's sessions apart in the process list would need a user of its own,
 * and the local server is shared. Its root user has no password, so there is no secret to look for. The driver
 * tries TLS first except towards a local socket, and the local server has none: {@code sslMode=disable}.
 */
class MariadbFaultsTest extends FaultScenario {

    private DataSource db;

    @Override
    String resource() {
        return "ledger-db";
    }

    @Override
    int serverPort() {
        return 3306;
    }

    @Override
    Map<String, String> keys(String host, int port) {
        return Map.of("kind", "mariadb",
                "url", "jdbc:mariadb://" + host + ":" + port + "/test?sslMode=disable",
                "username", "root",
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
}
