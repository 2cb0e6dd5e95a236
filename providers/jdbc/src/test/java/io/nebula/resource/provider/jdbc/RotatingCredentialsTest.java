package io.nebula.resource.provider.jdbc;

import io.nebula.resource.NebulaResource;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.RuntimeConfig;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A database user's password is changed on the real MariaDB, and the secret file the resource reads its
 * credentials from (one file per key, as Kubernetes mounts a Secret) is replaced, while a load runs through the
 * injected {@code DataSource}. The load sees no failure; afterwards no connection opened with the old password
 * is left on the server, and the rotation is audited without the password.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.rotating-db.kind=mariadb",
        "nebula.resource.rotating-db.url=jdbc:mariadb://127.0.0.1:3306/test",
        "nebula.resource.rotating-db.properties.sslMode=disable",
        "nebula.resource.rotating-db.credentials.source=directory",
        "nebula.resource.rotating-db.credentials.refresh-interval=100ms",
        "nebula.resource.rotating-db.pool.min-size=4",
        "nebula.resource.rotating-db.pool.max-size=4",
        "nebula.resource.rotating-db.pool.acquire-timeout=5s"})
class RotatingCredentialsTest {

    static final String OLD = "Old-Rotating-1";
    static final String NEW = "New-Rotating-2";

    private final String user = "nebula_rot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    @TempDir
    Path secrets;

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Reports.class, Audit.class);

    @Inject
    Reports reports;

    @Inject
    Audit audit;

    @RuntimeConfig
    Map<String, String> mountedSecret() {
        return Map.of("nebula.resource.rotating-db.credentials.directory", secrets.toString());
    }

    /** An application bean that only knows the resource's name. */
    @ApplicationScoped
    static class Reports {
        @Inject
        @NebulaResource("rotating-db")
        DataSource db;

        String whoAmI() throws SQLException {
            try (Connection c = db.getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT CURRENT_USER()")) {
                r.next();
                return r.getString(1);
            }
        }
    }

    @ApplicationScoped
    static class Audit {
        private final List<AuditRecord> records = new CopyOnWriteArrayList<>();

        void on(@Observes AuditRecord record) {
            records.add(record);
        }

        List<AuditRecord> records() {
            return List.copyOf(records);
        }
    }

    @BeforeEach
    void createUserAndMountItsSecret() throws Exception {
        root("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + OLD + "'");
        root("GRANT SELECT ON test.* TO '" + user + "'@'%'");
        mount("username", user);
        mount("password", OLD);
    }

    @AfterEach
    void dropUser() throws SQLException {
        root("DROP USER IF EXISTS '" + user + "'@'%'");
    }

    @Test
    void aRotatedPasswordIsPickedUpUnderLoadWithNoFailureAndNoOldConnectionLeft() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger queries = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(3);
        Set<Long> old;
        try {
            for (int i = 0; i < 3; i++) {
                load.submit(() -> {
                    while (running.get()) {
                        try {
                            assertThat(reports.whoAmI()).startsWith(user + "@");
                            queries.incrementAndGet();
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            return;
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                });
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> queries.get() > 50 && sessions().size() == 4);
            old = sessions();

            // the database first, then the secret: connections open meanwhile keep working, none is opened
            root("ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + NEW + "'");
            mount("password", NEW);

            await().atMost(Duration.ofSeconds(10)).until(() -> audit.records().stream()
                    .anyMatch(r -> r.kind() == AuditKind.CREDENTIAL_ROTATION));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Set<Long> now = sessions();
                return !now.isEmpty() && now.stream().noneMatch(old::contains);
            });
            int before = queries.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> queries.get() > before + 50);
        } finally {
            running.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(failures).as("what the load saw of the rotation").isEmpty();
        assertThat(sessions()).as("connections opened with the old password").doesNotContainAnyElementsOf(old);
        try (Connection ignored = DriverManager.getConnection(Databases.MARIADB_URL + "?sslMode=disable", user, OLD)) {
            throw new AssertionError("the old password still works, so the test proves nothing");
        } catch (SQLException expected) {
            assertThat(expected.getErrorCode()).isEqualTo(1045);
        }

        List<AuditRecord> records = audit.records();
        assertThat(records).filteredOn(r -> r.kind() == AuditKind.CREDENTIAL_ROTATION).singleElement()
                .satisfies(r -> assertThat(r.detail()).contains("keys=password", "source=directory", "renewed=1"));
        assertThat(records).filteredOn(r -> r.kind() == AuditKind.CREDENTIAL_USE)
                .as("each connection fetched its login just in time").hasSizeGreaterThanOrEqualTo(8);
        assertThat(records).allSatisfy(r -> assertThat(r.toLogLine() + r).doesNotContain(OLD).doesNotContain(NEW));
    }

    /** Writes a secret file whole, as the kubelet swaps a mounted Secret: a reader never sees half a value. */
    private void mount(String key, String value) throws IOException {
        Path next = Files.writeString(secrets.resolve("." + key + ".next"), value + "\n");
        Files.move(next, secrets.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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

    private static void root(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(Databases.MARIADB_URL + "?sslMode=disable", "root", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
