package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nebula.resource.cluster.redis.NodeProcesses.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #13's tests across processes: three nodes, each a JVM of its own ({@link ClusterNodeProcess}, a Weld SE
 * application with the extension) with the same configuration but {@code nebula.cluster.node-id}, under load driven
 * from here. The cluster counts in the real Redis, db {@value #DB}, which no other test uses (flushed before each
 * test), except in the Redis-down test, whose cluster counts in a private {@code redis-server} this test starts and
 * kills. What the nodes observe is counted in db {@value #DB} too, under {@code threejvm:*}.
 */
class ClusterAcrossProcessesTest {

    static final int DB = 8;
    static final String REDIS = "redis://127.0.0.1:6379/" + DB;
    static final int TENANTS = 100;
    static final int QUOTA = 3;
    static final int RATE = 20;
    static final Duration TTL = Duration.ofSeconds(2);
    /**
     * The Redis timeout where the test needs the cluster's count: the default 50 ms was missed now and then (NEBULA-4601 seen)
     * on this 2-core machine under the three nodes' load, and each miss makes a node count alone (NEBULA-4601) for a moment,
     * legitimately over the cluster's limits.
     */
    static final Duration LOADED = Duration.ofSeconds(1);
    /**
     * The Redis-down test's timeout, and a local quota below the cluster's. Not the default 50 ms: on this machine at a
     * load average of 14 the nodes missed it 13 times in 15 s (NEBULA-4601 and back), counting alone each time, so no
     * phase was counted by the cluster throughout; at 250 ms they rarely do.
     */
    static final Duration REDIS_TIMEOUT = Duration.ofMillis(250);
    static final long LATENCY_MARGIN_MS = 450;
    static final int LOCAL_QUOTA = 2;
    /** A node's pool engine probes a known-down backend at most once a second (Recovery); a loaded machine's margin. */
    static final Duration PER_NODE_PROBE_GAP = Duration.ofMillis(700);
    /** nebula.cluster.probe-interval's default: a failed probe keeps the cluster's claim that long. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
    static final List<String> IDS = List.of("node-1", "node-2", "node-3");

    private NodeProcesses nodes;
    private final List<AutoCloseable> open = new ArrayList<>();
    private RedisClient redis;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void flush(TestInfo test) {
        // each test's nodes write their stderr (their logs) to target/three-jvm/<test>/<node>.log
        nodes = new NodeProcesses(Path.of("target", "three-jvm", test.getTestMethod().orElseThrow().getName()));
        redis = RedisClient.create(REDIS);
        admin = redis.connect();
        admin.sync().flushdb();
    }

    @AfterEach
    void close() throws Exception {
        nodes.close(); // every node killed and waited for, whatever the test did
        for (AutoCloseable c : open) {
            c.close();
        }
        admin.close();
        redis.shutdown();
    }

    /** Every node's configuration; the cluster counts at {@code coordinationUrl}. */
    static Map<String, String> config(String coordinationUrl, Duration redisTimeout) {
        Map<String, String> c = NodeProcesses.clusterConfig(REDIS, coordinationUrl, TTL, redisTimeout);
        c.put("nebula.resource.ledger.kind", "cluster-test-token");
        c.put("nebula.resource.ledger.scope", "tenant");
        c.put("nebula.resource.ledger.pool.min-size", "0");
        c.put("nebula.resource.ledger.pool.max-size", "4");
        c.put("nebula.resource.ledger.pool.acquire-timeout", "1s");
        c.put("nebula.resource.ledger.cluster.tenant.max-concurrent-leases", Integer.toString(QUOTA));
        c.put("nebula.resource.ledger.cluster.tenant.max-acquisitions-per-second", Integer.toString(RATE));
        return c;
    }

    /** A {@code STATS} line's figures: numbers by name, and {@code refused} / {@code failed} as "key:count,...". */
    record Stats(Map<String, String> values) {
        static Stats of(String line) {
            Map<String, String> v = new HashMap<>();
            Matcher m = Pattern.compile("(\\w+)=(\\S+)").matcher(line);
            while (m.find()) {
                v.put(m.group(1), m.group(2));
            }
            return new Stats(v);
        }

        long get(String name) {
            return Long.parseLong(values.get(name));
        }

        long refused(String limit) {
            return count(values.get("refused"), limit);
        }

        long failed(String type) {
            return count(values.get("failed"), type);
        }

        private static long count(String list, String key) {
            for (String e : list.split(",")) {
                int colon = e.lastIndexOf(':');
                if (colon > 0 && e.substring(0, colon).equals(key)) {
                    return Long.parseLong(e.substring(colon + 1));
                }
            }
            return 0;
        }
    }

    /**
     * One lease on each node, then its check UP: each node's first calls to Redis (connecting, on a JVM that has
     * compiled nothing yet) are out of the way before what is measured.
     */
    private static void warmUp(List<Node> cluster) {
        for (Node n : cluster) {
            assertThat(n.ask("try ledger warm-" + n.id, "TRY")).isEqualTo("TRY ok"); // a tenant of its own, not loaded
            await().atMost(Duration.ofSeconds(10)).until(() -> n.ask("health", "HEALTH").equals("HEALTH UP"));
        }
    }

    private static List<Stats> stats(List<Node> nodes, String command) {
        nodes.forEach(n -> n.send(command));
        return nodes.stream().map(n -> Stats.of(n.expect("STATS", Duration.ofSeconds(30)))).toList();
    }

    @Test
    void oneHundredTenantsOnThreeNodesNeverHoldMoreThanTheirQuotaNorTakeMoreThanTheirRatePerWindow() throws Exception {
        List<Node> cluster = nodes.start(config(REDIS, LOADED), IDS, Map.of());
        warmUp(cluster);
        cluster.forEach(n -> n.ask("load ledger " + TENANTS + " 6 30 " + QUOTA, "LOADING"));
        Thread.sleep(10_000); // the load runs for 10 s: what is measured is what happened meanwhile
        List<Stats> stats = stats(cluster, "stop");

        for (Node n : cluster) {
            // first: a node that counted alone was legitimately over the cluster's limits meanwhile
            assertThat(n.said("LOG")).as(n.id + " never counted alone (NEBULA-4601): the count is the cluster's")
                    .noneMatch(l -> l.contains("NEBULA-4601"));
            assertThat(n.said("OVER")).as("overshoots seen by " + n.id).isEmpty();
        }
        long acquired = 0;
        long maxHeld = 0;
        long refusedConcurrent = 0;
        long refusedRate = 0;
        for (int i = 0; i < stats.size(); i++) {
            Stats s = stats.get(i);
            System.out.println(IDS.get(i) + ": " + s.values());
            assertThat(s.get("over")).isZero();
            assertThat(s.get("acquired")).as(IDS.get(i) + " got leases").isPositive();
            assertThat(s.values().get("failed")).as(IDS.get(i) + " failures").isEqualTo("-");
            acquired += s.get("acquired");
            maxHeld = Math.max(maxHeld, s.get("maxHeldAcross"));
            refusedConcurrent += s.refused("cluster.tenant.max-concurrent-leases");
            refusedRate += s.refused("cluster.tenant.max-acquisitions-per-second");
        }
        // per tenant and per window of a second, across the three nodes
        long windows = 0;
        long maxPerWindow = 0;
        for (String key : admin.sync().keys("threejvm:rate:*")) {
            for (Map.Entry<String, String> e : admin.sync().hgetall(key).entrySet()) {
                long n = Long.parseLong(e.getValue());
                assertThat(n).as("acquisitions of %s in window %s", e.getKey(), key).isLessThanOrEqualTo(RATE);
                maxPerWindow = Math.max(maxPerWindow, n);
                windows++;
            }
        }
        long straddling = admin.sync().hgetall("threejvm:straddle").values().stream().mapToLong(Long::parseLong).sum();
        System.out.printf("three JVMs, %d tenants, 10 s: %d leases, at most %d of one tenant at once across the nodes"
                        + " (quota %d), %d refused by the concurrent quota, %d by the rate; %d tenant windows, at most %d"
                        + " acquisitions in one (rate %d), %d acquisitions straddling two windows not counted%n",
                TENANTS, acquired, maxHeld, QUOTA, refusedConcurrent, refusedRate, windows, maxPerWindow, RATE, straddling);
        assertThat(maxHeld).as("the most leases of one tenant across the nodes").isLessThanOrEqualTo(QUOTA);
        assertThat(maxHeld).as("the quota was reached").isEqualTo(QUOTA);
        assertThat(acquired).as("leases, not only refusals").isGreaterThan(1000);
        assertThat(refusedConcurrent).as("the concurrent quota refused some").isPositive();
        assertThat(refusedRate).as("the rate refused some").isPositive();
        // not always RATE: a node's spare tokens of a window are lost at its end (docs/cluster.md, batches)
        assertThat(maxPerWindow).as("some tenant came near its rate in some window").isGreaterThan(RATE / 2);
    }

    @Test
    void thePermitsOfANodeKilledWithSigkillWhileHoldingThemReturnWithinTheTtl() throws Exception {
        List<Node> cluster = nodes.start(config(REDIS, LOADED), IDS, Map.of());
        Node victim = cluster.get(0);
        Node other = cluster.get(1);
        assertThat(victim.ask("hold ledger tenant-7 " + QUOTA, "HELD")).isEqualTo("HELD " + QUOTA);
        assertThat(other.ask("try ledger tenant-7", "TRY")).isEqualTo("TRY QuotaExceededException cluster.tenant.max-concurrent-leases");
        assertThat(cluster.get(2).ask("try ledger tenant-7", "TRY")).isEqualTo("TRY QuotaExceededException cluster.tenant.max-concurrent-leases");

        long killed = System.nanoTime();
        victim.process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, nothing given back
        assertThat(victim.process.waitFor()).as("exit status of a process killed by signal 9").isEqualTo(128 + 9);
        String answer = other.ask("try ledger tenant-7", "TRY");
        while (!answer.equals("TRY ok") && System.nanoTime() - killed < Duration.ofSeconds(30).toNanos()) {
            Thread.sleep(60); // every try takes a token of the tenant's rate (20 a second): 60 ms apart stays under it
            answer = other.ask("try ledger tenant-7", "TRY");
        }
        Duration back = Duration.ofNanos(System.nanoTime() - killed);
        System.out.println("the permits of node-1, killed with SIGKILL, served node-2 again " + back.toMillis()
                + " ms after the kill (heartbeat TTL " + TTL.toMillis() + " ms)");
        assertThat(answer).isEqualTo("TRY ok");
        // within the TTL (the victim's last beat was at most a third of it before the kill), plus a margin for a
        // loaded machine; not much sooner than the beat's period, or something other than the expiry gave them back
        assertThat(back).isLessThan(TTL.plusMillis(1500)).isGreaterThan(TTL.dividedBy(2));
        // the rest of the quota is node-3's (node-2 keeps one spare permit of the try that succeeded), in a new
        // window of the tenant's rate, which node-2's tries and their batches of tokens may have used up
        Thread.sleep(1100);
        assertThat(cluster.get(2).ask("hold ledger tenant-7 2", "H")).isEqualTo("HELD 2");
    }

    /** The first instant (nanoTime) a line of {@code node} beginning with {@code prefix} and containing {@code part} was said at, after {@code since}. */
    private static long firstAt(Node node, String prefix, String part, long since) {
        return node.said(prefix).stream().filter(l -> l.contains(part)).mapToLong(l -> Long.parseLong(l.split(" ")[1]))
                .filter(t -> t >= since).min().orElse(Long.MAX_VALUE);
    }

    @Test
    void aBackendCutUnderLoadOpensTheGateOnAllThreeWithinASecondOneProbeAtATimeAndAllRecoverWithinTwoSeconds()
            throws Exception {
        LineBackend backend = new LineBackend();
        open.add(backend);
        Map<String, String> config = config(REDIS, LOADED);
        config.put("nebula.resource.store.kind", "cluster-test-line");
        config.put("nebula.resource.store.port", Integer.toString(backend.port()));
        config.put("nebula.resource.store.pool.min-size", "0");
        config.put("nebula.resource.store.pool.acquire-timeout", "1s");
        config.put("nebula.resource.store.retry.max-retries", "0");
        config.put("nebula.resource.store.circuit-breaker.request-volume-threshold", "1");
        config.put("nebula.resource.store.circuit-breaker.failure-ratio", "1");
        config.put("nebula.resource.store.circuit-breaker.delay", "1m"); // circuits half-open by the gate's up
        List<Node> cluster = nodes.start(config, IDS, Map.of());
        String channel = "nebula:cluster:gate:" + DB;
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.sync().pubsubNumsub(channel).get(channel) == 3L);
        // node-1 hammers the backend; node-2 and node-3 acquire now and then, so they mostly learn it from node-1
        cluster.get(0).ask("load store 0 3 2 0", "LOADING");
        cluster.get(1).ask("load store 0 1 200 0", "LOADING");
        cluster.get(2).ask("load store 0 1 200 0", "LOADING");
        Thread.sleep(1000); // load before the cut: every node served
        for (Node n : cluster) {
            assertThat(n.said("EVT")).as(n.id + " served").anyMatch(l -> l.endsWith(" ok"));
        }

        long cut = System.nanoTime();
        backend.down();
        Thread.sleep(3000);
        long back = System.nanoTime();
        backend.up();
        Thread.sleep(3000);
        List<Stats> stats = stats(cluster, "stop");

        // the gate, opened on each node: its own NEBULA-4604 (it logs one whether it saw the backend down or heard it)
        long first = Long.MAX_VALUE;
        long last = 0;
        List<String> learned = new ArrayList<>();
        for (Node n : cluster) {
            long opened = Math.min(firstAt(n, "LOG", "NEBULA-4604", cut), firstAt(n, "EVT", "circuit-open node-", cut));
            assertThat(opened).as(n.id + " opened its gate; it said " + n.lines).isNotEqualTo(Long.MAX_VALUE);
            first = Math.min(first, opened);
            last = Math.max(last, opened);
            n.said("LOG").stream().filter(l -> l.contains("NEBULA-4604")).findFirst().ifPresent(learned::add);
        }
        Duration spread = Duration.ofNanos(last - first);
        // each node's refusals while open name the node that saw it
        for (Node n : cluster) {
            assertThat(n.said("EVT").stream().filter(l -> l.contains("circuit-open")).toList())
                    .as(n.id + " refusals across the cluster").allMatch(l -> l.matches(".* circuit-open (null|node-[123])"));
        }

        // what reached the backend once every gate was open, until it returned: one probe at a time across the
        // cluster (the circuits' probers, the gate's claimed acquisitions and the pool engines' own probes all hold the
        // cluster's claim), so no attempt overlaps another, and each begins at least a probe interval after the one
        // before it ended (a failed probe keeps the claim that long); besides, each node's attempts PER_NODE_PROBE_GAP
        // apart (a node's pool probes at most once a second while callers want the backend)
        long allOpen = last;
        List<LineBackend.Attempt> probes = backend.attempts().stream().filter(a -> a.start() > allOpen && a.start() < back)
                .sorted((a, b) -> Long.compare(a.start(), b.start())).toList();
        String seen = probes.stream().map(a -> (a.start() - allOpen) / 1_000_000 + "+" + (a.end() - a.start()) / 1_000_000
                        + " " + a.who()).toList() + " ms after every gate opened";
        long minGapMs = Long.MAX_VALUE;
        int overlapping = 0;
        for (int i = 1; i < probes.size(); i++) {
            if (probes.get(i).start() < probes.get(i - 1).end()) {
                overlapping++;
            }
        }
        for (String id : IDS) {
            List<LineBackend.Attempt> mine = probes.stream().filter(a -> a.who().startsWith(id + " ")).toList();
            for (int i = 1; i < mine.size(); i++) {
                long gap = (mine.get(i).start() - mine.get(i - 1).start()) / 1_000_000;
                assertThat(gap).as("%s's attempts %d and %d, ms apart: %s", id, i - 1, i, seen)
                        .isGreaterThanOrEqualTo(PER_NODE_PROBE_GAP.toMillis());
                minGapMs = Math.min(minGapMs, gap);
            }
        }
        long attemptsWhileDown = backend.attempts().stream().filter(a -> a.start() < back).count();
        long minClusterGapMs = Long.MAX_VALUE;
        for (int i = 1; i < probes.size(); i++) {
            minClusterGapMs = Math.min(minClusterGapMs, (probes.get(i).start() - probes.get(i - 1).end()) / 1_000_000);
        }

        // all recover: each node's first lease after the backend's return
        long slowest = 0;
        for (Node n : cluster) {
            long ok = firstAt(n, "EVT", " ok", back);
            assertThat(ok).as(n.id + " served again; it said " + n.lines).isNotEqualTo(Long.MAX_VALUE);
            slowest = Math.max(slowest, ok - back);
        }
        System.out.printf("backend cut under load on three JVMs: every gate open %d ms after the first (%s); %d attempts"
                        + " reached the backend while cut, %d of them once every gate was open, in %d ms (%d overlapping"
                        + " the one before; from one's end to the next's start at least %d ms; one node's at least %d ms"
                        + " apart): %s; every node served again %d ms after the"
                        + " backend's return; %s%n",
                spread.toMillis(), learned, attemptsWhileDown, probes.size(), (back - allOpen) / 1_000_000, overlapping,
                minClusterGapMs, minGapMs, seen, slowest / 1_000_000, stats.stream().map(Stats::values).toList());
        assertThat(spread).as("from the first node's gate opening to the last's").isLessThan(Duration.ofSeconds(1));
        assertThat(probes).as("attempts while every gate was open: the backend was probed").isNotEmpty();
        assertThat(overlapping).as("attempts overlapping another, across the three nodes: " + seen).isZero();
        assertThat(minClusterGapMs).as("from one attempt's end to the next's start, any nodes, ms: " + seen)
                .isGreaterThanOrEqualTo(PROBE_INTERVAL.toMillis() - PostgresStopAcrossProcessesTest.GAP_TOLERANCE_MS);
        assertThat(Duration.ofNanos(slowest)).as("every node served again after the return").isLessThan(Duration.ofSeconds(2));
    }
}
