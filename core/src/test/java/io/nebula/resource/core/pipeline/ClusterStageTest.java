package io.nebula.resource.core.pipeline;

import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.cluster.ClusterLimits;
import io.nebula.resource.core.cluster.ClusterNode;
import io.nebula.resource.core.cluster.ClusterQuota;
import io.nebula.resource.core.cluster.ClusterTesting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cluster stage in a woven pool: a permit held exactly while a lease is. */
class ClusterStageTest {

    private final Backend backend = new Backend();
    private final List<WovenPool<?>> pools = new ArrayList<>();
    private final ClusterNode node = ClusterTesting.node("a");

    private WovenPool<Backend.Session> pool(ClusterLimits limits) {
        return pool(limits, 10);
    }

    private WovenPool<Backend.Session> pool(ClusterLimits limits, int maxSize) {
        WovenPool<Backend.Session> pool = WovenPool.builder(backend, ResourceSettings.of("ledger", "fake",
                Map.of("retry.max-retries", "0", "pool.max-size", String.valueOf(maxSize)))).cluster(limits).build();
        pools.add(pool);
        pool.start();
        return pool;
    }

    @AfterEach
    void close() {
        pools.forEach(WovenPool::close);
    }

    @Test
    void withRetriesTheClusterStageIsTheInnermostStage() {
        WovenPool<Backend.Session> pool = WovenPool.builder(backend, ResourceSettings.of("ledger", "fake", Map.of()))
                .cluster(node.limits("ledger", new ClusterQuota(2, 0, 0, 1))).build();
        pools.add(pool);
        assertThat(pool.stages()).endsWith("retry", "cluster limits");
    }

    @Test
    void withoutAClusterLimitThereIsNoClusterStage() {
        assertThat(pool(node.limits("ledger", new ClusterQuota(0, 0, 0, 1))).stages()).doesNotContain("cluster limits");
    }

    @Test
    void aLeaseHoldsItsPermitUntilItIsGivenBackAndARefusalNamesTheClusterKey() throws Exception {
        ClusterLimits limits = node.limits("ledger", new ClusterQuota(2, 0, 0, 1));
        WovenPool<Backend.Session> pool = pool(limits);
        assertThat(pool.stages()).endsWith("cluster limits");

        Lease<Backend.Session> one = pool.acquire(Duration.ofMillis(100), ResourceContext.GLOBAL);
        Lease<Backend.Session> two = pool.acquire(Duration.ofMillis(100), ResourceContext.GLOBAL);
        assertThat(limits.inUse(null)).isEqualTo(2);

        assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(100), ResourceContext.GLOBAL))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("cluster.max-concurrent-leases=2");
        assertThat(limits.inUse(null)).as("a refused acquisition holds nothing").isEqualTo(2);

        one.close();
        assertThat(limits.inUse(null)).isEqualTo(1);
        two.close();
        try (Lease<Backend.Session> three = pool.acquire(Duration.ofMillis(100), ResourceContext.GLOBAL)) {
            assertThat(limits.inUse(null)).isEqualTo(1);
        }
        assertThat(limits.inUse(null)).isZero();
    }

    @Test
    void anAcquisitionThePoolCannotServeGivesItsPermitBack() throws Exception {
        ClusterLimits limits = node.limits("ledger", new ClusterQuota(5, 0, 0, 1));
        WovenPool<Backend.Session> pool = pool(limits, 1);
        try (Lease<Backend.Session> one = pool.acquire(Duration.ofMillis(100), ResourceContext.GLOBAL)) {
            assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(50), ResourceContext.GLOBAL))
                    .isInstanceOf(io.nebula.resource.AcquisitionTimeoutException.class);
            assertThat(limits.inUse(null)).isEqualTo(1);
        }
    }
}
