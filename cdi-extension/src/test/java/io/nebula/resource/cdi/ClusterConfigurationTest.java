package io.nebula.resource.cdi;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.provider.testing.TestConfigExtension;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The {@code nebula.cluster.*} keys at deployment, each mistake under its key: what {@link ConfigurationErrorsTest}
 * cannot show in its one deployment, where {@code nebula.cluster.resource} is set. The Redis backend module is not on
 * this module's test class path, which is itself a mistake to report.
 */
@ExtendWith(TestConfigExtension.class)
@TestConfig({"nebula.resource.orders.kind=test-counter"})
@SuppressWarnings("try") // the container is started only to see it fail
class ClusterConfigurationTest {

    @Test
    @TestConfig({"nebula.resource.orders.cluster.max-concurrent-leases=4",
            "nebula.resource.orders.cluster.tenant.max-acquisitions-per-second=0"})
    void aClusterLimitWithoutAClusterResourceIsRefusedUnderItsKey() {
        assertThat(deploymentProblems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.resource.orders.cluster.max-concurrent-leases");
            assertThat(p.message()).isEqualTo("is a cluster-wide limit, but nebula.cluster.resource is not set; name the"
                    + " declared resource of kind redis that counts it across the nodes");
        });
    }

    @Test
    @TestConfig({"nebula.cluster.resource=coordination"})
    void aClusterResourceThatIsNotDeclaredIsRefused() {
        assertThat(deploymentProblems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("nebula.cluster.resource");
            assertThat(p.message()).isEqualTo("names no declared resource, was 'coordination'");
        });
    }

    @Test
    @TestConfig({"nebula.resource.coordination.kind=redis", "nebula.cluster.resource=coordination"})
    void aRedisClusterResourceWithoutTheBackendModuleIsRefused() {
        assertThat(deploymentProblems()).anySatisfy(p -> {
            assertThat(p.key()).isEqualTo("nebula.cluster.resource");
            assertThat(p.message()).isEqualTo("needs the cluster backend on the class path"
                    + " (io.nebula.resource:nebula-resource-cluster-redis), was 'coordination'");
        });
    }

    private List<ConfigProblem> deploymentProblems() {
        try (WeldContainer ignored = NebulaWeld.container().initialize()) {
            return fail("the deployment should have failed");
        } catch (RuntimeException e) {
            Deque<Throwable> todo = new ArrayDeque<>(List.of(e));
            while (!todo.isEmpty()) {
                Throwable t = todo.pop();
                if (t instanceof ConfigurationInvalidException c) {
                    return c.problems();
                }
                if (t.getCause() != null && t.getCause() != t) {
                    todo.add(t.getCause());
                }
                todo.addAll(List.of(t.getSuppressed()));
            }
            throw new AssertionError("no ConfigurationInvalidException in", e);
        }
    }
}
