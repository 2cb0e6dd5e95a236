package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.cluster.ClusterGate;
import io.nebula.resource.core.cluster.SharedSignals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * While the cluster's gate is open, what reaches the backend from the nodes' open circuits is one probe at a time
 * across the cluster: each node's circuit prober asks the backend only when it holds the cluster's probe claim, and
 * the probe that finds it up closes the gate and half-opens the circuits on every node. Three nodes of one JVM on the
 * in-memory bus with a fake clock (probe interval 250 ms); the provers' own one-second schedule also runs, through the
 * same claims, so the counts hold whoever probes.
 */
class ClusterProbeTest {

    private final ClusterGateTest.Db db = new ClusterGateTest.Db();
    private final SharedSignals bus = new SharedSignals();
    private final List<WovenPool<Object>> pools = new ArrayList<>();
    private final List<ClusterGate> gates = new ArrayList<>();

    private WovenPool<Object> node(String id) {
        return node(id, "100ms");
    }

    /** @param backoff the pool's {@code pool.backoff-initial} and {@code pool.backoff-max} */
    private WovenPool<Object> node(String id, String backoff) {
        ClusterGate gate = bus.gate(id);
        gates.add(gate);
        WovenPool<Object> pool = WovenPool.builder(db, ResourceSettings.of("ledger", "fake", Map.of(
                        "retry.max-retries", "0", "pool.acquire-timeout", "50ms", "pool.min-size", "0",
                        "pool.backoff-initial", backoff, "pool.backoff-max", backoff,
                        "circuit-breaker.request-volume-threshold", "1", "circuit-breaker.failure-ratio", "1",
                        "circuit-breaker.delay", "1m")))
                .creator(Runnable::run).gate(gate.resource("ledger")).build();
        pools.add(pool);
        pool.start();
        return pool;
    }

    @AfterEach
    void close() {
        pools.forEach(WovenPool::close);
        gates.forEach(ClusterGate::close);
    }

    /**
     * The cluster's clock moves on by {@code millis}, then every node's prober asks once: how many attempts reached the
     * backend since the clock moved (the provers' own schedule included).
     */
    private int round(long millis) {
        int before = db.attempts.get();
        bus.millis.addAndGet(millis);
        for (WovenPool<Object> p : pools) {
            p.weave().prober().probe();
        }
        return db.attempts.get() - before;
    }

    /** Every node saw the backend down by itself: each circuit opens, each gate opens (locally: the bus was down). */
    private List<WovenPool<Object>> allSeeItDown() {
        return allSeeItDown("100ms");
    }

    private List<WovenPool<Object>> allSeeItDown(String backoff) {
        List<WovenPool<Object>> nodes = List.of(node("a", backoff), node("b", backoff), node("c", backoff));
        db.down = true;
        bus.down = true;
        for (WovenPool<Object> n : nodes) {
            assertThatThrownBy(() -> n.acquire(null, ResourceContext.GLOBAL).close()).isNotNull();
            assertThat(n.weave().breaker().isOpen()).isTrue();
        }
        assertThat(gates).allSatisfy(g -> assertThat(g.resource("ledger").open()).isNotNull());
        bus.down = false;
        return nodes;
    }

    @Test
    void whileTheGateIsOpenTheNodesCircuitProbersAskTheBackendOneAtATimeAcrossTheCluster() {
        List<WovenPool<Object>> nodes = allSeeItDown();

        for (int i = 0; i < 3; i++) {
            // past the probe interval: the cluster may probe once more, and once only
            assertThat(round(300)).as("attempts reaching the backend in round %d", i).isEqualTo(1);
            assertThat(round(0)).as("attempts within the same probe interval").isZero();
        }

        db.down = false;
        assertThat(round(300)).isEqualTo(1);
        assertThat(gates).allSatisfy(g -> assertThat(g.resource("ledger").open()).isNull());
        for (WovenPool<Object> n : nodes) {
            assertThat(n.weave().breaker().isOpen()).as("every node's circuit half-opens").isFalse();
        }
    }

    /**
     * A node whose circuit is still closed but whose pool counts the backend failing, with most of a minute of its
     * backoff left: the acquisition that passes the gate holding the cluster's claim is the pool's recovery probe too
     * (the pool does not ask the claim its own thread holds already, nor waits out its backoff: the cluster spaced the
     * probes), so it reaches the backend, and its success closes the gate.
     */
    @Test
    void theAcquisitionHoldingTheClaimIsThePoolsRecoveryProbe() throws Exception {
        ClusterGate gate = bus.gate("a");
        gates.add(gate);
        WovenPool<Object> pool = WovenPool.builder(db, ResourceSettings.of("ledger", "fake", Map.of(
                        "retry.max-retries", "0", "pool.acquire-timeout", "50ms", "pool.min-size", "0",
                        "pool.backoff-initial", "1m", "pool.backoff-max", "1m",
                        "circuit-breaker.request-volume-threshold", "10")))
                .creator(Runnable::run).gate(gate.resource("ledger")).build();
        pools.add(pool);
        pool.start();
        db.down = true;
        assertThatThrownBy(() -> pool.acquire(null, ResourceContext.GLOBAL).close()).isNotNull();
        assertThat(pool.weave().breaker().isOpen()).as("one failure in a window of 10").isFalse();
        assertThat(gate.resource("ledger").open()).as("the failed acquisition opened the gate").isNotNull();

        db.down = false;
        bus.millis.addAndGet(300); // past the probe interval
        int before = db.attempts.get();
        pool.acquire(null, ResourceContext.GLOBAL).close();
        assertThat(db.attempts.get() - before).isEqualTo(1);
        assertThat(gate.resource("ledger").open()).isNull();
    }

    /**
     * The gate closes by node a's probe while nodes b and c still have most of a minute of their pools' backoff to wait
     * (each found the backend down by itself): their half-open circuits' trial acquisitions create at once, every node
     * serves, and no circuit or gate opens again. Before the fix the pool refused the trial as unavailable, which
     * reopened the circuit and the gate.
     */
    @Test
    void afterTheGateClosesEveryNodeServesAtOnceThoughItsPoolIsStillInItsBackoff() throws Exception {
        List<WovenPool<Object>> nodes = allSeeItDown("1m");
        db.down = false;
        assertThat(round(300)).isEqualTo(1);
        assertThat(gates).allSatisfy(g -> assertThat(g.resource("ledger").open()).isNull());
        for (WovenPool<Object> n : nodes) {
            n.acquire(null, ResourceContext.GLOBAL).close();
        }
        for (WovenPool<Object> n : nodes) {
            assertThat(n.weave().breaker().isOpen()).as("no circuit opened again").isFalse();
        }
        assertThat(gates).as("no gate opened again").allSatisfy(g -> assertThat(g.resource("ledger").open()).isNull());
    }
}
