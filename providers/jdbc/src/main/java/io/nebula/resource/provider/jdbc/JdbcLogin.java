package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceListener;
import io.agroal.api.security.AgroalSecurityProvider;
import io.nebula.resource.Secret;
import io.nebula.resource.spi.Credentials;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.function.BiConsumer;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;

/**
 * How the connections of one JDBC resource log in. Agroal asks this object for the user and password each
 * time it opens a connection ({@link AgroalSecurityProvider}, with this object as the credential), and it asks
 * the resource's {@link Credentials} in turn: a rotated password applies from the next connection on.
 *
 * <p>{@link #rotate} retires the connections opened with the old credential through Agroal's graceful flush:
 * idle ones are closed at once, those in use when they come back, and no caller waits or fails. One race is
 * left to close: a connection whose login was fetched just before the rotation but that joined the pool just
 * after the flush. Each connection is therefore tagged with the rotation it logged in under (the fetch and
 * {@link #onConnectionCreation} run on the same thread), and when one from an earlier rotation is seen in use,
 * the pool is flushed gracefully once more.
 *
 * <p>It follows the connections as an Agroal <em>listener</em>, not an interceptor: Agroal hands an interceptor
 * a new wrapper of the connection on every acquisition and every return (56 bytes each, opened and closed),
 * where a listener gets the driver's connection itself. On a pool hit this costs a read of a flag.
 */
final class JdbcLogin implements AgroalSecurityProvider, AgroalDataSourceListener {

    private final String resource;
    private final Credentials credentials;
    private final ThreadLocal<Integer> loggingIn = new ThreadLocal<>();
    private final Map<Connection, Integer> rotationOf = Collections.synchronizedMap(new WeakHashMap<>());
    private final AtomicBoolean straggler = new AtomicBoolean();
    private volatile int rotation;
    private volatile AgroalDataSource pool;
    private volatile BoundedWait bounded;
    private volatile BiConsumer<Properties, Duration> boundLogin;
    private volatile AfterLogin afterLogin = connection -> { };

    /** What the kind does to a connection just opened, before the pool has it. */
    @FunctionalInterface
    interface AfterLogin {
        void accept(Connection connection) throws SQLException;
    }

    JdbcLogin(String resource, Credentials credentials) {
        this.resource = resource;
        this.credentials = credentials;
    }

    /** The pool whose connections this logs in; set once it exists. */
    void pool(AgroalDataSource pool) {
        this.pool = pool;
    }

    /**
     * Where a retry's deadline is read, how the kind bounds one login to what is left of it, and what it undoes of
     * that bound once the connection is open.
     */
    void bound(BoundedWait bounded, BiConsumer<Properties, Duration> boundLogin, AfterLogin afterLogin) {
        this.boundLogin = boundLogin;
        this.afterLogin = afterLogin;
        this.bounded = bounded;
    }

    int rotation() {
        return rotation;
    }

    @Override
    public Properties getSecurityProperties(Object securityObject) {
        if (securityObject != this) {
            return null;
        }
        int under = rotation; // read before fetching: a rotation during the fetch makes this login a straggler
        Properties login = new Properties();
        // both fetched now, at the source: this is what "just in time" means for a pool that opens connections over time
        credentials.current(JdbcSettings.USERNAME).map(Secret::reveal).ifPresent(user -> login.setProperty("user", user));
        credentials.current(JdbcSettings.PASSWORD).map(Secret::reveal).ifPresent(p -> login.setProperty("password", p));
        BoundedWait b = bounded;
        Duration left = b == null ? null : b.left(); // Agroal opens the connection on the thread that asks for one
        if (left != null) {
            boundLogin.accept(login, left);
        }
        loggingIn.set(under);
        return login;
    }

    /** The credentials changed: new connections log in with the new ones, old ones retire as they come back. */
    void rotate() {
        rotation++;
        AgroalDataSource p = pool;
        if (p != null) {
            p.flush(AgroalDataSource.FlushMode.GRACEFUL);
        }
        PoolEventLog.LOG.log(INFO, "NEBULA-2510 JDBC resource ''{0}'': credentials rotated; connections opened with"
                + " the old ones are closed when idle or given back", resource);
    }

    /**
     * Runs first of the creation events ({@link AgroalEvents}): if the kind cannot finish the connection, Agroal fails
     * its creation (the pool never holds it) and this closes it, so that no session is left open at the database.
     */
    @Override
    public void onConnectionCreation(Connection connection) {
        Integer loggedInUnder = loggingIn.get();
        loggingIn.remove();
        try {
            afterLogin.accept(connection);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw new IllegalStateException("JDBC resource '" + resource + "': a new connection could not be"
                    + " prepared for the pool", e);
        }
        if (loggedInUnder == null) {
            return;
        }
        rotationOf.put(raw(connection), loggedInUnder);
        if (loggedInUnder != rotation) {
            straggler.set(true); // not in the pool yet, so a flush now would miss it; flush when it is seen in use
        }
    }

    @Override
    public void onConnectionAcquire(Connection connection) {
        flushIfStraggler(connection);
    }

    @Override
    public void beforeConnectionReturn(Connection connection) {
        flushIfStraggler(connection);
    }

    @Override
    public void onConnectionDestroy(Connection connection) {
        rotationOf.remove(raw(connection));
    }

    private void flushIfStraggler(Connection connection) {
        if (!straggler.get()) {
            return;
        }
        Integer loggedInUnder = rotationOf.get(raw(connection));
        if (loggedInUnder != null && loggedInUnder != rotation && straggler.compareAndSet(true, false)) {
            PoolEventLog.LOG.log(DEBUG, "NEBULA-2511 JDBC resource ''{0}'': a connection that logged in with the old"
                    + " credentials joined the pool after the rotation; flushing gracefully once more", resource);
            AgroalDataSource p = pool;
            if (p != null) {
                p.flush(AgroalDataSource.FlushMode.GRACEFUL);
            }
        }
    }

    /** The driver's connection (listeners get it already; unwrapping is kept for a driver whose own connection is a wrapper). */
    private static Connection raw(Connection connection) {
        try {
            return connection.unwrap(Connection.class);
        } catch (SQLException | RuntimeException e) {
            return connection;
        }
    }

    @Override
    public String toString() {
        return "JdbcLogin[" + resource + "]"; // never the credentials
    }
}
