package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.HandOutPipeline;
import io.nebula.resource.testing.FaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening a connection is bounded (issue 17, point 1), on the local PostgreSQL and MariaDB (through its driver and MySQL's) behind a {@link FaultProxy}
 * whose latency makes every login take seconds: by {@code login-timeout}, which PostgreSQL's driver ignored when it
 * came through the JVM-wide {@code DriverManager} (a login waited 20 s), and for a retry that has only part of its
 * budget left, by that: an attempt given 500 ms that finds no free connection and room for a new one ends then, not
 * after {@code login-timeout} (5 s here).
 */
class BoundedLoginTest {

    private static final Duration GIVEN = Duration.ofMillis(500);

    private FaultProxy proxy;
    private JdbcProvider provider;
    private AgroalDataSource ds;

    @AfterEach
    void close() {
        if (ds != null) {
            provider.destroy(ds);
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /** A pipeline whose every hand-out is one attempt given {@link #GIVEN}: a retry late in its budget. */
    private static HandOutPipeline retryGiven(Duration within) {
        return new HandOutPipeline() {
            @Override
            public <T> Gate<T> around(Callable<T> handOut) {
                throw new AssertionError("the data source asks to be told its bound");
            }

            @Override
            public <T> Gate<T> bounded(Bounded<T> handOut) {
                return () -> handOut.handOut(within);
            }
        };
    }

    private void slowLoginIsCutAtWhatTheRetryHasLeft(JdbcProvider kind, ResourceSettings settings) throws Exception {
        provider = kind;
        ds = kind.create(settings); // one connection, opened before the latency
        kind.handOutThrough(ds, retryGiven(GIVEN));
        try (Connection held = ds.unwrap(PooledDataSource.class).checkedOut()) {
            proxy.latency(Duration.ofSeconds(3), Duration.ofSeconds(3));
            long start = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("500 ms given; login-timeout 5 s, each login round trip 6 s")
                    .isBetween(GIVEN.minusMillis(50), Duration.ofMillis(2500));
        }
    }

    /**
     * The pool's second connection, opened while the server is slow, after another resource was made with a longer
     * {@code login-timeout}: Agroal handed that one to the JVM-wide {@code DriverManager} last.
     */
    private void loginTimeoutOfTheResourceItselfBoundsAConnection(JdbcProvider kind, ResourceSettings settings) throws Exception {
        provider = kind;
        ds = kind.create(settings);
        AgroalDataSource other = new H2Provider().create(Databases.h2("patient-db", "login-timeout", "8s"));
        try (Connection held = ds.unwrap(PooledDataSource.class).checkedOut()) {
            proxy.latency(Duration.ofSeconds(3), Duration.ofSeconds(3));
            long start = System.nanoTime();
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("login-timeout 1 s, the other resource's 8 s,"
                    + " each login round trip 6 s").isBetween(Duration.ofMillis(900), Duration.ofMillis(3500));
        } finally {
            other.close();
        }
    }

    @Test
    void postgresqlLoginTimeout() throws Exception {
        proxy = FaultProxy.start("127.0.0.1", 5432);
        loginTimeoutOfTheResourceItselfBoundsAConnection(new PostgresqlProvider(), Databases.postgresql("slow-pg",
                "url", "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/test", "login-timeout", "1s",
                "pool.max-size", "2"));
    }

    @Test
    void mariadbLoginTimeout() throws Exception {
        proxy = FaultProxy.start("127.0.0.1", 3306);
        loginTimeoutOfTheResourceItselfBoundsAConnection(new MariadbProvider(), Databases.mariadb("slow-maria",
                "url", "jdbc:mariadb://" + proxy.host() + ":" + proxy.port() + "/test", "login-timeout", "1s",
                "pool.max-size", "2"));
    }

    @Test
    void postgresql() throws Exception {
        proxy = FaultProxy.start("127.0.0.1", 5432);
        slowLoginIsCutAtWhatTheRetryHasLeft(new PostgresqlProvider(), Databases.postgresql("slow-pg",
                "url", "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/test",
                "pool.max-size", "2", "login-timeout", "5s", "pool.acquire-timeout", "10s"));
    }

    @Test
    void mariadb() throws Exception {
        proxy = FaultProxy.start("127.0.0.1", 3306);
        slowLoginIsCutAtWhatTheRetryHasLeft(new MariadbProvider(), Databases.mariadb("slow-maria",
                "url", "jdbc:mariadb://" + proxy.host() + ":" + proxy.port() + "/test",
                "pool.max-size", "2", "login-timeout", "5s", "pool.acquire-timeout", "10s"));
    }

    @Test
    void mysqlLoginTimeout() throws Exception {
        proxy = FaultProxy.start("127.0.0.1", 3306);
        loginTimeoutOfTheResourceItselfBoundsAConnection(new MysqlProvider(), Databases.mysql("slow-mysql",
                "url", "jdbc:mysql://" + proxy.host() + ":" + proxy.port() + "/test", "login-timeout", "1s",
                "pool.max-size", "2"));
    }

    @Test
    void mysql() throws Exception {
        proxy = FaultProxy.start("127.0.0.1", 3306);
        slowLoginIsCutAtWhatTheRetryHasLeft(new MysqlProvider(), Databases.mysql("slow-mysql",
                "url", "jdbc:mysql://" + proxy.host() + ":" + proxy.port() + "/test",
                "pool.max-size", "2", "login-timeout", "5s", "pool.acquire-timeout", "10s"));
    }
}
