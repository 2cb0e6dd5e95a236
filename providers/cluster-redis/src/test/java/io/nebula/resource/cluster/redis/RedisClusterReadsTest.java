package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a dashboard reads of the cluster on the local Redis, db {@value #DB} (flushed before each test, no other db
 * touched): the live nodes, also those holding no permit, and a rate limit's window count for the whole cluster.
 */
class RedisClusterReadsTest {

    static final int DB = 5;
    static final String URL = "redis://127.0.0.1:6379/" + DB;

    @RegisterExtension
    final RedisDb db = new RedisDb(URL);

    private RedisClusterPermits node(String id, Duration ttl) {
        RedisClusterPermits p = new RedisClusterPermits(URL, id, ttl, Duration.ofSeconds(2));
        db.closeAfter(p);
        return p;
    }

    @Test
    void aNodeThatBeatsIsListedLiveHoldingNoPermitAndDropsOutWhenItsHeartbeatLapses() {
        RedisClusterPermits a = node("a", Duration.ofSeconds(30));
        RedisClusterPermits b = node("b", Duration.ofSeconds(30));
        RedisClusterPermits c = node("c", Duration.ofMillis(600));
        a.take("orders:leases", 2, 10); // a holds permits; b and c hold none
        a.heartbeat();
        b.heartbeat();
        c.heartbeat();

        assertThat(a.usage("orders:leases")).containsOnlyKeys("a");
        assertThat(a.liveNodes()).containsExactly("a", "b", "c");

        // c stops beating: gone once its heartbeat key expires, the others stay
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.liveNodes().contains("c"));
        assertThat(b.liveNodes()).containsExactly("a", "b");
    }

    @Test
    void theNodeSetKeepsOnlyTheNodesThatBeatWithinTwoTtlsWhateverTheReads() throws Exception {
        RedisClusterPermits old = node("old", Duration.ofMillis(200));
        old.heartbeat();
        Thread.sleep(600); // more than two of old's TTLs: the next heartbeat of any node drops it from the set
        RedisClusterPermits a = node("a", Duration.ofMillis(200));
        a.heartbeat();

        RedisClient client = RedisClient.create(URL);
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            assertThat(conn.sync().zrange(RedisClusterPermits.NODE_SET, 0, -1)).containsExactly("a");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aRateWindowIsOneCountForTheWholeCluster() {
        RedisClusterPermits a = node("a", Duration.ofSeconds(30));
        RedisClusterPermits b = node("b", Duration.ofSeconds(30));
        long window = System.currentTimeMillis() / 1000;

        assertThat(a.takeInWindow("orders:tenant:t1:rate", window, 3, 5)).isEqualTo(3);
        assertThat(b.takeInWindow("orders:tenant:t1:rate", window, 3, 5)).isEqualTo(2);

        assertThat(a.windowCount("orders:tenant:t1:rate", window)).isEqualTo(5);
        assertThat(b.windowCount("orders:tenant:t1:rate", window)).isEqualTo(5);
        assertThat(a.windowCount("orders:tenant:t1:rate", window + 1)).isZero();
        assertThat(a.windowCount("orders:tenant:t2:rate", window)).isZero();
    }
}
