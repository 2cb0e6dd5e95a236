package io.nebula.resource.cluster.redis;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.cluster.ClusterLimits;
import io.nebula.resource.core.cluster.ClusterNode;
import io.nebula.resource.core.cluster.ClusterQuota;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #13's "stop Redis under load" with a Redis that <em>hangs</em>: the cluster's private {@code redis-server}
 * stopped with SIGSTOP under load and continued with SIGCONT. Its connections stay open and nothing answers, so every
 * call waits out its whole {@code redis-timeout} (where a killed Redis refuses at once), and the commands sent
 * meanwhile wait in the socket: Redis runs them when it continues, after the callers gave up on them.
 */
class RedisHangAcrossProcessesTest extends RedisOutageAcrossProcesses {

    /** The scenario of {@link RedisOutageAcrossProcesses} on three JVM processes, Redis stopped about 5 s. */
    @Test
    void withTheClustersRedisStoppedUnderLoadNoAcquisitionWaitsPastTheBoundLocalLimitsApplyAndTheClusterResumes()
            throws Exception {
        // the data stays: the kept leases are counted throughout, and what the nodes sent meanwhile runs on SIGCONT
        runUnderLoad(new Outage("stopped (SIGSTOP)", "SIGSTOP", "SIGCONT", PrivateRedis::pause, PrivateRedis::resume,
                Duration.ofSeconds(4)));
    }

    /**
     * The take a node sent while Redis was stopped is run when it continues: the node counted its acquisition alone, so
     * Redis then counts permits no lease holds. They do not stay: the node's next heartbeat (the one that makes it UP
     * again) sets its count to the leases it holds, and on its one connection that comes after the stale take.
     */
    @Test
    void aTakeSentWhileRedisWasStoppedRunsWhenItContinuesAndTheNodesNextHeartbeatCountsOnlyItsLeases() throws Exception {
        PrivateRedis coordination = privateRedis();
        Duration timeout = Duration.ofMillis(250);
        Duration ttl = Duration.ofSeconds(30); // no heartbeat of its own: this test beats
        RedisClusterPermits permits = new RedisClusterPermits(coordination.url(), "a", ttl, timeout);
        open.add(permits);
        ClusterNode node = new ClusterNode(permits, ttl, System::currentTimeMillis);
        ClusterLimits limits = node.limits("orders", new ClusterQuota(16, 0, 0, 2)); // 16: batches of 2 (an eighth)
        limits.enter(ResourceContext.GLOBAL);
        limits.enter(ResourceContext.GLOBAL); // one batch of 2, used up
        assertThat(coordination.heldPermits("orders:leases")).isEqualTo(2);

        coordination.pause();
        long start = System.nanoTime();
        limits.enter(ResourceContext.GLOBAL); // a take of the next batch, written into the stopped Redis's socket
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertThat(waited).as("one redis-timeout and a margin, ms").isLessThanOrEqualTo(timeout.plus(SCHEDULING_MARGIN).toMillis());
        assertThat(node.health().status()).isEqualTo(HealthStatus.Status.DEGRADED);
        assertThat(limits.inUse(null)).as("admitted alone").isEqualTo(3);

        coordination.resume();
        // Redis runs the take it had in its socket: 2 more permits for node a, which no lease holds
        await().atMost(Duration.ofSeconds(5)).until(() -> coordination.heldPermits("orders:leases") == 4);
        node.heartbeat();
        assertThat(node.health().status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(coordination.heldPermits("orders:leases")).as("the node's three leases, nothing else").isEqualTo(3);
        // the connection's replies are in step again: another node's take gets what the three leases leave
        RedisClusterPermits other = new RedisClusterPermits(coordination.url(), "b", ttl, Duration.ofSeconds(2));
        open.add(other);
        assertThat(other.take("orders:leases", 16, 16)).isEqualTo(13);
        for (int i = 0; i < 3; i++) {
            limits.leave(ResourceContext.GLOBAL);
        }
        node.heartbeat();
        assertThat(coordination.heldPermits("orders:leases")).as("node b's 13 only").isEqualTo(13);
    }
}
