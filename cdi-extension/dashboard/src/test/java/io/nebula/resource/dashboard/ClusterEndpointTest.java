package io.nebula.resource.dashboard;

import io.nebula.resource.ClusterOverview;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster panel's report: the node, its health, the gates, the usage by node, or why the usage is missing. */
class ClusterEndpointTest {

    private static ClusterOverview node(RuntimeException usageFails) {
        return new ClusterOverview() {
            @Override
            public String nodeId() {
                return "a";
            }

            @Override
            public String health() {
                return usageFails == null ? "UP" : "DEGRADED";
            }

            @Override
            public Map<String, Integer> gates() {
                return Map.of("orders", 2);
            }

            @Override
            public String healthMessage() {
                return usageFails == null ? null : "cluster backend unavailable (RedisException): node 'a' applies its local limits only";
            }

            @Override
            public Map<String, OpenGate> openGates() {
                return Map.of("orders", new OpenGate("b", "java.net.ConnectException"));
            }

            @Override
            public List<String> liveNodes() {
                if (usageFails != null) {
                    throw usageFails;
                }
                return List.of("a", "b", "c"); // c holds no permit
            }

            @Override
            public List<Usage> usage() {
                if (usageFails != null) {
                    throw usageFails;
                }
                return List.of(new Usage("orders", "acme", "cluster.tenant.max-concurrent-leases", 4, Map.of("a", 1, "b", 3)),
                        new Usage("orders", "acme", "cluster.tenant.max-acquisitions-per-second", 5, Map.of(), 3));
            }
        };
    }

    @Test
    void theReportCarriesTheNodeItsHealthTheGatesAndTheUsageByNode() {
        ClusterEndpoint.ClusterReport r = ClusterEndpoint.report(node(null));

        assertThat(r.node()).isEqualTo("a");
        assertThat(r.health()).isEqualTo("UP");
        assertThat(r.gates()).containsEntry("orders", 2);
        assertThat(r.liveNodes()).containsExactly("a", "b", "c");
        assertThat(r.usage()).first().satisfies(u -> {
            assertThat(u.tenant()).isEqualTo("acme");
            assertThat(u.byNode()).containsEntry("a", 1).containsEntry("b", 3);
            assertThat(u.windowCount()).isNull();
        });
        assertThat(r.usage()).last().satisfies(u -> {
            assertThat(u.limit()).isEqualTo("cluster.tenant.max-acquisitions-per-second");
            assertThat(u.byNode()).isEmpty();
            assertThat(u.windowCount()).isEqualTo(3);
        });
        assertThat(r.usageError()).isNull();
    }

    @Test
    void whenRedisDoesNotAnswerTheRestIsShownAndTheErrorSaysWhy() {
        ClusterEndpoint.ClusterReport r = ClusterEndpoint.report(node(new IllegalStateException(
                "Redis of the cluster did not answer node 'a' within 50 ms")));

        assertThat(r.health()).isEqualTo("DEGRADED");
        assertThat(r.gates()).containsEntry("orders", 2);
        assertThat(r.usage()).isNull();
        assertThat(r.liveNodes()).isNull();
        assertThat(r.usageError()).contains("within 50 ms");
    }

    @Test
    void theReportSaysWhyTheNodeIsDegradedAndWhoSawEachOpenGatesBackendDown() {
        ClusterEndpoint.ClusterReport up = ClusterEndpoint.report(node(null));
        ClusterEndpoint.ClusterReport degraded = ClusterEndpoint.report(node(new IllegalStateException("no answer")));

        assertThat(up.healthMessage()).isNull();
        assertThat(degraded.healthMessage()).contains("RedisException", "local limits only");
        assertThat(up.openGates()).containsEntry("orders", new ClusterOverview.OpenGate("b", "java.net.ConnectException"));
    }
}
