package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSourceListener;

import java.sql.Connection;
import java.time.Duration;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Writes what Agroal reports about one resource's pool to the log. Agroal has no logging of its own:
 * without a listener a detected leak goes unnoticed, so {@code pool.leak-threshold} would do nothing.
 */
final class PoolEventLog implements AgroalDataSourceListener {

    static final System.Logger LOG = System.getLogger("io.nebula.resource.provider.jdbc");

    private final String resource;
    private final Duration leakThreshold;

    PoolEventLog(String resource, Duration leakThreshold) {
        this.resource = resource;
        this.leakThreshold = leakThreshold;
    }

    @Override
    public void onConnectionLeak(Connection connection, Thread holder) {
        String who = holder == null ? "a thread" : "thread '" + holder.getName() + "'";
        // The holder's current stack points at the code that keeps the connection.
        Throwable where = new Throwable("stack of " + who + " holding the connection");
        where.setStackTrace(holder == null ? new StackTraceElement[0] : holder.getStackTrace());
        LOG.log(WARNING, "NEBULA-2503 JDBC resource '" + resource + "': a connection has been held by " + who
                + " for longer than pool.leak-threshold (" + leakThreshold + "); close it when"
                + " done (try-with-resources)", where);
    }

    @Override
    public void onWarning(String message) {
        LOG.log(WARNING, "NEBULA-2504 JDBC resource ''{0}'': pool warning: {1}", resource, message);
    }

    /** Mostly a broken connection failing to reset on its way back: the error says enough without its stack. */
    @Override
    public void onWarning(Throwable error) {
        LOG.log(WARNING, "NEBULA-2504 JDBC resource ''{0}'': pool warning: {1}", resource, error);
    }

    @Override
    public void onInfo(String message) {
        LOG.log(DEBUG, "NEBULA-2505 JDBC resource ''{0}'': {1}", resource, message);
    }
}
