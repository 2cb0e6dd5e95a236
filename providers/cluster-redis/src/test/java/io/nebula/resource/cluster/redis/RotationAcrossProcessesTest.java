package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Credential rotation across nodes (#13 point 4) across THREE JVM processes ({@link NodeProcesses}, each a Weld SE
 * node running {@link ClusterNodeProcess}), against the real MariaDB and the real Redis (db {@value #DB}). Every node
 * has a MariaDB resource {@code db} whose credentials come from one directory of files all nodes read
 * ({@code credentials.source=directory}); only node-1 may learn the new password (through the admin API or its own
 * watch every 100 ms), node-2 and node-3 never poll ({@code refresh-interval=1h}): only the cluster can make them
 * rotate. Under a query load on every node (2 threads, pool of 2), the password is changed in MariaDB and in the
 * files; the old-credential sessions of each node are those it reported ({@code SESSION <id>}) that were open when
 * the password changed on the server. Each node's must be gone from information_schema.PROCESSLIST within 1 s of the
 * secret's change, and no query may fail on any node (STATS failed=-).
 */
class RotationAcrossProcessesTest {

    static final int DB = 3;
    static final String REDIS = "redis://127.0.0.1:6379/" + DB;
    static final String CHANNEL = "nebula:cluster:gate:" + DB;
    static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/test";
    static final String OLD = "Old-Procs-Rot-1";
    static final String NEW = "New-Procs-Rot-2";
    static final List<String> IDS = List.of("node-1", "node-2", "node-3");

    private final String user = "rotprocs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private NodeProcesses nodes;
    private RedisClient redis;
    private StatefulRedisConnection<String, String> admin;

    @TempDir
    Path secrets;

    @BeforeEach
    void createUserAndMountItsSecret(TestInfo test) throws Exception {
        nodes = new NodeProcesses(Path.of("target", "three-jvm", "rotation-" + test.getDisplayName().replaceAll("\\W", "")));
        redis = RedisClient.create(REDIS);
        admin = redis.connect();
        admin.sync().flushdb();
        root("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + OLD + "'");
        root("GRANT SELECT ON test.* TO '" + user + "'@'%'");
        mount("username", user);
        mount("password", OLD);
    }

    @AfterEach
    void close() throws Exception {
        try {
            nodes.close();
        } finally {
            root("DROP USER IF EXISTS '" + user + "'@'%'");
            admin.close();
            redis.shutdown();
        }
    }

    private Map<String, String> config() {
        // the default heartbeat TTL (3 s), set as the shared configuration wants one
        Map<String, String> c = NodeProcesses.clusterConfig(REDIS, REDIS, Duration.ofSeconds(3), Duration.ofMillis(500));
        c.put("nebula.resource.db.kind", "mariadb");
        c.put("nebula.resource.db.url", MARIADB);
        c.put("nebula.resource.db.properties.sslMode", "disable");
        c.put("nebula.resource.db.credentials.source", "directory");
        c.put("nebula.resource.db.credentials.directory", secrets.toString());
        c.put("nebula.resource.db.credentials.refresh-interval", "1h");
        c.put("nebula.resource.db.pool.min-size", "2");
        c.put("nebula.resource.db.pool.max-size", "2");
        c.put("nebula.resource.db.pool.acquire-timeout", "5s");
        return c;
    }

    /**
     * @param told how node-1 learns of the rotation: {@code admin}, the admin API's credential refresh (the node's
     *             {@code refresh db}); {@code watch}, its own credential watch every 100 ms.
     */
    @ParameterizedTest
    @ValueSource(strings = {"admin", "watch"})
    void aPasswordRotatedOnOneNodeIsFlushedOnAllThreeProcessesWithinASecondWithNoFailedQuery(String told) throws Exception {
        Map<String, Map<String, String>> overrides = told.equals("watch")
                ? Map.of("node-1", Map.of("nebula.resource.db.credentials.refresh-interval", "100ms")) : Map.of();
        List<NodeProcesses.Node> started = nodes.start(config(), IDS, overrides);
        // each node subscribes on its heartbeat's thread after deployment: the rotation must find them listening
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.sync().pubsubNumsub(CHANNEL).get(CHANNEL) == 3L);
        for (NodeProcesses.Node n : started) {
            n.ask("query db 2", "QUERYING");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> started.stream().allMatch(n -> n.said("SESSION").size() >= 2)
                && sessions().size() == 6);

        // the database first, then the secret: the sessions open meanwhile keep working, none is opened
        root("ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + NEW + "'");
        Set<Long> old = sessions(); // every session now open logged in with the old password
        Map<String, Set<Long>> oldOf = new LinkedHashMap<>();
        for (NodeProcesses.Node n : started) {
            Set<Long> mine = new HashSet<>();
            n.said("SESSION").forEach(l -> mine.add(Long.parseLong(l.substring("SESSION ".length()))));
            mine.retainAll(old);
            oldOf.put(n.id, mine);
        }
        assertThat(oldOf.values()).as("each node's old sessions").allSatisfy(s -> assertThat(s).isNotEmpty());
        Map<String, ClusterAcrossProcessesTest.Stats> beforeOf = new HashMap<>();
        for (NodeProcesses.Node n : started) {
            beforeOf.put(n.id, ClusterAcrossProcessesTest.Stats.of(n.ask("mark", "STATS"))); // up to the rotation
        }
        Connection watching = DriverManager.getConnection(MARIADB + "?sslMode=disable", "root", "");
        long changed = System.nanoTime();
        mount("password", NEW);
        if (told.equals("admin")) {
            started.get(0).send("refresh db");
        }
        Map<String, Long> flushedAfter = new LinkedHashMap<>();
        try (watching) {
            while (flushedAfter.size() < oldOf.size()) {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
                if (ms > 5_000) {
                    break; // reported below
                }
                Set<Long> now = sessions(watching);
                for (var e : oldOf.entrySet()) {
                    if (!flushedAfter.containsKey(e.getKey()) && e.getValue().stream().noneMatch(now::contains)) {
                        flushedAfter.put(e.getKey(), ms);
                    }
                }
                Thread.sleep(5);
            }
        }
        // node-1's rotation: its NEBULA-4302, stamped with CLOCK_MONOTONIC, the clock of System.nanoTime here too
        String rotatedLog = started.get(0).expect("LOG", Duration.ofSeconds(10));
        assertThat(rotatedLog).contains("NEBULA-4302");
        long rotatedMs = TimeUnit.NANOSECONDS.toMillis(Long.parseLong(rotatedLog.split(" ")[1]) - changed);
        Map<String, Long> afterRotation = new LinkedHashMap<>();
        flushedAfter.forEach((id, ms) -> afterRotation.put(id, ms - rotatedMs));
        System.out.println("[" + told + "] old-credential sessions gone, ms after the secret changed: " + flushedAfter
                + "; node-1 rotated " + rotatedMs + " ms after it; ms after node-1's rotation: " + afterRotation
                + " (old sessions per node " + oldOf + ")");
        assertThat(afterRotation).as("ms after node-1 rotated until no session of each node logged in with the old"
                + " password is left").containsOnlyKeys(IDS.toArray(String[]::new))
                .allSatisfy((id, ms) -> assertThat(ms).as(id).isLessThan(1000L));

        // the load goes on with the new password on every node, then every node's STATS: no failed query
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> started.stream()
                    .allMatch(n -> n.said("SESSION").stream()
                            .anyMatch(l -> !old.contains(Long.parseLong(l.substring("SESSION ".length()))))));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            started.forEach(n -> System.out.println(n.id + " said " + n.lines));
            throw new AssertionError("a node opened no new session after the rotation", e);
        }
        Thread.sleep(500);
        for (NodeProcesses.Node n : started) {
            ClusterAcrossProcessesTest.Stats before = beforeOf.get(n.id);
            ClusterAcrossProcessesTest.Stats after = ClusterAcrossProcessesTest.Stats.of(n.ask("stop", "STATS"));
            System.out.println("[" + told + "] " + n.id + " queries before " + before.get("acquired") + " failed "
                    + before.values().get("failed") + "; after " + after.get("acquired") + " failed "
                    + after.values().get("failed"));
            assertThat(before.values().get("failed")).as(n.id + " failed queries before the rotation").isEqualTo("-");
            assertThat(after.values().get("failed")).as(n.id + " failed queries across the rotation").isEqualTo("-");
            assertThat(after.get("acquired")).as(n.id + " queries across the rotation").isPositive();
        }
        for (NodeProcesses.Node n : started.subList(1, 3)) {
            assertThat(n.said("LOG")).as(n.id + " logged the rotation it heard from node-1")
                    .anySatisfy(l -> assertThat(l).contains("NEBULA-4607 Node 'node-1'"));
        }
        assertThat(sessions()).as("no old session left at all").doesNotContainAnyElementsOf(old);
        try (Connection ignored = DriverManager.getConnection(MARIADB + "?sslMode=disable", user, OLD)) {
            throw new AssertionError("the old password still works, so the test proves nothing");
        } catch (SQLException expected) {
            assertThat(expected.getErrorCode()).isEqualTo(1045);
        }
    }

    /** Writes a secret file whole, as the kubelet swaps a mounted Secret: a reader never sees half a value. */
    private void mount(String key, String value) throws IOException {
        Path next = Files.writeString(secrets.resolve("." + key + ".next"), value + "\n");
        Files.move(next, secrets.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Set<Long> sessions() throws SQLException {
        try (Connection c = DriverManager.getConnection(MARIADB + "?sslMode=disable", "root", "")) {
            return sessions(c);
        }
    }

    private Set<Long> sessions(Connection c) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }

    private static void root(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(MARIADB + "?sslMode=disable", "root", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
