package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.admin.ResourceAdmin;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Credential rotation across nodes (#13 point 4) through the CDI extension on Weld SE, against the real MariaDB and
 * the real Redis (db {@value #DB}, which no other test uses, so its channel {@code nebula:cluster:gate:9} is this
 * test's own). Three containers in one JVM, nodes {@code a}, {@code b} and {@code c}, each with a MariaDB resource
 * {@code db} whose credentials come from a directory of files ({@code credentials.source=directory}); a and b read
 * the same directory, c a copy of its own that the test updates late, as a secret store that propagates to some
 * nodes later than to others. No node polls its source during the test ({@code credentials.refresh-interval=1h}):
 * only the cluster can make b and c rotate.
 *
 * <p>Under a query load on every node, the user's password is changed on the server and in the files, and node a
 * learns it, through the admin API ({@link ResourceAdmin#refreshCredentials}) or its own watch (every 100 ms). Every
 * connection opened with the old password, on every node, must be gone from the server within a second of the
 * secret's change, and no query of the load may fail.
 */
class RotationOnWeldTest {

    static final int DB = 9;
    static final String REDIS = "redis://127.0.0.1:6379/" + DB;
    static final String CHANNEL = "nebula:cluster:gate:" + DB;
    static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/test";
    static final String OLD = "Old-Cluster-Rot-1";
    static final String NEW = "New-Cluster-Rot-2";
    /** How late c's copy of the secret follows: well inside c's re-reads (every 200 ms, for 800 ms). */
    static final long LAG_MILLIS = 300;

    private final String user = "nebula_rot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    /** Held strongly: JUL keeps its loggers weakly, and one collected would come back without the handler. */
    static final Logger CLUSTER_LOG = Logger.getLogger("io.nebula.resource.core.cluster");
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private RedisClient redis;
    private StatefulRedisConnection<String, String> admin;

    @TempDir
    Path shared;
    @TempDir
    Path lagging;

    @BeforeEach
    void createUserAndMountItsSecret() throws Exception {
        redis = RedisClient.create(REDIS);
        admin = redis.connect();
        root("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + OLD + "'");
        root("GRANT SELECT ON test.* TO '" + user + "'@'%'");
        for (Path dir : List.of(shared, lagging)) {
            mount(dir, "username", user);
            mount(dir, "password", OLD);
        }
        CLUSTER_LOG.addHandler(handler);
    }

    @AfterEach
    void close() throws Exception {
        try {
            while (!open.isEmpty()) {
                open.pop().close();
            }
        } finally {
            CLUSTER_LOG.removeHandler(handler);
            root("DROP USER IF EXISTS '" + user + "'@'%'");
            admin.close();
            redis.shutdown();
        }
    }

    private Map<String, String> config(String node, Path secrets, String refreshInterval) {
        Map<String, String> c = new HashMap<>();
        c.put("nebula.resource.coordination.kind", "redis");
        c.put("nebula.resource.coordination.url", REDIS);
        c.put("nebula.resource.db.kind", "mariadb");
        c.put("nebula.resource.db.url", MARIADB);
        c.put("nebula.resource.db.properties.sslMode", "disable");
        c.put("nebula.resource.db.credentials.source", "directory");
        c.put("nebula.resource.db.credentials.directory", secrets.toString());
        c.put("nebula.resource.db.credentials.refresh-interval", refreshInterval);
        c.put("nebula.resource.db.pool.min-size", "2");
        c.put("nebula.resource.db.pool.max-size", "2");
        c.put("nebula.resource.db.pool.acquire-timeout", "5s");
        c.put("nebula.cluster.resource", "coordination");
        c.put("nebula.cluster.node-id", node);
        c.put("nebula.cluster.redis-timeout", "500ms");
        return c;
    }

    private WeldContainer node(Map<String, String> config) {
        SmallRyeConfig cfg = new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(config, "node", 100)).build();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        try {
            resolver.releaseConfig(resolver.getConfig(loader));
        } catch (RuntimeException ignored) {
            // none registered yet
        }
        resolver.registerConfig(cfg, loader);
        WeldContainer container = NebulaWeld.container()
                .containerId("rotation-" + config.get("nebula.cluster.node-id")).initialize();
        open.push(container::shutdown);
        return container;
    }

    /** One query through the node's {@code db}: the id of the server session that ran it. */
    private static long query(WeldContainer node) throws SQLException {
        try (Lease<DataSource> l = node.select(Resources.class).get().acquire("db", DataSource.class);
             Connection c = l.get().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT CONNECTION_ID()")) {
            r.next();
            return r.getLong(1);
        }
    }

    /**
     * @param told how node a learns of the rotation: {@code admin}, an operator's credential refresh through the admin
     *             API; {@code watch}, its own credential watch (every 100 ms). b and c never poll during the test.
     */
    @ParameterizedTest
    @ValueSource(strings = {"admin", "watch"})
    void aPasswordRotatedOnNodeAIsFlushedOnEveryNodeWithinASecondWithNoFailedQuery(String told) throws Exception {
        Map<String, WeldContainer> nodes = new LinkedHashMap<>();
        nodes.put("a", node(config("a", shared, told.equals("watch") ? "100ms" : "1h")));
        nodes.put("b", node(config("b", shared, "1h")));
        nodes.put("c", node(config("c", lagging, "1h")));
        List<String> heard = new CopyOnWriteArrayList<>(); // every message on the cluster's channel
        StatefulRedisPubSubConnection<String, String> listen = redis.connectPubSub();
        open.push(listen);
        listen.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                heard.add(message);
            }
        });
        listen.sync().subscribe(CHANNEL);
        // each node subscribes on its heartbeat's thread after deployment: the rotation must find them listening
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.sync().pubsubNumsub(CHANNEL).get(CHANNEL) == 4L);

        AtomicBoolean running = new AtomicBoolean(true);
        Map<String, Set<Long>> sessionsOf = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(2 * nodes.size());
        Map<String, Long> flushedAfter = new LinkedHashMap<>();
        long toldA;
        try {
            nodes.forEach((id, node) -> {
                sessionsOf.put(id, ConcurrentHashMap.newKeySet());
                queries.put(id, new AtomicInteger());
                for (int i = 0; i < 2; i++) {
                    load.submit(() -> {
                        while (running.get()) {
                            try {
                                sessionsOf.get(id).add(query(node));
                                queries.get(id).incrementAndGet();
                                Thread.sleep(2);
                            } catch (InterruptedException e) {
                                return;
                            } catch (Throwable e) {
                                failures.add(e);
                            }
                        }
                    });
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> queries.values().stream().allMatch(q -> q.get() > 50)
                    && sessions().size() == 2 * nodes.size());

            // the database first, then the secret: the connections open meanwhile keep working, none is opened
            root("ALTER USER '" + user + "'@'%' IDENTIFIED BY '" + NEW + "'");
            Set<Long> old = sessions(); // every session now open logged in with the old password
            Map<String, Set<Long>> oldOf = new LinkedHashMap<>();
            nodes.keySet().forEach(id -> {
                Set<Long> mine = new HashSet<>(sessionsOf.get(id));
                mine.retainAll(old);
                oldOf.put(id, mine);
            });
            assertThat(oldOf.values()).as("each node's old sessions, seen by its load").allSatisfy(s ->
                    assertThat(s).isNotEmpty());
            toldA = System.nanoTime();
            mount(shared, "password", NEW);
            if (told.equals("admin")) {
                nodes.get("a").select(ResourceAdmin.class).get().refreshCredentials("db");
            }
            boolean lagged = false;
            // one connection for the polling: opening one per look would cost the loaded machine more than the look
            Connection watching = DriverManager.getConnection(MARIADB + "?sslMode=disable", "root", "");
            open.push(watching);
            while (flushedAfter.size() < nodes.size()) {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - toldA);
                if (!lagged && ms >= LAG_MILLIS) {
                    mount(lagging, "password", NEW); // c's secret store catches up
                    lagged = true;
                }
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
            System.out.println("[" + told + "] old-credential sessions gone, ms after the secret changed: " + flushedAfter
                    + " (old sessions per node " + oldOf + ")");
            assertThat(flushedAfter).as("ms after the secret changed until no session of each node logged in with the old"
                    + " password is left").containsOnlyKeys("a", "b", "c")
                    .allSatisfy((id, ms) -> assertThat(ms).as(id).isLessThan(1000L));
            assertThat(sessions()).as("no old session left at all").doesNotContainAnyElementsOf(old);

            Map<String, Integer> before = new HashMap<>();
            queries.forEach((id, q) -> before.put(id, q.get()));
            await().atMost(Duration.ofSeconds(10)).until(() -> queries.entrySet().stream()
                    .allMatch(e -> e.getValue().get() > before.get(e.getKey()) + 20));
        } finally {
            running.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(failures).as("what the load saw of the rotation").isEmpty();

        assertThat(heard).as("a's announcement, and no credential on the channel")
                .anySatisfy(m -> assertThat(m).matches("rotated\ta\tdb\t\\d+"))
                .allSatisfy(m -> assertThat(m).doesNotContain(OLD).doesNotContain(NEW));
        assertThat(heard).as("b and c rotated on a's word: they echo nothing")
                .noneSatisfy(m -> assertThat(m).matches("rotated\t[bc]\t.*"));
        List<String> infos = new ArrayList<>();
        logged.forEach(r -> infos.add(r.getMessage()));
        assertThat(infos).as("b and c each logged the rotation they heard")
                .anySatisfy(m -> assertThat(m).startsWith("NEBULA-4607 Node 'a'").contains("node 'b'"))
                .anySatisfy(m -> assertThat(m).startsWith("NEBULA-4607 Node 'a'").contains("node 'c'"))
                .noneSatisfy(m -> assertThat(m).startsWith("NEBULA-4608"));
        try (Connection ignored = DriverManager.getConnection(MARIADB + "?sslMode=disable", user, OLD)) {
            throw new AssertionError("the old password still works, so the test proves nothing");
        } catch (SQLException expected) {
            assertThat(expected.getErrorCode()).isEqualTo(1045);
        }
    }

    /** Writes a secret file whole, as the kubelet swaps a mounted Secret: a reader never sees half a value. */
    private static void mount(Path dir, String key, String value) throws IOException {
        Path next = Files.writeString(dir.resolve("." + key + ".next"), value + "\n");
        Files.move(next, dir.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
