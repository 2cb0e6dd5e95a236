package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSourceListener;

import java.sql.Connection;

/**
 * The one listener the provider gives Agroal, passing each event to those who follow it: the pool's counts
 * ({@link PoolCounts}), the login tracking ({@link JdbcLogin}), the log ({@link PoolEventLog}) and the durations
 * telemetry may listen to ({@link ConnectionFigures}). One listener
 * rather than three because Agroal calls every listener for every event, four of which come on each pool hit
 * (before and on acquisition, before and on return): with three listeners of three classes each of those calls
 * is a megamorphic interface call the JIT cannot inline, with one it is a direct call to code that does a
 * counter increment or a flag read.
 */
final class AgroalEvents implements AgroalDataSourceListener {

    private final PoolCounts counts;
    private final JdbcLogin login;
    private final PoolEventLog log;
    private final ConnectionFigures figures;
    private final CreationPermits permits;

    AgroalEvents(PoolCounts counts, JdbcLogin login, PoolEventLog log, ConnectionFigures figures, CreationPermits permits) {
        this.permits = permits;
        this.counts = counts;
        this.login = login;
        this.log = log;
        this.figures = figures;
    }

    // --- on every pool hit //

    @Override
    public void onConnectionAcquire(Connection connection) {
        counts.onConnectionAcquire(connection);
        login.onConnectionAcquire(connection);
        figures.acquired(connection);
    }

    @Override
    public void beforeConnectionReturn(Connection connection) {
        counts.beforeConnectionReturn(connection);
        login.beforeConnectionReturn(connection);
        figures.returned(connection);
    }

    // --- off the hit path //

    @Override
    public void beforePoolBlock(long timeout) {
        counts.beforePoolBlock(timeout);
    }

    @Override
    public void beforeConnectionCreation() {
        permits.beforeCreation(); // first: a refused permit opens nothing
        figures.beforeCreation();
    }

    @Override
    public void onConnectionCreation(Connection connection) {
        try {
            login.onConnectionCreation(connection); // first: it may refuse the connection, which is then not counted
        } catch (RuntimeException e) {
            permits.settle(); // closed by the login, never pooled: its permit goes back now
            throw e;
        }
        permits.created(connection);
        counts.onConnectionCreation(connection);
        figures.created();
    }

    @Override
    public void onConnectionPooled(Connection connection) {
        counts.onConnectionPooled(connection);
    }

    @Override
    public void onConnectionLeak(Connection connection, Thread thread) {
        counts.onConnectionLeak(connection, thread);
        log.onConnectionLeak(connection, thread);
    }

    @Override
    public void onConnectionInvalid(Connection connection) {
        counts.onConnectionInvalid(connection);
    }

    @Override
    public void onConnectionFlush(Connection connection) {
        counts.onConnectionFlush(connection);
    }

    @Override
    public void onConnectionReap(Connection connection) {
        counts.onConnectionReap(connection);
    }

    @Override
    public void onConnectionDestroy(Connection connection) {
        counts.onConnectionDestroy(connection);
        login.onConnectionDestroy(connection);
        permits.destroyed(connection);
    }

    @Override
    public void onWarning(String message) {
        log.onWarning(message);
    }

    @Override
    public void onWarning(Throwable error) {
        log.onWarning(error);
    }

    @Override
    public void onInfo(String message) {
        log.onInfo(message);
    }
}
