package io.nebula.resource.cluster.redis;

import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.cluster.ClusterGate;
import io.nebula.resource.core.cluster.ResourceGate;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scheduled health checks ({@code health.interval}) while the cluster's gate is open: three nodes' pools of one
 * resource in one JVM, each with its own gate on its own connections to the local Redis (db 14), checking every 20 ms
 * against a backend that is down. Each check that reaches the backend holds the cluster's probe claim: what reaches
 * it from the checks of all three nodes never overlaps, and each contact begins at least the probe interval after the
 * one before ended. A node without the claim answers DOWN naming the node that saw the backend down, without asking
 * it. When the backend returns, a check holding the claim closes the gate on every node.
 */
class RedisHealthCheckProbeTest {

    static final String URL = "redis://127.0.0.1:6379/" + GateOnWeldTest.DB;
    private static final String RESOURCE = "ledger";
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);
    /** How long node d's opening holds the claim: its own probe interval. */
    private static final Duration HOLD = Duration.ofMillis(1500);

    @RegisterExtension
    final RedisDb redis = new RedisDb(URL);

    /** A contact with the backend: which node's check made it, when it began and ended ({@link System#nanoTime}). */
    record Contact(String node, long start, long end) {
    }

    /** The backend of every node: down or not, each contact (a creation or a check) recorded and taking 10 ms. */
    static final class Backend {
        volatile boolean down;
        final List<Contact> contacts = new CopyOnWriteArrayList<>();

        void contact(String node) {
            long start = System.nanoTime();
            try {
                Thread.sleep(10); // the backend's latency: contacts of two nodes at once would overlap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            contacts.add(new Contact(node, start, System.nanoTime()));
        }
    }

    /** One node's provider of the shared {@link Backend}: it tells which node contacted it. */
    record NodeProvider(String node, Backend backend) implements ResourceProvider<Object> {
        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public Class<Object> type() {
            return Object.class;
        }

        @Override
        public Object create(ResourceSettings settings) throws Exception {
            backend.contact(node);
            if (backend.down) {
                throw new ConnectException("connection refused");
            }
            return new Object();
        }

        @Override
        public HealthStatus check(Object instance, CheckDepth depth) {
            backend.contact(node);
            return backend.down ? HealthStatus.down("down") : HealthStatus.up();
        }

        @Override
        public void destroy(Object instance) {
        }
    }

    private final Backend backend = new Backend();
    private final String channel = "nebula:cluster:gate:" + GateOnWeldTest.DB + ":" + UUID.randomUUID();
    private final Map<WovenPool<Object>, ResourceGate> pools = new LinkedHashMap<>();

    private ResourceGate gate(String id, Duration probeInterval) {
        ClusterGate gate = redis.closeAfter(new ClusterGate(new RedisClusterSignals(URL, id, Duration.ofMillis(500),
                channel), Duration.ofSeconds(3), probeInterval, System::currentTimeMillis));
        assertThat(gate.subscribe()).isTrue();
        return gate.resource(RESOURCE);
    }

    /** Node {@code id}'s pool, checked every 20 ms, holding one idle instance (its first check asks about that one). */
    private void node(String id) {
        ResourceGate gate = gate(id, PROBE_INTERVAL);
        WovenPool<Object> pool = WovenPool.builder(new NodeProvider(id, backend), ResourceSettings.of(RESOURCE, "fake",
                        Map.of("retry.max-retries", "0", "pool.acquire-timeout", "50ms", "pool.min-size", "0",
                                "pool.backoff-initial", "10ms", "pool.backoff-max", "10ms",
                                "health.interval", "20ms")))
                .creator(Runnable::run).gate(gate).build();
        redis.closeAfter(pool::close);
        pools.put(pool, gate);
        pool.start();
        pool.acquire(null, ResourceContext.GLOBAL).close();
    }

    /** DOWN (the pool {@code FAILED}) for the gate's reason: node {@code seenBy} saw the backend down. */
    private static boolean reportsKnownDown(WovenPool<Object> pool, String seenBy) {
        return pool.state() == ResourceState.FAILED && pool.lastError().orElse(null) instanceof CircuitOpenException e
                && seenBy.equals(e.seenBy()) && e.getMessage().startsWith("NEBULA-4606");
    }

    /** The contacts that began at {@code start} or later, in the order they began. */
    private List<Contact> contactsSince(long start) {
        List<Contact> since = new ArrayList<>(backend.contacts.stream().filter(c -> c.start() >= start).toList());
        since.sort(Comparator.comparingLong(Contact::start));
        return since;
    }

    private boolean gatesOpen(boolean open) {
        return pools.values().stream().allMatch(g -> (g.open() != null) == open);
    }

    @Test
    void whileTheGateIsOpenTheNodesScheduledChecksAskTheBackendOneAtATimeAcrossTheCluster() {
        node("a");
        node("b");
        node("c");
        // node d has no pool; its probe interval is long: its opening holds the claim that long, and meanwhile no
        // node's check may ask the backend
        ResourceGate d = gate("d", HOLD);

        backend.down = true;
        long opened = System.nanoTime();
        d.down("java.net.ConnectException");
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2)).until(() -> gatesOpen(true));
        long allOpen = System.nanoTime(); // before, a node that had not heard it yet checked as ever
        await().atMost(Duration.ofSeconds(3)).until(() -> pools.keySet().stream().allMatch(p -> reportsKnownDown(p, "d")));

        // the nodes go on checking every 20 ms: four contacts span at least three probe intervals
        await().atMost(Duration.ofSeconds(5)).until(() -> contactsSince(allOpen).size() >= 4);
        long to = System.nanoTime();
        List<Contact> seen = contactsSince(allOpen);
        System.out.println("scheduled checks' contacts with the backend while the gate was open, "
                + Duration.ofNanos(to - opened).toMillis() + " ms: " + seen.size() + ", from nodes "
                + seen.stream().map(Contact::node).toList() + ", the first "
                + Duration.ofNanos(seen.get(0).start() - opened).toMillis() + " ms after the opening");
        assertThat(Duration.ofNanos(seen.get(0).start() - opened)).as("no contact while node d held the claim")
                .isGreaterThanOrEqualTo(HOLD);
        for (int i = 1; i < seen.size(); i++) {
            Contact previous = seen.get(i - 1);
            Contact next = seen.get(i);
            assertThat(Duration.ofNanos(next.start() - previous.end()))
                    .as("contact %d (node %s) after the one before (node %s) ended: no overlap, a probe interval apart",
                            i, next.node(), previous.node())
                    .isGreaterThanOrEqualTo(PROBE_INTERVAL.minusMillis(20));
        }
        long intervals = Duration.ofNanos(to - opened).minus(HOLD).toMillis() / PROBE_INTERVAL.toMillis();
        assertThat(seen.size()).as("at most one contact per probe interval").isLessThanOrEqualTo((int) intervals + 1);
        assertThat(gatesOpen(true)).as("the gate still open everywhere").isTrue();

        backend.down = false;
        await().atMost(Duration.ofSeconds(3)).until(() -> gatesOpen(false)
                && pools.keySet().stream().allMatch(p -> p.state() == ResourceState.READY));
    }
}
