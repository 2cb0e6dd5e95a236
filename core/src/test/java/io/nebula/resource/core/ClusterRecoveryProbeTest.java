package io.nebula.resource.core;

import io.nebula.resource.ResourceException;
import io.nebula.resource.core.cluster.ClusterGate;
import io.nebula.resource.core.cluster.ResourceGate;
import io.nebula.resource.core.cluster.SharedSignals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pool engine's own recovery probe (a failing pool's creation once its backoff has passed, {@code Creations})
 * while the cluster's known-down gate is open: one at a time across the nodes, through the gate's probe claim
 * ({@link ResourceGate#recoveryProbes()}), and a failed one keeps the claim for the probe interval. Three pools of one
 * JVM, each a node, on the in-memory bus; the pools' clock ({@link FakeTicker}) and the bus's move apart, so the pools'
 * backoff (10 ms) has always passed and only the claim decides.
 */
class ClusterRecoveryProbeTest {

    private final FakeProvider backend = new FakeProvider();
    private final FakeTicker ticker = new FakeTicker();
    private final SharedSignals bus = new SharedSignals();
    private final List<ClusterGate> gates = new ArrayList<>();
    private final List<ResourcePool<FakeProvider.Conn>> pools = new ArrayList<>();

    @AfterEach
    void close() {
        pools.forEach(ResourcePool::close);
        gates.forEach(ClusterGate::close);
    }

    private ResourcePool<FakeProvider.Conn> node(String id) {
        return node(id, "0");
    }

    private ResourcePool<FakeProvider.Conn> node(String id, String minSize) {
        ClusterGate gate = bus.gate(id);
        gates.add(gate);
        ResourcePool<FakeProvider.Conn> pool = Pools.direct(backend, ticker, "pool.min-size", minSize,
                        "pool.backoff-initial", "10ms", "pool.backoff-max", "10ms")
                .probeClaim(gate.resource("orders-db").recoveryProbes()).build();
        pools.add(pool);
        pool.start();
        return pool;
    }

    /** The clocks move on, then each node's housekeeping runs once: the creations that reached the backend meanwhile. */
    private int round(long busMillis) {
        int before = backend.creations.get();
        bus.millis.addAndGet(busMillis);
        ticker.advance(Duration.ofMillis(20)); // past every pool's backoff
        pools.forEach(Pools::housekeep);
        return backend.creations.get() - before;
    }

    @Test
    void whileTheGateIsOpenTheEnginesRecoveryProbesReachTheBackendOneAtATimeAcrossTheNodes() {
        List<ResourcePool<FakeProvider.Conn>> nodes = List.of(node("a"), node("b"), node("c"));
        backend.failure = new ConnectException("connection refused");
        for (ResourcePool<FakeProvider.Conn> n : nodes) {
            assertThatThrownBy(() -> n.acquire(Duration.ofMillis(50))).isInstanceOf(ResourceException.class);
        }
        gates.get(0).resource("orders-db").down("java.net.ConnectException"); // the gate opens on all three
        assertThat(gates).allSatisfy(g -> assertThat(g.resource("orders-db").open()).isNotNull());

        for (int i = 0; i < 3; i++) {
            assertThat(round(300)).as("creations reaching the backend in probe interval %d", i).isEqualTo(1);
            assertThat(round(0)).as("creations within the same probe interval").isZero();
        }
        assertThat(gates).allSatisfy(g -> assertThat(g.resource("orders-db").open()).isNotNull());

        backend.failure = null;
        // node a probes first and closes the gate; the others then probe on their own (only a woven pool is told that
        // the backend answered elsewhere, WovenPoolBuilder)
        assertThat(round(300)).isPositive();
        assertThat(gates).as("the probe that found the backend up closed the gate on every node")
                .allSatisfy(g -> assertThat(g.resource("orders-db").open()).isNull());
    }

    /**
     * Pools that have not seen the backend fail themselves (the gate opened on another node's word) and are below their
     * minimum: their refills are the cluster's probes too, one at a time. Before, each pool's refill reached the
     * backend on its own.
     */
    @Test
    void whileTheGateIsOpenThePoolsRefillsToTheirMinimumAreOneProbeAtATimeToo() {
        List<ResourcePool<FakeProvider.Conn>> nodes = List.of(node("a", "1"), node("b", "1"), node("c", "1"));
        backend.failure = new ConnectException("connection refused");
        gates.get(0).resource("orders-db").down("java.net.ConnectException"); // heard by every node
        for (int i = 0; i < 3; i++) {
            assertThat(round(300)).as("creations reaching the backend in probe interval %d", i).isEqualTo(1);
            assertThat(round(0)).as("creations within the same probe interval").isZero();
        }
        backend.failure = null;
        assertThat(round(300)).isPositive();
        assertThat(gates).allSatisfy(g -> assertThat(g.resource("orders-db").open()).isNull());
        assertThat(nodes).allSatisfy(n -> assertThat(n.snapshot().size()).as("refilled to its minimum").isEqualTo(1));
    }

    @Test
    void whenAnotherNodesProbeClosesTheGateAPoolInItsBackoffCreatesAtOnce() {
        ClusterGate gate = bus.gate("a");
        gates.add(gate);
        ResourcePool<FakeProvider.Conn> pool = Pools.direct(backend, ticker, "pool.min-size", "0",
                        "pool.backoff-initial", "1m", "pool.backoff-max", "1m")
                .probeClaim(gate.resource("orders-db").recoveryProbes()).build();
        pools.add(pool);
        pool.start();
        ResourceGate other = bus.gate("b").resource("orders-db");
        backend.failure = new ConnectException("connection refused");
        assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(50))).isInstanceOf(ResourceException.class);
        other.down("java.net.ConnectException");
        assertThat(gate.resource("orders-db").open()).isNotNull();

        backend.failure = null;
        bus.millis.addAndGet(300);
        assertThat(other.claim()).as("node b's probe").isTrue();
        other.probeSucceeded(); // closes the gate on every node: node a's pool is told (WovenPoolBuilder wires it so)
        pool.backendUpElsewhere();
        // a minute of backoff left, and yet: the backend answered elsewhere
        pool.acquire(Duration.ofMillis(50)).close();
    }
}
