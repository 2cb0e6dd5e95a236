package io.nebula.resource.cluster.redis;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * Kind {@code cluster-test-pg}: each instance is one PostgreSQL session (the real driver) to 127.0.0.1 at the key
 * {@code port} as user {@code postgres}, opened and checked with {@code SELECT 1}; never reused ({@link #recycle} is
 * false), so every acquisition opens a session, and the {@link CountingForwarder} in front of the server counts every
 * acquisition and probe that tried it. Its {@code application_name} is the node's id and the thread's name, which the
 * forwarder reads from the startup message (TLS and GSS encryption are off so that message comes first, in clear).
 */
public class PgSessionProvider implements ResourceProvider<PgSessionProvider.Session> {

    /** One session, closed when the pool destroys it. */
    public record Session(Connection connection) {
    }

    @Override
    public String kind() {
        return "cluster-test-pg";
    }

    @Override
    public Class<Session> type() {
        return Session.class;
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(ConfigKey.integer("port", 0, "the port on 127.0.0.1 (the counting forwarder's)"));
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings settings) {
        return LineBackendProvider.requirePort(settings);
    }

    @Override
    public Session create(ResourceSettings settings) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("sslmode", "disable");
        p.setProperty("gssEncMode", "disable");
        p.setProperty("connectTimeout", "1");
        p.setProperty("loginTimeout", "2");
        p.setProperty("socketTimeout", "2");
        p.setProperty("assumeMinServerVersion", "15"); // so application_name is in the startup message, not SET after it
        p.setProperty("ApplicationName", System.getProperty("nebula.cluster.node-id") + " " + Thread.currentThread().getName());
        Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + settings.string("port").orElseThrow()
                + "/postgres", p);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new Session(c);
    }

    @Override
    public HealthStatus check(Session instance, CheckDepth depth) {
        try {
            return instance.connection().isValid(1) ? HealthStatus.up() : HealthStatus.down("session not valid");
        } catch (SQLException e) {
            return HealthStatus.down(e);
        }
    }

    @Override
    public boolean recycle(Session instance) {
        return false;
    }

    @Override
    public void destroy(Session instance) {
        try {
            instance.connection().close();
        } catch (SQLException e) {
            // gone already
        }
    }
}
