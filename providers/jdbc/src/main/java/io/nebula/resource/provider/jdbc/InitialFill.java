package io.nebula.resource.provider.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static java.lang.System.Logger.Level.WARNING;

/**
 * Opens a new pool's first {@code pool.min-size} connections (at least one) on the thread that creates the
 * resource, before the pool is handed out, where Agroal 3.2.1 would open its {@code initialSize} in the background:
 * that background fill can leave a caller of {@code getConnection()} parked for the whole acquisition timeout
 * (forever with Agroal's own timeout of zero) while an idle connection sits in the pool.
 *
 * <p><b>The race</b> (Agroal 3.2.1, {@code io.agroal.pool.ConnectionPool}). {@code init()} takes
 * {@code initialSize} creation permits and queues as many creations on the pool's one housekeeping thread. Each
 * ({@code createAndPoolConnection}) adds its connection to {@code allConnections} as available, then offers it
 * with {@code handlerTransferQueue.tryTransfer}, which hands it to a thread already parked in {@code poll} and to
 * no one else: the only signal a waiter ever gets. A caller ({@code handlerFromSharedCache}) loops meanwhile:
 * it scans a snapshot of {@code allConnections} for an available connection; finding none, it reads
 * {@code allConnections.size()}; below {@code maxSize} it asks for a creation permit, which the fill holds, and
 * loops; at {@code maxSize} it parks in {@code handlerTransferQueue.poll} until its deadline, without scanning
 * again. So when the fill's creation that brings the pool to {@code maxSize} lands after the caller took its
 * snapshot but before it read the size, and the creation's {@code tryTransfer} runs before the caller is in
 * {@code poll}, the caller parks on a signal already gone. Nothing else signals during start-up (no connection
 * is given back), so it waits the whole {@code acquisitionTimeout} ({@code Long.MAX_VALUE} ns when that is zero),
 * and then the last scan Agroal makes before failing (AG-201) finds the idle connection and returns it.
 *
 * <p>It takes a fill creation that completes the pool to {@code maxSize} while a caller holds or waits for all the
 * others: {@code pool.min-size = pool.max-size} and an application (or the provider's own first
 * {@code getConnection()}, for a pool of one) taking connections as the fill runs. The window is the caller's
 * scan of its snapshot, so it widens with the pool: a pool of 32 taken whole as soon as created, over a driver
 * taking 1 ms to connect, stalled in most rounds, a pool of one in a few creations in a hundred
 * ({@code InitialFillTest}).
 *
 * <p><b>What is done instead.</b> Agroal's {@code initialSize} is 0 (its {@code minSize} stays
 * {@code pool.min-size}, so it keeps the minimum afterwards), and this takes {@code pool.min-size} connections
 * through the pool's own {@code getConnection()}, keeping each, then gives them all back. No one else can reach
 * the pool yet and Agroal creates nothing in the background meanwhile, so each acquisition finds the pool below
 * {@code maxSize} with a permit free and opens its connection on this thread: nothing parks, and no signal is
 * needed. When the pool is handed out, its {@code pool.min-size} connections are in it, idle, and every
 * acquisition finds one in its scan. It costs the creation its time: {@code create} returns once the minimum is
 * open, one connection after the other (as Agroal's fill opened them, on its one thread), where it returned
 * after the first.
 *
 * <p>The first connection failing fails the creation, as before, so a wrong password or a server that is down
 * fails the resource at once, classified by {@link JdbcProvider#isRetryable}. Each takes a permit of the session
 * budget when the pool has one (it is given at creation): the first refused by the budget opens nothing and leaves
 * the pool empty, not failed; the database was not asked then. A later one failing (a server at
 * its session limit, say) is logged and the pool starts with what it got, as it did when Agroal's fill failed:
 * Agroal opens the missing ones one at a time as connections are taken from a pool below its minimum.
 *
 * <p>The same lost signal remains possible later, outside this class's reach: when a connection Agroal creates
 * in the background (replacing one past {@code pool.max-lifetime}, refilling after a flush) completes the pool
 * to {@code maxSize} while a caller waits with every other connection in use; that caller then waits for the
 * next connection given back, or the acquisition timeout.
 */
final class InitialFill {

    private InitialFill() {
    }

    /**
     * Opens {@code max(1, pool.min-size)} connections through {@code pool}, keeping each until all are open, and
     * gives them back.
     *
     * @throws SQLException when the first connection cannot be opened (the caller closes the pool)
     */
    static void open(PooledDataSource pool) throws SQLException {
        int wanted = Math.max(1, pool.settings().minSize());
        List<Connection> opened = new ArrayList<>(wanted);
        SQLException shortfall = null;
        try {
            try {
                opened.add(pool.getConnection());
            } catch (SQLException | RuntimeException e) {
                if (PooledDataSource.budgetRefusal(e) == null) {
                    throw e;
                }
                // the session budget is spent on other pools or nodes: nothing was opened, and the pool starts empty;
                // its first getConnection() asks the budget again (and the database, which this did not reach)
                return;
            }
            while (opened.size() < wanted && shortfall == null) {
                try {
                    opened.add(pool.getConnection());
                } catch (SQLException e) {
                    shortfall = e;
                }
            }
        } finally {
            giveBack(opened);
        }
        if (shortfall != null) {
            PoolEventLog.LOG.log(WARNING, "NEBULA-2506 JDBC resource ''{0}'': opened {1} of the {2} connections of"
                            + " pool.min-size at start; the others are opened as connections are taken: {3}",
                    pool.resource(), opened.size(), wanted, shortfall.getMessage());
        }
    }

    /** As try-with-resources would: all closed, the first failure thrown with the others suppressed. */
    private static void giveBack(List<Connection> opened) throws SQLException {
        SQLException failed = null;
        for (Connection c : opened) {
            try {
                c.close();
            } catch (SQLException e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
