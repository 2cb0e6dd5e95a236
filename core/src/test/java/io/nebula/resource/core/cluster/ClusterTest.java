package io.nebula.resource.core.cluster;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Cluster}: what the CDI extension builds from {@code nebula.cluster.*}, on an in-memory backend. */
class ClusterTest {

    private static final ClusterSettings SETTINGS = new ClusterSettings("coordination", "node-1", Duration.ofSeconds(3),
            Duration.ofMillis(50));
    private static final ResourceSettings BACKEND = ResourceSettings.of("coordination", "memory", Map.of());
    private final List<Cluster> open = new ArrayList<>();

    @AfterEach
    void close() {
        MemoryPermitsFactory.BACKEND.down = false;
        open.forEach(Cluster::close);
    }

    private Cluster join() {
        Cluster c = Cluster.join(SETTINGS, "memory", BACKEND, getClass().getClassLoader());
        open.add(c);
        return c;
    }

    @Test
    void theBackendIsFoundByItsKindAndEachResourceGetsOneLimitsSharedByItsPools() {
        Cluster cluster = join();
        ResourceSettings orders = ResourceSettings.of("orders", "test", Map.of("cluster.max-concurrent-leases", "2"));
        ClusterLimits limits = cluster.limits("orders", orders);
        assertThat(limits).isNotNull();
        assertThat(cluster.limits("orders", orders)).as("one per resource").isSameAs(limits);
        assertThat(cluster.limits("plain", ResourceSettings.of("plain", "test", Map.of()))).isNull();
        assertThat(cluster.node().nodeId()).isEqualTo("node-1");
        assertThat(cluster.health().status()).isEqualTo(HealthStatus.Status.UP);
    }

    @Test
    void noBackendOfTheKindIsAProblemNamingTheKey() {
        assertThatThrownBy(() -> Cluster.join(SETTINGS, "redis", BACKEND, getClass().getClassLoader()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nebula.cluster.resource");
        assertThat(Cluster.factory("memory", getClass().getClassLoader())).isPresent();
    }

    @Test
    void eachCallIsTimedAndAFailedOneCountedAndTheNodeDegraded() {
        Cluster cluster = join();
        List<Long> calls = new ArrayList<>();
        cluster.onCall(calls::add);
        ClusterLimits limits = cluster.limits("orders", ResourceSettings.of("orders", "test",
                Map.of("cluster.max-concurrent-leases", "2", "cluster.batch", "1")));
        limits.enter(ResourceContext.GLOBAL);
        assertThat(calls).hasSize(1);
        assertThat(cluster.failedCalls()).isZero();

        MemoryPermitsFactory.BACKEND.down = true;
        limits.enter(ResourceContext.GLOBAL);
        assertThat(cluster.failedCalls()).isEqualTo(1);
        assertThat(calls).hasSize(2);
        assertThat(cluster.health().status()).isEqualTo(HealthStatus.Status.DEGRADED);
        assertThat(cluster.node().admittedAlone()).isEqualTo(1);
    }
}
