package io.nebula.resource.provider.jdbc;

import io.nebula.resource.spi.BackendSignal;

import java.sql.SQLException;

/**
 * What the connections of one JDBC resource observe of the database while the application uses them, for the
 * resource's health. A connection that breaks in the application's hands (SQLState class 08, or the kind's own
 * broken-connection errors: the server went away mid-query) is news no acquisition carries: the application already
 * holds that connection, and the next {@code getConnection()} may wait for Agroal before it learns anything (up to a
 * second, while other callers wait for a connection). Agroal shows every error of a connection to the pool's
 * exception sorter, which tells this; the signal moves readiness to DOWN, and the next connection handed out brings
 * it UP again.
 */
final class ConnectionNews {

    private volatile BackendSignal signal = BackendSignal.NONE;

    /** From now on, news goes to {@code signal}: the resource's health, once its pool gave one. */
    void reportTo(BackendSignal signal) {
        this.signal = signal;
    }

    /** A connection in use failed because it is broken: the database went away, or the network to it. */
    void broke(SQLException error) {
        signal.unavailable(error);
    }
}
