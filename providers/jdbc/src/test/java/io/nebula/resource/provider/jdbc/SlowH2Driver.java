package io.nebula.resource.provider.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * H2 as if across a network, for URLs {@code jdbc:slowh2:<what follows jdbc:h2:>}: opening a connection takes a
 * millisecond more, as a round trip to a database server does, so a pool's creations take time that its callers
 * spend waiting. With the connection property {@code sessions=<n>} (driver property {@code properties.sessions}),
 * the "server" accepts at most {@code n} connections to that URL over the JVM's life and refuses the others with
 * SQLState {@code 08004} (server rejected the connection), as a database at its session limit does.
 *
 * <p>Public with a public constructor: Agroal instantiates the driver class it is given.
 */
public final class SlowH2Driver implements Driver {

    static final String PREFIX = "jdbc:slowh2:";
    static final String SESSIONS = "sessions";
    private static final long CONNECT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final Map<String, AtomicInteger> OPENED = new ConcurrentHashMap<>();

    private final Driver h2 = new org.h2.Driver();

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Properties forH2 = new Properties();
        forH2.putAll(info);
        Object sessions = forH2.remove(SESSIONS);
        LockSupport.parkNanos(CONNECT_NANOS);
        if (sessions != null
                && OPENED.computeIfAbsent(url, u -> new AtomicInteger()).incrementAndGet() > Integer.parseInt(sessions.toString())) {
            throw new SQLTransientConnectionException("too many sessions (at most " + sessions + ")", "08004");
        }
        return h2.connect("jdbc:h2:" + url.substring(PREFIX.length()), forH2);
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }
}
