package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.cluster.redis.ClusterAcrossProcessesTest.Stats;
import io.nebula.resource.cluster.redis.NodeProcesses.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #13's "Stop PostgreSQL under load" on three JVM processes ({@link ClusterNodeProcess}, the harness of
 * {@link ClusterAcrossProcessesTest}): a PostgreSQL of the test's own ({@link PrivatePostgres}) behind a
 * {@link CountingForwarder}, each acquisition of resource {@code pg} one real session ({@link PgSessionProvider}).
 * Under load, the server is stopped ({@code pg_ctl stop -m fast}) for 3 s and started again. Asserted: the gate is open
 * on all three nodes within 1 s of the first node's NEBULA-4604 and of the first failed acquisition; while every gate
 * is open and the server is down, the attempts that reach the forwarder are one at a time across the three nodes (none
 * overlaps another) and each begins at least a probe interval after the one before ended; every node serves again
 * within 2 s of the server's return (pg_ctl start returning, or the first session the server accepted if sooner), and
 * no gate opens again. The cluster counts in Redis db {@value #DB} (flushed).
 */
class PostgresStopAcrossProcessesTest {

    static final int DB = 4;
    static final String REDIS = "redis://127.0.0.1:6379/" + DB;
    static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
    /** Redis expires the claim to the millisecond; a node's own clock and its calls add a little. */
    static final long GAP_TOLERANCE_MS = 20;
    static final List<String> IDS = List.of("node-1", "node-2", "node-3");

    private final NodeProcesses nodes = new NodeProcesses(Path.of("target", "three-jvm", "postgresStopped"));
    private PrivatePostgres postgres;
    private CountingForwarder forwarder;
    private RedisClient redis;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(PrivatePostgres.available(), "PostgreSQL 15 binaries and runuser not on this machine");
        redis = RedisClient.create(REDIS);
        admin = redis.connect();
        admin.sync().flushdb();
        postgres = new PrivatePostgres();
        forwarder = new CountingForwarder(PrivatePostgres.PORT);
    }

    @AfterEach
    void stop() throws Exception {
        nodes.close(); // every node killed (SIGKILL) and waited for
        if (forwarder != null) {
            forwarder.close();
        }
        if (postgres != null) {
            postgres.close(); // pg_ctl stop -m immediate, or kill -9 of its postmaster
        }
        if (admin != null) {
            admin.close();
            redis.shutdown();
        }
    }

    private Map<String, String> config() {
        Map<String, String> c = ClusterAcrossProcessesTest.config(REDIS, ClusterAcrossProcessesTest.LOADED);
        c.put("threejvm.observe", "redis://127.0.0.1:6379/11"); // the load counts nothing there (no quota)
        c.put("nebula.cluster.probe-interval", PROBE_INTERVAL.toMillis() + "ms");
        c.put("nebula.resource.pg.kind", "cluster-test-pg");
        c.put("nebula.resource.pg.port", Integer.toString(forwarder.port()));
        // min-size 1: the pool engine keeps a session and probes a failing server itself (its recovery probe)
        c.put("nebula.resource.pg.pool.min-size", "1");
        c.put("nebula.resource.pg.pool.max-size", "4");
        c.put("nebula.resource.pg.pool.acquire-timeout", "1s");
        c.put("nebula.resource.pg.pool.validation-bypass", "0ms"); // an idle session is checked before it is leased
        c.put("nebula.resource.pg.health.interval", "0"); // scheduled checks do not ask the cluster's claim (cluster.md)
        c.put("nebula.resource.pg.retry.max-retries", "0");
        c.put("nebula.resource.pg.circuit-breaker.request-volume-threshold", "1");
        c.put("nebula.resource.pg.circuit-breaker.failure-ratio", "1");
        c.put("nebula.resource.pg.circuit-breaker.delay", "1m"); // circuits half-open by the gate's closing
        return c;
    }

    /** The first instant (nanoTime) at or after {@code since} of a line of {@code node} beginning with {@code prefix} and containing {@code part}. */
    private static long firstAt(Node node, String prefix, String part, long since) {
        return node.said(prefix).stream().filter(l -> l.contains(part)).mapToLong(l -> Long.parseLong(l.split(" ")[1]))
                .filter(t -> t >= since).min().orElse(Long.MAX_VALUE);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    @Test
    void postgresStoppedUnderLoadOpensTheGateOnAllThreeWithinASecondOneProbeAtATimeAllRecoverWithinTwoSeconds()
            throws Exception {
        List<Node> cluster = nodes.start(config(), IDS, Map.of());
        String channel = "nebula:cluster:gate:" + DB;
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.sync().pubsubNumsub(channel).get(channel) == 3L);
        // node-1 opens sessions back to back; node-2 and node-3 now and then, so they mostly learn it from the gate
        cluster.get(0).ask("load pg 0 2 5 0", "LOADING");
        cluster.get(1).ask("load pg 0 1 200 0", "LOADING");
        cluster.get(2).ask("load pg 0 1 200 0", "LOADING");
        Thread.sleep(1500);
        for (Node n : cluster) {
            assertThat(n.said("EVT")).as(n.id + " served before the stop").anyMatch(l -> l.endsWith(" ok"));
        }

        long cut = System.nanoTime();
        postgres.stop("fast");
        long stopped = System.nanoTime(); // pg_ctl -w returned: the server is down, every later attempt refused
        Thread.sleep(Math.max(0, 3000 - ms(stopped - cut)));
        long starting = System.nanoTime();
        postgres.start();
        long back = System.nanoTime(); // pg_ctl -w returned: it accepts connections
        Thread.sleep(3000);
        List<Stats> stats = new ArrayList<>();
        for (Node n : cluster) {
            n.send("stop");
        }
        for (Node n : cluster) {
            stats.add(Stats.of(n.expect("STATS", Duration.ofSeconds(30))));
        }

        // the gate opened on each node: its own NEBULA-4604, or a refusal naming the node that saw it
        long firstLog = Long.MAX_VALUE;
        long firstFailure = Long.MAX_VALUE;
        long last = 0;
        for (Node n : cluster) {
            long opened = Math.min(firstAt(n, "LOG", "NEBULA-4604", cut), firstAt(n, "EVT", "circuit-open node-", cut));
            assertThat(opened).as(n.id + " opened its gate; it said " + n.lines).isNotEqualTo(Long.MAX_VALUE);
            last = Math.max(last, opened);
            firstLog = Math.min(firstLog, firstAt(n, "LOG", "NEBULA-4604", cut));
            firstFailure = Math.min(firstFailure, Math.min(firstAt(n, "EVT", " fail ", cut), firstAt(n, "EVT", "circuit-open", cut)));
        }
        long allOpen = last;

        // what reached the server's port while every gate was open and the server down
        long from = Math.max(allOpen, stopped);
        List<CountingForwarder.Attempt> probes = forwarder.attempts().stream()
                .filter(a -> a.start() >= from && a.start() < starting)
                .sorted((a, b) -> Long.compare(a.start(), b.start())).toList();
        String seen = probes.stream().map(a -> ms(a.start() - from) + "+" + ms(a.end() - a.start()) + " " + a.who())
                .toList() + " ms after every gate was open and the server down";
        int overlapping = 0;
        long minGapMs = Long.MAX_VALUE;
        for (int i = 1; i < probes.size(); i++) {
            long gap = probes.get(i).start() - probes.get(i - 1).end();
            if (gap < 0) {
                overlapping++;
            }
            minGapMs = Math.min(minGapMs, ms(gap));
        }
        Map<String, Long> byNode = probes.stream().collect(Collectors.groupingBy(a -> a.who().split(" ")[0], Collectors.counting()));
        long windowMs = ms(starting - from);

        // all recover: each node's first lease after the server's return. The return: pg_ctl -w returning, or the first
        // attempt the server accepted if that came first (pg_ctl polls, and the test's thread may run late on a loaded
        // machine: a node was seen serving before pg_ctl had returned)
        long returned = forwarder.attempts().stream().filter(a -> a.start() >= starting && a.reached())
                .mapToLong(CountingForwarder.Attempt::start).min().orElse(back);
        returned = Math.min(returned, back);
        long slowest = 0;
        for (Node n : cluster) {
            long ok = firstAt(n, "EVT", " ok", starting);
            assertThat(ok).as(n.id + " served again; it said " + n.lines).isNotEqualTo(Long.MAX_VALUE);
            slowest = Math.max(slowest, ok - returned);
        }
        System.out.printf("PostgreSQL stopped under load on three JVMs: every gate open %d ms after the first NEBULA-4604,"
                        + " %d ms after the first failed acquisition; %d attempts reached the server's port in the %d ms"
                        + " every gate was open and the server down (by node %s), %d overlapping, the smallest gap between"
                        + " one's end and the next's start %d ms (probe interval %d ms): %s; the server stopped in %d ms,"
                        + " started in %d ms; every node served again %d ms after it accepted connections (%d ms after"
                        + " pg_ctl start began); %s%n",
                ms(allOpen - firstLog), ms(allOpen - firstFailure), probes.size(), windowMs, byNode, overlapping,
                minGapMs, PROBE_INTERVAL.toMillis(), seen, ms(stopped - cut), ms(back - starting), ms(slowest),
                ms(slowest + returned - starting), stats.stream().map(Stats::values).toList());

        assertThat(Duration.ofNanos(allOpen - firstLog)).as("from the first node's NEBULA-4604 to every gate open")
                .isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(Duration.ofNanos(allOpen - firstFailure)).as("from the first failed acquisition to every gate open")
                .isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(probes).as("the server was probed while every gate was open: " + seen).hasSizeGreaterThanOrEqualTo(2);
        assertThat(probes).as("refused, the server being down: " + seen).noneMatch(CountingForwarder.Attempt::reached);
        assertThat(overlapping).as("attempts overlapping another, across the three nodes: " + seen).isZero();
        assertThat(minGapMs).as("from one attempt's end to the next's start, ms: " + seen)
                .isGreaterThanOrEqualTo(PROBE_INTERVAL.toMillis() - GAP_TOLERANCE_MS);
        assertThat((long) probes.size()).as("at most one attempt per probe interval: " + seen)
                .isLessThanOrEqualTo(windowMs / PROBE_INTERVAL.toMillis() + 1);
        assertThat(Duration.ofNanos(slowest)).as("every node served again after the server's return")
                .isLessThanOrEqualTo(Duration.ofSeconds(2));
        for (Node n : cluster) {
            assertThat(firstAt(n, "LOG", "NEBULA-4604", returned))
                    .as(n.id + " opened no gate after the recovery; it said " + n.lines).isEqualTo(Long.MAX_VALUE);
        }
    }
}
