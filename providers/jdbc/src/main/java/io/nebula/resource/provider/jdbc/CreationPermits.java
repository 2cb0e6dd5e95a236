package io.nebula.resource.provider.jdbc;

import io.nebula.resource.spi.InstanceBudget;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The pool's share of a session budget ({@link InstanceBudget}: {@code cluster.max-instances},
 * {@code cluster.tenant.max-instances}): a permit is taken right before Agroal opens a physical connection
 * ({@code beforeConnectionCreation}, on the thread that opens it) and given back when that connection is destroyed,
 * or at once when its opening failed. A refused permit throws out of Agroal's creation, so the connection is never
 * opened: the database never sees a session without a permit.
 *
 * <p>A closed connection's permit is given back {@code cluster.instance-release-delay} (250 ms unless set) after it
 * was closed, not at once:
 * closing sends the database its goodbye and closes the socket, but the server still lists the session
 * ({@code pg_stat_activity}) until its backend process has exited, which on a loaded machine was measured to take tens
 * of milliseconds (docs/cluster.md); a permit given back at once let another connection open in that moment, one
 * session over the budget as the database counts. The delay holds up no caller: a refused creation fails at once.
 * A database that ends its sessions at once (or an operator who accepts the overlap) sets it to 0.
 *
 * <p>Agroal tells no listener that a creation failed in the driver; the permit taken for it is pending on the
 * opening thread and given back by {@link #settle} (after the caller's {@code getConnection()}), or at that thread's
 * next creation (Agroal's background fill).
 */
final class CreationPermits {

    /**
     * The resource's key of how long after a connection was closed its permit is given back: the server's time to end
     * the session. Core's {@code ClusterQuota} defines it (default 250 ms) and checks it at deployment.
     */
    static final String RELEASE_DELAY_KEY = "cluster.instance-release-delay";
    static final Duration DEFAULT_RELEASE_DELAY = Duration.ofMillis(250);

    /** Runs a closed connection's give-back once the release delay has passed; at once when it is 0. */
    private final java.util.concurrent.Executor afterExit;

    private volatile InstanceBudget budget = InstanceBudget.UNLIMITED;
    private final ThreadLocal<InstanceBudget> pending = new ThreadLocal<>();
    // the driver's connections that hold a permit, by identity
    private final Set<Connection> permitted = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    CreationPermits(Duration releaseDelay) {
        this.afterExit = releaseDelay.isZero() ? Runnable::run : java.util.concurrent.CompletableFuture
                .delayedExecutor(releaseDelay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The budget from now on; connections opened before hold no permit and give none back. */
    void budget(InstanceBudget budget) {
        this.budget = budget;
    }

    InstanceBudget budget() {
        return budget;
    }

    /** Agroal is about to open a connection: takes its permit, or throws the budget's refusal. */
    void beforeCreation() {
        settle();
        InstanceBudget b = budget;
        if (b == InstanceBudget.UNLIMITED) {
            return;
        }
        b.take(); // QuotaExceededException: Agroal opens nothing
        pending.set(b);
    }

    /** The connection was opened and the pool takes it: its permit is held until it is destroyed. */
    void created(Connection connection) {
        InstanceBudget b = pending.get();
        if (b != null) {
            pending.remove();
            permitted.add(raw(connection));
        }
    }

    /** A creation on this thread did not end in the pool (the driver failed, the kind could not prepare it). */
    void settle() {
        InstanceBudget b = pending.get();
        if (b != null) {
            pending.remove();
            b.give();
        }
    }

    /** A connection is closed: gives its permit back once its session has ended, if it held one. */
    void destroyed(Connection connection) {
        if (permitted.remove(raw(connection))) {
            InstanceBudget b = budget;
            afterExit.execute(b::give);
        }
    }

    /** The pool closed: every connection it still held is gone. */
    void closed() {
        settle();
        int left;
        synchronized (permitted) {
            left = permitted.size();
            permitted.clear();
        }
        InstanceBudget b = budget;
        if (left > 0) {
            afterExit.execute(() -> {
                for (int i = 0; i < left; i++) {
                    b.give();
                }
            });
        }
    }

    /** Connections open now that hold a permit. */
    int held() {
        return permitted.size();
    }

    private static Connection raw(Connection connection) {
        try {
            return connection.unwrap(Connection.class);
        } catch (SQLException | RuntimeException e) {
            return connection;
        }
    }
}
