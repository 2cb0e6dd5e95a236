package io.nebula.resource.cluster.redis;

import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.core.cluster.ClusterGate;
import io.nebula.resource.core.cluster.ResourceGate;
import io.nebula.resource.testing.FaultProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The known-down gate on the local Redis: claims in its db 13 (flushed before each test, no other db touched), signals
 * on a channel of the test's own (pub/sub ignores databases). Two nodes are two gates on two Lettuce clients.
 */
class RedisClusterSignalsTest {

    static final String URL = "redis://127.0.0.1:6379/13";
    /** The bound through the cut proxy; the nodes on the direct Redis get more, so a loaded machine is no outage. */
    private static final Duration TIMEOUT = Duration.ofMillis(50);
    private static final Duration DIRECT_TIMEOUT = Duration.ofMillis(500);

    private final String channel = "nebula:cluster:gate:test:" + UUID.randomUUID();
    @RegisterExtension
    final RedisDb db = new RedisDb(URL);

    private RedisClusterSignals signals(String id, String url) {
        RedisClusterSignals s = new RedisClusterSignals(url, id, url.equals(URL) ? DIRECT_TIMEOUT : TIMEOUT, channel);
        db.closeAfter(s);
        return s;
    }

    private ClusterGate gate(String id, String url, Duration claimTtl) {
        return gate(id, url, claimTtl, Duration.ofMillis(250));
    }

    private ClusterGate gate(String id, String url, Duration claimTtl, Duration probeInterval) {
        ClusterGate g = new ClusterGate(signals(id, url), claimTtl, probeInterval, System::currentTimeMillis);
        g.subscribe();
        return g;
    }

    @Test
    void aDownSeenByOneNodeClosesTheOtherWithinASecondAndTheProbesSuccessOpensBoth() {
        // a probe interval well above the 1 s the signal may take, so a's claim still holds when b has learned
        ClusterGate a = gate("a", URL, Duration.ofSeconds(3), Duration.ofSeconds(2));
        ClusterGate b = gate("b", URL, Duration.ofSeconds(3), Duration.ofSeconds(2));
        assertThat(b.subscribed()).isTrue();
        ResourceGate ledgerOnB = b.resource("ledger");

        long start = System.nanoTime();
        a.resource("ledger").down("circuit opened after java.net.ConnectException");
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2)).until(() -> ledgerOnB.open() != null);
        Duration propagation = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("gate down propagated from a to b in " + propagation.toMillis() + " ms");
        assertThat(propagation).isLessThan(Duration.ofSeconds(1));

        CircuitOpenException refusal = ledgerOnB.refusal(ledgerOnB.open());
        assertThat(refusal.seenBy()).isEqualTo("a");
        assertThat(refusal).hasMessageContaining("node 'a' saw its backend down (circuit opened after java.net.ConnectException)");
        assertThat(ledgerOnB.claim()).as("a's opening holds the claim for the probe interval").isFalse();

        await().atMost(Duration.ofSeconds(5)).until(ledgerOnB::claim); // after the interval: b probes
        assertThat(a.resource("ledger").claim()).as("one probe at a time across the nodes").isFalse();
        start = System.nanoTime();
        ledgerOnB.probeSucceeded();
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2))
                .until(() -> a.resource("ledger").open() == null);
        Duration up = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("gate up propagated from b to a in " + up.toMillis() + " ms");
        assertThat(up).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void theClaimIsOneNodesAtATimeAndExpiresWhenItsHolderDies() {
        RedisClusterSignals a = signals("a", URL);
        RedisClusterSignals b = signals("b", URL);

        assertThat(a.claimProbe("ledger", Duration.ofMillis(300))).isTrue();
        assertThat(b.claimProbe("ledger", Duration.ofMillis(300))).isFalse();
        b.releaseProbe("ledger", Duration.ZERO);
        assertThat(b.claimProbe("ledger", Duration.ofSeconds(5))).as("b cannot end a's claim").isFalse();
        // a makes no further call, as a node killed with kill -9
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(2)).until(() -> b.claimProbe("ledger", Duration.ofSeconds(5)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(300 + 500));

        b.releaseProbe("ledger", Duration.ZERO);
        assertThat(a.claimProbe("ledger", Duration.ofSeconds(5))).as("b's release ends its claim at once").isTrue();
    }

    @Test
    void withRedisCutTheGateFollowsTheLocalCircuitWithinTheTimeoutAndSubscribesAgainWhenItReturns() throws Exception {
        FaultProxy proxy = FaultProxy.start("127.0.0.1", 6379);
        db.closeAfter(proxy);
        String viaProxy = "redis://" + proxy.host() + ":" + proxy.port() + "/13";
        proxy.down();
        long start = System.nanoTime();
        ClusterGate a = gate("a", viaProxy, Duration.ofSeconds(3), Duration.ZERO); // subscribes, and fails
        assertThat(a.subscribed()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusMillis(300));
        ClusterGate b = gate("b", URL, Duration.ofSeconds(3));
        ResourceGate ledger = a.resource("ledger");

        start = System.nanoTime();
        ledger.down("circuit opened after java.net.ConnectException");
        boolean probe = ledger.claim();
        // three calls to Redis (claim and publish of the opening, the probe's claim), each failing within the bound,
        // plus what a loaded machine adds to wake a thread; never Lettuce's default of 60 s
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(3).plusMillis(300));
        assertThat(ledger.open()).as("open here, as this node's circuit is").isNotNull();
        assertThat(probe).as("with no claim to ask for, this node probes alone").isTrue();
        assertThat(b.resource("ledger").open()).as("b never heard of it").isNull();

        proxy.up();
        await().atMost(Duration.ofSeconds(5)).until(a::subscribe);
    }
}
