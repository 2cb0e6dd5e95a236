package io.nebula.resource.cluster.redis;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.core.cluster.ClusterLimits;
import io.nebula.resource.core.cluster.ClusterNode;
import io.nebula.resource.core.cluster.ClusterQuota;
import io.nebula.resource.core.cluster.ClusterUnavailableException;
import io.nebula.resource.testing.FaultProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Lua permits on the local Redis, in its db 11 (flushed before each test, no other db touched). */
class RedisClusterPermitsTest {

    static final String URL = "redis://127.0.0.1:6379/11";
    /**
     * The bound of the node behind the cut proxy, whose test measures it. A node talking to a healthy Redis gets
     * {@link #HEALTHY}: at a load average of 10 a local round trip took over 50 ms, failing a call that was not the
     * test's subject.
     */
    private static final Duration TIMEOUT = Duration.ofMillis(250);
    private static final Duration HEALTHY = Duration.ofSeconds(2);

    @RegisterExtension
    final RedisDb db = new RedisDb(URL);

    private RedisClusterPermits node(String id, String url, Duration ttl) {
        return node(id, url, ttl, HEALTHY);
    }

    private RedisClusterPermits node(String id, String url, Duration ttl, Duration timeout) {
        RedisClusterPermits p = new RedisClusterPermits(url, id, ttl, timeout);
        db.closeAfter(p);
        return p;
    }

    @Test
    void theNodesTogetherNeverHoldMoreThanTheLimit() {
        RedisClusterPermits a = node("a", URL, Duration.ofSeconds(5));
        RedisClusterPermits b = node("b", URL, Duration.ofSeconds(5));

        assertThat(a.take("orders:leases", 5, 7)).isEqualTo(5);
        assertThat(b.take("orders:leases", 5, 7)).isEqualTo(2);
        assertThat(a.take("orders:leases", 5, 7)).isZero();
        assertThat(b.roundTrips()).isEqualTo(1);
    }

    @Test
    void givenBackPermitsAndAnAbsoluteHoldAreTakenAgainByAnotherNode() {
        RedisClusterPermits a = node("a", URL, Duration.ofSeconds(5));
        RedisClusterPermits b = node("b", URL, Duration.ofSeconds(5));
        a.take("orders:leases", 6, 6);

        a.give("orders:leases", 2);
        assertThat(b.take("orders:leases", 6, 6)).isEqualTo(2);
        a.hold("orders:leases", 1);
        assertThat(b.take("orders:leases", 6, 6)).isEqualTo(3);
    }

    @Test
    void theWindowOfARateIsSharedAndANewWindowStartsAfresh() {
        RedisClusterPermits a = node("a", URL, Duration.ofSeconds(5));
        RedisClusterPermits b = node("b", URL, Duration.ofSeconds(5));

        assertThat(a.takeInWindow("orders:tenant:acme:rate", 100, 4, 5)).isEqualTo(4);
        assertThat(b.takeInWindow("orders:tenant:acme:rate", 100, 4, 5)).isEqualTo(1);
        assertThat(b.takeInWindow("orders:tenant:acme:rate", 101, 4, 5)).isEqualTo(4);
    }

    @Test
    void thePermitsOfANodeWhoseHeartbeatStoppedReturnWithinTheTtl() {
        RedisClusterPermits dead = node("dead", URL, Duration.ofMillis(500));
        RedisClusterPermits alive = node("alive", URL, Duration.ofMillis(500));
        assertThat(dead.take("orders:leases", 5, 5)).isEqualTo(5);
        // "dead" makes no further call, as a node killed with kill -9
        assertThat(alive.take("orders:leases", 5, 5)).isZero();

        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(2)).until(() -> alive.take("orders:leases", 5, 5) == 5);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500 + 500));
    }

    @Test
    void aCutRedisFailsEachCallWithinTheTimeoutAndTheNodeCountsAloneUntilItReturns() throws Exception {
        FaultProxy proxy = FaultProxy.start("127.0.0.1", 6379);
        db.closeAfter(proxy);
        RedisClusterPermits permits = node("a", "redis://" + proxy.host() + ":" + proxy.port() + "/11",
                Duration.ofSeconds(3), TIMEOUT);
        ClusterNode node = new ClusterNode(permits, Duration.ofSeconds(3), System::currentTimeMillis);
        ClusterLimits limits = node.limits("orders", new ClusterQuota(2, 0, 0, 1));
        limits.enter(ResourceContext.GLOBAL);

        proxy.latency(Duration.ofSeconds(3), Duration.ZERO); // a Redis that stops answering, the worst case
        long start = System.nanoTime();
        assertThatThrownBy(() -> permits.take("orders:leases", 1, 2)).isInstanceOf(ClusterUnavailableException.class);
        // the bound, plus what a loaded machine adds to wake a thread; never Lettuce's default of 60 s
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusMillis(200));
        proxy.down(); // and then refuses connections: the stalled link is cut with it
        proxy.latency(Duration.ZERO, Duration.ZERO);

        limits.enter(ResourceContext.GLOBAL);
        limits.enter(ResourceContext.GLOBAL); // the third, over the cluster's 2: the node counts alone
        assertThat(node.health().status()).isEqualTo(HealthStatus.Status.DEGRADED);
        assertThat(node.admittedAlone()).isEqualTo(2);

        proxy.up();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            node.heartbeat();
            return node.available();
        });
        assertThat(node.health().status()).isEqualTo(HealthStatus.Status.UP);
        RedisClusterPermits other = node("b", URL, Duration.ofSeconds(3));
        assertThat(other.take("orders:leases", 1, 2)).as("the node claimed its 3 leases on return").isZero();
        limits.leave(ResourceContext.GLOBAL);
        limits.leave(ResourceContext.GLOBAL);
        limits.enter(ResourceContext.GLOBAL); // 2 held again: within the cluster's limit
        assertThatThrownBy(() -> limits.enter(ResourceContext.GLOBAL)).isInstanceOf(QuotaExceededException.class);
    }
}
