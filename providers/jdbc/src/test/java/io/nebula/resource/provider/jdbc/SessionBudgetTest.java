package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.spi.HandOutPipeline;
import io.nebula.resource.spi.InstanceBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Optional;
import io.nebula.resource.Secret;
import io.nebula.resource.spi.Credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The session budget ({@link InstanceBudget}, the cluster's {@code cluster.max-instances}) as the JDBC provider keeps it,
 * on the real PostgreSQL: a permit before each physical connection is opened, given back when it is closed or could
 * not be opened; a refused permit opens no session. The budget here is a plain counter, what the provider sees of the
 * cluster's ({@code ClusterLimits.instances}, tested in core and on Redis).
 */
class SessionBudgetTest {

    private final PostgresqlProvider postgresql = new PostgresqlProvider();
    private final List<AgroalDataSource> created = new ArrayList<>();

    @AfterEach
    void destroy() {
        created.forEach(postgresql::destroy);
    }

    /** A budget of {@code max} permits, counting what is held. */
    static final class Counted implements InstanceBudget {
        final int max;
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();

        Counted(int max) {
            this.max = max;
        }

        @Override
        public void take() {
            if (held.incrementAndGet() > max) {
                held.decrementAndGet();
                refused.incrementAndGet();
                throw new QuotaExceededException("budget-db", null, "cluster.max-instances", max, "budget spent");
            }
        }

        @Override
        public void give() {
            held.decrementAndGet();
        }
    }

    private static HandOutPipeline direct() {
        return new HandOutPipeline() {
            @Override
            public <T> Gate<T> around(Callable<T> handOut) {
                return handOut::call;
            }
        };
    }

    private AgroalDataSource create(String app, String... keyValues) throws SQLException {
        List<String> kv = new ArrayList<>(List.of(keyValues));
        kv.addAll(List.of("properties.ApplicationName", app));
        AgroalDataSource ds = postgresql.create(Databases.postgresql("budget-db", kv.toArray(String[]::new)));
        created.add(ds);
        return ds;
    }

    /** As the engine creates it: with its budget from the start. */
    private AgroalDataSource createWith(InstanceBudget budget, String app, String... keyValues) throws SQLException {
        List<String> kv = new ArrayList<>(List.of(keyValues));
        kv.addAll(List.of("properties.ApplicationName", app));
        AgroalDataSource ds = postgresql.create(Databases.postgresql("budget-db", kv.toArray(String[]::new)), budget);
        created.add(ds);
        return ds;
    }

    static int sessions(String app) throws SQLException {
        try (Connection c = DriverManager.getConnection(Databases.POSTGRESQL_URL, "postgres", null);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select count(*) from pg_stat_activity where application_name = '" + app + "'")) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    void aCreationBeyondTheBudgetOpensNoSessionAndFailsNamingTheLimit() throws Exception {
        String app = "nebula-budget-" + ProcessHandle.current().pid();
        AgroalDataSource ds = create(app, "pool.max-size", "5", "pool.acquire-timeout", "2s");
        Counted budget = new Counted(2);
        postgresql.budgetInstances(ds, budget);
        postgresql.handOutThrough(ds, direct());
        // the start-up connection, opened before the budget, holds no permit until its graceful flush replaced it (a
        // background close, documented): served idle meanwhile, it would be a third session without a permit
        awaitEverySessionHoldsAPermit(app, budget);

        Connection one = ds.getConnection();
        Connection two = ds.getConnection();
        long start = System.nanoTime();
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                .hasRootCauseInstanceOf(QuotaExceededException.class)
                .satisfies(e -> assertThat(root(e).limit()).isEqualTo("cluster.max-instances"));
        assertThat((System.nanoTime() - start) / 1_000_000).as("refused at once, not after the acquire timeout")
                .isLessThan(1500);
        assertThat(sessions(app)).isEqualTo(2);
        assertThat(budget.held.get()).isEqualTo(2);

        one.close(); // back to the pool, still open: the next caller takes it without a new permit
        try (Connection again = ds.getConnection()) {
            assertThat(again.isValid(1)).isTrue();
        }
        assertThat(budget.held.get()).isEqualTo(2);

        two.close();
        ds.flush(AgroalDataSource.FlushMode.ALL); // closed sessions give their permits back
        awaitHeld(budget, 0);
        postgresql.destroy(ds);
        awaitHeld(budget, 0); // given back once the sessions had time to end (cluster.instance-release-delay, 250 ms)
    }

    /** The engine's way: the budget given at creation ({@code create(settings, budget)}), before any connection. */
    @Test
    void aPoolCreatedWithItsBudgetOpensItsStartUpConnectionsThroughIt() throws Exception {
        String app = "nebula-budget-start-" + ProcessHandle.current().pid();
        Counted budget = new Counted(3);
        AgroalDataSource ds = createWith(budget, app, "pool.max-size", "4", "pool.min-size", "2");
        // no flush, no background replacement: the start-up check's and pool.min-size's connections took their permits
        assertThat(budget.held.get()).as("permits held once created").isEqualTo(2);
        assertThat(sessions(app)).as("sessions open once created").isEqualTo(2);
        postgresql.handOutThrough(ds, direct());
        try (Connection one = ds.getConnection(); Connection two = ds.getConnection(); Connection three = ds.getConnection()) {
            assertThat(budget.held.get()).isEqualTo(3);
            assertThatThrownBy(ds::getConnection).hasRootCauseInstanceOf(QuotaExceededException.class);
            assertThat(sessions(app)).isEqualTo(3);
        }
        postgresql.destroy(ds);
        awaitHeld(budget, 0); // given back once the sessions had time to end (cluster.instance-release-delay, 250 ms)
    }

    /**
     * {@code cluster.instance-release-delay}: a closed connection's permit goes back that long after the close, at once
     * with 0 (the pool's close gives it back before it returns), still held right after the close with 1 s.
     */
    @Test
    void aClosedConnectionsPermitGoesBackAfterTheResourcesReleaseDelay() throws Exception {
        assertThat(closedWithReleaseDelay("0").budget().held.get()).as("given back at once with 0").isZero();

        Closed delayed = closedWithReleaseDelay("1s");
        assertThat(delayed.budget().held.get()).as("held right after the close").isEqualTo(1);
        awaitHeld(delayed.budget(), 0);
        assertThat((System.nanoTime() - delayed.nanos()) / 1_000_000).as("given back no sooner than the delay")
                .isGreaterThanOrEqualTo(1000);
    }

    /** A pool's budget as its close returned, and when the close began. */
    private record Closed(Counted budget, long nanos) {
    }

    private Closed closedWithReleaseDelay(String delay) throws SQLException {
        Counted budget = new Counted(2);
        AgroalDataSource ds = createWith(budget, "nebula-budget-delay-" + ProcessHandle.current().pid(),
                "pool.max-size", "2", "cluster.instance-release-delay", delay);
        assertThat(budget.held.get()).as("the start-up connection's permit").isEqualTo(1);
        long closing = System.nanoTime();
        postgresql.destroy(ds);
        return new Closed(budget, closing);
    }

    @Test
    void aPoolWhoseBudgetIsSpentWhenItIsCreatedStartsEmptyAndOpensNothingUntilAPermitIsFree() throws Exception {
        String app = "nebula-budget-spent-" + ProcessHandle.current().pid();
        Counted budget = new Counted(1);
        budget.take(); // another pool's, or another node's
        AgroalDataSource ds = createWith(budget, app, "pool.max-size", "2", "pool.acquire-timeout", "2s");
        assertThat(sessions(app)).as("no session opened by the creation").isZero();
        assertThat(budget.refused.get()).as("the start-up check asked the budget").isEqualTo(1);
        postgresql.handOutThrough(ds, direct());
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                .hasRootCauseInstanceOf(QuotaExceededException.class);
        assertThat(sessions(app)).isZero();
        budget.give(); // the other pool closed its connection
        try (Connection c = ds.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
            assertThat(sessions(app)).isEqualTo(1);
            assertThat(budget.held.get()).isEqualTo(1);
        }
    }

    @Test
    void aConnectionThatCouldNotBeOpenedGivesItsPermitBack() throws Exception {
        // the user every new connection logs in as, read at each opening: from now on a role the database does not know
        AtomicReference<String> user = new AtomicReference<>("postgres");
        Credentials live = key -> key.equals("username") ? Optional.of(Secret.of(user.get())) : Optional.empty();
        AgroalDataSource ds = postgresql.create(Databases.postgresql("budget-db", "pool.max-size", "2",
                "pool.min-size", "0", "pool.acquire-timeout", "1s"), live);
        created.add(ds);
        Counted budget = new Counted(1);
        postgresql.budgetInstances(ds, budget);
        postgresql.handOutThrough(ds, direct());
        user.set("nebula_no_such_role");
        // the start-up check's connection is gone, and so is any the budget's own graceful flush reopened as postgres
        // in the background (an idle one would be served): flushed until no connection holds a permit
        long until = System.nanoTime() + 5_000_000_000L;
        do {
            ds.flush(AgroalDataSource.FlushMode.ALL);
            Thread.sleep(50);
        } while (budget.held.get() != 0 && System.nanoTime() < until);
        assertThat(budget.held.get()).as("no connection opened as postgres is left").isZero();

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(ds::getConnection).as("the database refuses, not the budget")
                    .isInstanceOf(SQLException.class).hasMessageContaining("nebula_no_such_role");
            assertThat(budget.held.get()).as("the failed opening's permit is back").isZero();
        }
        assertThat(budget.refused.get()).isZero();
    }

    private static QuotaExceededException root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return (QuotaExceededException) t;
    }

    private static void awaitEverySessionHoldsAPermit(String app, Counted budget) throws Exception {
        long until = System.nanoTime() + 5_000_000_000L;
        while (sessions(app) != budget.held.get() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(sessions(app)).as("sessions, each with a permit").isEqualTo(budget.held.get());
    }

    private static void awaitHeld(Counted budget, int expected) throws InterruptedException {
        long until = System.nanoTime() + 5_000_000_000L;
        while (budget.held.get() != expected && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(budget.held.get()).isEqualTo(expected);
    }
}
