package io.nebula.resource.provider.jdbc;

import io.agroal.api.AgroalDataSource;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.spi.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rotating a JDBC resource's password in place, against servers that check it: new connections log in with
 * the new password, those opened with the old one are flushed gracefully, and callers see no failure.
 */
class CredentialRotationTest {

    private final String user = "nebula_rot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final MariadbProvider provider = new MariadbProvider();
    private AgroalDataSource ds;
    private boolean userCreated;

    @AfterEach
    void dropUser() throws SQLException {
        if (ds != null) {
            ds.close();
        }
        if (userCreated) {
            root("DROP USER IF EXISTS '" + user + "'@'%'");
        }
    }

    @Test
    void anAlteredPasswordIsPickedUpWithoutAFailedAcquisitionAndNoOldConnectionRemains() throws Exception {
        root("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'Old-pass-1'");
        userCreated = true;
        root("GRANT SELECT ON test.* TO '" + user + "'@'%'");
        AtomicReference<String> password = new AtomicReference<>("Old-pass-1");
        Credentials live = key -> switch (key) {
            case "username" -> Optional.of(Secret.of(user));
            case "password" -> Optional.of(Secret.of(password.get()));
            default -> Optional.empty();
        };
        ResourceSettings settings = Databases.mariadb("tenant-db", "username", "someone-else", "pool.min-size", "4",
                "pool.max-size", "4", "pool.acquire-timeout", "5s");
        ds = provider.create(settings, live);
        await().atMost(Duration.ofSeconds(10)).until(() -> sessions().size() == 4);
        Set<Long> old = sessions();

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger queries = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 3; i++) {
                load.submit(() -> {
                    while (running.get()) {
                        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                             ResultSet r = s.executeQuery("SELECT CURRENT_USER()")) {
                            r.next();
                            queries.incrementAndGet();
                            Thread.sleep(2);
                        } catch (SQLException e) {
                            failures.incrementAndGet();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            await().until(() -> queries.get() > 50);

            root("ALTER USER '" + user + "'@'%' IDENTIFIED BY 'New-pass-2'");
            password.set("New-pass-2");
            assertThat(provider.renewCredentials(ds)).as("JDBC renews in place").isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Set<Long> now = sessions();
                return !now.isEmpty() && now.stream().noneMatch(old::contains);
            });
            int before = queries.get();
            await().until(() -> queries.get() > before + 50);
        } finally {
            running.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(failures).as("no caller saw the rotation").hasValue(0);
        assertThat(sessions()).as("no connection opened with the old password remains").doesNotContainAnyElementsOf(old);
        try (Connection c = DriverManager.getConnection(Databases.MARIADB_URL + "?sslMode=disable", user, "Old-pass-1")) {
            throw new AssertionError("the old password still works, so the test proves nothing");
        } catch (SQLException expected) {
            assertThat(expected.getErrorCode()).isEqualTo(1045);
        }
    }

    @Test
    void aConnectionThatLoggedInJustBeforeTheRotationIsFlushedOnceItJoinsThePool() throws Exception {
        PostgresqlProvider postgresql = new PostgresqlProvider();
        String application = "nebula-straggler-" + UUID.randomUUID();
        CountDownLatch fetched = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicBoolean holdNext = new AtomicBoolean();
        Credentials live = key -> {
            if (key.equals("password") && holdNext.compareAndSet(true, false)) {
                fetched.countDown();
                try {
                    proceed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return key.equals("username") ? Optional.of(Secret.of("postgres")) : Optional.empty();
        };
        ds = postgresql.create(Databases.postgresql("tenant-db", "pool.max-size", "2",
                "properties.ApplicationName", application), live);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        Connection held = ds.getConnection(); // the pool's one connection: the caller below must open another
        try {
            holdNext.set(true);
            Future<Integer> straggler = caller.submit(() -> {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
                    r.next();
                    return r.getInt(1);
                }
            });
            assertThat(fetched.await(10, TimeUnit.SECONDS)).isTrue();
            postgresql.renewCredentials(ds); // rotates while that connection is logging in with the old credential
            proceed.countDown();
            int pid = straggler.get(10, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(10)).until(() -> !pidsOf(application).contains(pid));
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
                r.next();
                assertThat(r.getInt(1)).isNotEqualTo(pid);
            }
        } finally {
            proceed.countDown();
            caller.shutdownNow();
            held.close();
        }
    }

    private Set<Long> sessions() throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(Databases.MARIADB_URL + "?sslMode=disable", "root", "");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }

    private static Set<Integer> pidsOf(String application) throws SQLException {
        Set<Integer> pids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(Databases.POSTGRESQL_URL, "postgres", "");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE application_name = '" + application + "'")) {
            while (r.next()) {
                pids.add(r.getInt(1));
            }
        }
        return pids;
    }

    private static void root(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(Databases.MARIADB_URL + "?sslMode=disable", "root", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
