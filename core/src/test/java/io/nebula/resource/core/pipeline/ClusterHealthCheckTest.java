package io.nebula.resource.core.pipeline;

import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.cluster.ClusterGate;
import io.nebula.resource.core.cluster.SharedSignals;
import io.nebula.resource.spi.CheckDepth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scheduled health checks ({@code health.interval}, 10 ms here) while the cluster's gate is open: each is one of the
 * cluster's probes, asking the backend only holding the probe claim; a node without it answers DOWN naming the node
 * that saw the backend down, without asking. Three nodes of one JVM on the in-memory bus, whose clock only the test
 * moves: no claim is granted until it moves past the probe interval (250 ms), and then one. The same across processes
 * of the real Redis: {@code RedisHealthCheckProbeTest} in cluster-redis.
 */
class ClusterHealthCheckTest {

    private final ClusterGateTest.Db db = new ClusterGateTest.Db();
    private final SharedSignals bus = new SharedSignals();
    private final List<WovenPool<Object>> pools = new ArrayList<>();
    private final List<ClusterGate> gates = new ArrayList<>();

    /** Node {@code id}'s pool, of its gate made before, no instance kept (each check creates one), checked every 10 ms. */
    private void node(String id) {
        pool(id, "10ms").start();
    }

    private WovenPool<Object> pool(String id, String interval) {
        ClusterGate gate = gates.stream().filter(g -> g.nodeId().equals(id)).findFirst().orElseThrow();
        WovenPool<Object> pool = WovenPool.builder(db, ResourceSettings.of("ledger", "fake", Map.of(
                        "pool.min-size", "0", "pool.backoff-initial", "1ms", "pool.backoff-max", "1ms",
                        "health.interval", interval)))
                .creator(Runnable::run).gate(gate.resource("ledger")).build();
        pools.add(pool);
        return pool;
    }

    @AfterEach
    void close() {
        pools.forEach(WovenPool::close);
        gates.forEach(ClusterGate::close);
    }

    private boolean everyNodeReportsDownSeenBy(String node) {
        return pools.stream().allMatch(p -> p.state() == ResourceState.FAILED
                && p.lastError().orElse(null) instanceof CircuitOpenException e && node.equals(e.seenBy()));
    }

    @Test
    void whileTheGateIsOpenOnlyTheNodeHoldingTheClaimChecksTheBackendAndTheOthersReportItDown() {
        for (String id : List.of("a", "b", "c")) {
            gates.add(bus.gate(id));
        }
        db.down = true;
        int before = db.attempts.get();
        gates.get(0).resource("ledger").down("java.net.ConnectException"); // node a saw it down: open on all three
        node("a"); // started once the gate is open: every check they make is made while it is
        node("b");
        node("c");

        // the opening holds the claim for the probe interval, and the bus's clock stands still
        await().atMost(Duration.ofSeconds(2)).until(() -> everyNodeReportsDownSeenBy("a"));
        assertThat(pools).allSatisfy(p -> assertThat(p.lastError().orElseThrow())
                .hasMessageStartingWith("NEBULA-4606 Circuit of resource 'ledger' is open across the cluster"));
        assertThat(db.attempts.get()).as("checks reaching the backend while no node may hold the claim")
                .isEqualTo(before);

        bus.millis.addAndGet(300); // past the probe interval: one check, on one node, holds the claim
        await().atMost(Duration.ofSeconds(2)).until(() -> db.attempts.get() > before);
        // it failed and keeps the claim for the probe interval, which the standing clock never ends; its node's
        // next check, too, answers what the gate knows
        await().atMost(Duration.ofSeconds(2)).until(() -> everyNodeReportsDownSeenBy("a"));
        assertThat(db.attempts.get() - before).as("checks reaching the backend in one probe interval").isEqualTo(1);
        assertThat(gates).allSatisfy(g -> assertThat(g.resource("ledger").open()).isNotNull());

        db.down = false;
        bus.millis.addAndGet(300);
        // the check holding the claim finds the backend up: the gate closes on every node, each next check is as ever
        await().atMost(Duration.ofSeconds(2)).until(() -> pools.stream().allMatch(p -> p.state() == ResourceState.READY));
        assertThat(gates).allSatisfy(g -> assertThat(g.resource("ledger").open()).isNull());
    }

    /**
     * An eager start that found the backend down checks again every second ({@link WovenPool#startChecked}); while the
     * gate is open, those checks too ask the backend only holding the claim. No scheduled checks here
     * ({@code health.interval=0}): every contact after the two start checks is a recovery check's.
     */
    @Test
    void theRecoveryChecksOfAFailedEagerStartAskTheBackendOnlyHoldingTheClaim() {
        for (String id : List.of("a", "b", "c")) {
            gates.add(bus.gate(id));
        }
        db.down = true;
        gates.get(0).resource("ledger").down("java.net.ConnectException"); // node a saw it down: open on all three
        int before = db.attempts.get();
        pool("b", "0").startChecked(CheckDepth.SHALLOW);
        pool("c", "0").startChecked(CheckDepth.SHALLOW);
        int started = db.attempts.get();
        assertThat(started - before).as("the start checks, one per node, ask the backend as ever").isPositive();

        // the bus's clock stands still: no node may hold the claim, through two of each node's recovery checks
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> db.attempts.get() == started);
        assertThat(pools).allSatisfy(p -> assertThat(p.state()).isEqualTo(ResourceState.FAILED));

        db.down = false;
        bus.millis.addAndGet(300); // past the probe interval: the next recovery check holding the claim finds it up
        await().atMost(Duration.ofSeconds(4)).until(() -> pools.stream().allMatch(p -> p.state() == ResourceState.READY));
        assertThat(gates).allSatisfy(g -> assertThat(g.resource("ledger").open()).isNull());
    }
}
