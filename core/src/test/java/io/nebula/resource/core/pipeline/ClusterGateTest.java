package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.cluster.ClusterGate;
import io.nebula.resource.core.cluster.ResourceGate;
import io.nebula.resource.core.cluster.SharedSignals;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cluster's known-down gate between nodes of one JVM on an in-memory signal bus with a fake clock: one node's
 * circuit opens, the others fail fast naming it; one probe at a time across nodes; its success closes every gate.
 */
class ClusterGateTest {

    /** One database shared by the nodes: counts every attempt to reach it, and may run something during one. */
    static final class Db implements ResourceProvider<Object> {
        volatile boolean down;
        volatile boolean checksSeeDown; // so only the gate can half-open a circuit, not the circuit's own prober
        volatile Runnable during = () -> { };
        final AtomicInteger attempts = new AtomicInteger();

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
            attempts.incrementAndGet();
            Runnable r = during;
            during = () -> { };
            r.run();
            if (down) {
                throw new ConnectException("connection refused");
            }
            return new Object();
        }

        @Override
        public HealthStatus check(Object instance, CheckDepth depth) {
            return down || checksSeeDown ? HealthStatus.down("down") : HealthStatus.up();
        }

        @Override
        public void destroy(Object instance) {
        }
    }

    private final Db db = new Db();
    private final SharedSignals bus = new SharedSignals();
    private final List<WovenPool<?>> pools = new ArrayList<>();
    private final List<ClusterGate> gates = new ArrayList<>();

    private WovenPool<Object> node(String id) {
        return node(id, Map.of());
    }

    /** Node {@code id}'s pool of "ledger": a circuit that opens at the first failure and stays open a minute. */
    private WovenPool<Object> node(String id, Map<String, String> keys) {
        Map<String, String> all = new HashMap<>(Map.of("retry.max-retries", "0", "pool.acquire-timeout", "50ms",
                "pool.min-size", "0", "circuit-breaker.request-volume-threshold", "1",
                "circuit-breaker.failure-ratio", "1", "circuit-breaker.delay", "1m"));
        all.putAll(keys);
        ClusterGate gate = bus.gate(id);
        gates.add(gate);
        WovenPool<Object> pool = WovenPool.builder(db, ResourceSettings.of("ledger", "fake", all)).creator(Runnable::run)
                .gate(gate.resource("ledger")).build();
        pools.add(pool);
        pool.start();
        return pool;
    }

    private static void use(WovenPool<Object> pool) {
        pool.acquire(null, ResourceContext.GLOBAL).close();
    }

    private void later(long millis) {
        bus.millis.addAndGet(millis);
    }

    @AfterEach
    void close() {
        pools.forEach(WovenPool::close);
        gates.forEach(ClusterGate::close);
    }

    @Test
    void theGateSitsBetweenTheQuarantineAndTheBreakerAndOnlyWhenGiven() {
        WovenPool<Object> a = node("a", Map.of("health.quarantine-after", "3"));
        assertThat(a.stages()).containsSubsequence("quarantine", "cluster gate", "circuit breaker");
        WovenPool<Object> alone = WovenPool.builder(db, ResourceSettings.of("other", "fake", Map.of())).build();
        pools.add(alone);
        assertThat(alone.stages()).doesNotContain("cluster gate");
    }

    @Test
    void whenOneNodesCircuitOpensTheOtherFailsFastNamingIt() {
        WovenPool<Object> a = node("a");
        WovenPool<Object> b = node("b");
        db.down = true;

        assertThatThrownBy(() -> use(a)).isInstanceOf(AcquisitionTimeoutException.class);
        int attempts = db.attempts.get();

        assertThatThrownBy(() -> use(b)).isInstanceOfSatisfying(CircuitOpenException.class, e -> {
            assertThat(e.seenBy()).isEqualTo("a");
            assertThat(e.getMessage()).startsWith("NEBULA-4606").contains("node 'a' saw its backend down (circuit opened")
                    .doesNotContain("connection refused");
        });
        assertThat(db.attempts).as("b never asked the database").hasValue(attempts);
        assertThat(bus.published).hasSize(1);
    }

    @Test
    void anAcquisitionThatSpendsItsRetriesOnTheBackendOpensTheGateWithoutABreaker() {
        WovenPool<Object> a = node("a", Map.of("circuit-breaker.enabled", "false"));
        WovenPool<Object> b = node("b", Map.of("circuit-breaker.enabled", "false"));
        db.down = true;

        assertThatThrownBy(() -> use(a)).isInstanceOf(AcquisitionTimeoutException.class);

        assertThatThrownBy(() -> use(b)).isInstanceOf(CircuitOpenException.class)
                .hasMessageContaining("node 'a' saw its backend down (backend unavailable: java.net.ConnectException)");
    }

    @Test
    void onlyOneProbeRunsAtATimeAcrossTheNodesAndItsSuccessClosesEveryGate() {
        WovenPool<Object> a = node("a");
        WovenPool<Object> b = node("b");
        WovenPool<Object> c = node("c");
        db.down = true;
        assertThatThrownBy(() -> use(a)).isInstanceOf(AcquisitionTimeoutException.class);
        assertThatThrownBy(() -> use(b)).as("within the probe interval of the opening: no probe")
                .isInstanceOf(CircuitOpenException.class);

        later(250);
        db.checksSeeDown = true;
        db.down = false;
        List<Throwable> duringTheProbe = new ArrayList<>();
        db.during = () -> { // b's probe is asking the database now: c may not probe too
            assertThat(bus.claimant("ledger")).isEqualTo("b");
            try {
                use(c);
            } catch (RuntimeException e) {
                duringTheProbe.add(e);
            }
        };
        use(b); // the probe: it passes, and succeeds

        assertThat(duringTheProbe).singleElement().isInstanceOf(CircuitOpenException.class);
        assertThat(((CircuitOpenException) duringTheProbe.get(0)).seenBy()).isEqualTo("a");
        assertThat(gates).allSatisfy(g -> assertThat(g.resource("ledger").open()).isNull());
        assertThat(a.circuit().orElseThrow().state()).as("a's own circuit, open for a minute, half-opened when the gate"
                + " closed: its next acquisitions probe it").isEqualTo(CircuitState.Position.HALF_OPEN);
    }

    @Test
    void aFailedProbeKeepsTheClaimForTheIntervalSoTheNextProbeComesNoSooner() {
        WovenPool<Object> a = node("a");
        WovenPool<Object> b = node("b");
        WovenPool<Object> c = node("c");
        db.down = true;
        assertThatThrownBy(() -> use(a)).isInstanceOf(AcquisitionTimeoutException.class);
        later(250);

        assertThatThrownBy(() -> use(b)).as("the probe, which fails").isInstanceOf(AcquisitionTimeoutException.class);
        int attempts = db.attempts.get();
        later(100);
        assertThatThrownBy(() -> use(c)).isInstanceOf(CircuitOpenException.class);
        assertThat(db.attempts).hasValue(attempts);
        later(250); // c, refused, asks again after the interval; b's claim has ended by then
        assertThatThrownBy(() -> use(c)).isInstanceOf(AcquisitionTimeoutException.class);
        assertThat(db.attempts).hasValue(attempts + 1);
    }

    @Test
    void aClaimWhoseHolderDiedExpiresWithItsTtl() {
        ClusterGate a = bus.gate("a");
        ClusterGate b = bus.gate("b");
        ClusterGate dead = bus.gate("dead");
        gates.addAll(List.of(a, b, dead));
        a.resource("ledger").down("circuit opened");
        later(250);
        assertThat(dead.resource("ledger").claim()).isTrue(); // and never ends its probe: killed with kill -9

        assertThat(b.resource("ledger").claim()).isFalse();
        later(2_750);
        assertThat(b.resource("ledger").claim()).isFalse();
        later(250);
        assertThat(b.resource("ledger").claim()).as("the claim's TTL (3 s) is over").isTrue();
    }

    @Test
    void withTheSignalsUnreachableEachNodeKeepsItsOwnCircuit() {
        WovenPool<Object> a = node("a");
        WovenPool<Object> b = node("b");
        bus.down = true;
        db.down = true;

        assertThatThrownBy(() -> use(a)).isInstanceOf(AcquisitionTimeoutException.class);
        int attempts = db.attempts.get();
        assertThatThrownBy(() -> use(b)).as("b did not learn it: it asks the database itself")
                .isInstanceOf(AcquisitionTimeoutException.class);
        assertThat(db.attempts).hasValue(attempts + 1);
        assertThatThrownBy(() -> use(b)).as("then its own circuit refuses").isInstanceOf(CircuitOpenException.class)
                .satisfies(e -> assertThat(((CircuitOpenException) e).seenBy()).isNull());
    }

    @Test
    void aGateRefusalGoesToTheFallbackAsALocalOpenCircuitWould() {
        WovenPool<Object> replica = WovenPool.builder(new Db(), ResourceSettings.of("replica", "fake", Map.of()))
                .creator(Runnable::run).build();
        pools.add(replica);
        replica.start();
        Fallback toReplica = new Fallback() {
            @Override
            public String name() {
                return "replica";
            }

            @Override
            public Lease<?> lease(Duration timeout, ResourceContext ctx) {
                return replica.acquire(timeout, ctx);
            }

            @Override
            public Object handOut(ResourceContext ctx) {
                throw new UnsupportedOperationException();
            }
        };
        WovenPool<Object> a = node("a");
        ClusterGate gate = bus.gate("b");
        gates.add(gate);
        WovenPool<Object> b = WovenPool.builder(db, ResourceSettings.of("ledger", "fake", Map.of("retry.max-retries", "0")))
                .creator(Runnable::run).gate(gate.resource("ledger")).fallback(toReplica).build();
        pools.add(b);
        b.start();
        db.down = true;
        assertThatThrownBy(() -> use(a)).isInstanceOf(AcquisitionTimeoutException.class);
        int attempts = db.attempts.get();

        try (Lease<Object> lease = b.acquire(null, ResourceContext.GLOBAL)) {
            assertThat(lease.servedByFallback()).isTrue();
        }
        assertThat(db.attempts).as("b's refusal came from the gate, not from the database").hasValue(attempts);
    }
}
