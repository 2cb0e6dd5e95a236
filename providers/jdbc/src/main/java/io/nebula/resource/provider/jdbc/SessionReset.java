package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalPoolInterceptor;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static java.lang.System.Logger.Level.WARNING;

/**
 * Resets a connection's session before anyone else uses it: on its way back to the pool, after Agroal has
 * reset what JDBC knows about (auto-commit, isolation, read-only), it runs the kind's reset statements
 * ({@code DISCARD ALL} on PostgreSQL, which brings search_path, session settings, role, temporary tables,
 * advisory locks and prepared statements back to how the connection started) or the resource's
 * {@code session.reset-sql}. On by default for a resource of scope {@code tenant}.
 *
 * <p>A connection whose reset fails is in an unknown state and must not be reused: while a reset runs,
 * {@link #inProgress()} makes the pool's exception sorter call every error fatal, so Agroal discards the
 * connection instead of pooling it; the caller who gave it back sees nothing.
 */
final class SessionReset implements AgroalPoolInterceptor {

    private static final ThreadLocal<Boolean> RESETTING = new ThreadLocal<>();

    private final String resource;
    private final List<String> statements;

    SessionReset(String resource, List<String> statements) {
        this.resource = resource;
        this.statements = List.copyOf(statements);
    }

    /** Whether the current thread is resetting a session: any error then means the connection is discarded. */
    static boolean inProgress() {
        return RESETTING.get() != null;
    }

    @Override
    public void onConnectionReturn(Connection connection) {
        RESETTING.set(Boolean.TRUE);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException | RuntimeException e) {
            PoolEventLog.LOG.log(WARNING, "NEBULA-2512 JDBC resource ''{0}'': resetting a connection''s session failed"
                    + " ({1}: {2}); the connection is discarded", resource, e.getClass().getName(), e.getMessage());
        } finally {
            RESETTING.remove();
        }
    }

    @Override
    public int getPriority() {
        return 20;
    }

    @Override
    public String toString() {
        return "SessionReset[" + resource + ", " + statements + "]";
    }
}
