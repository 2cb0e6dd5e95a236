package io.nebula.resource.core;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.HealthStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DependencyGraphTest {

    final DependencyGraph graph = DependencyGraph.of(Map.of(
            "orders-db", List.of(),
            "cache", List.of(),
            "orders-api", List.of("orders-db", "cache"),
            "billing", List.of("orders-api")));

    @Test
    void startsDependenciesFirstAndStopsInReverse() {
        assertThat(graph.startOrder()).containsExactly("cache", "orders-db", "orders-api", "billing");
        assertThat(graph.stopOrder()).containsExactly("billing", "orders-api", "orders-db", "cache");
        assertThat(graph.dependenciesOf("billing")).containsExactly("cache", "orders-db", "orders-api");
        assertThat(graph.dependenciesOf("cache")).isEmpty();
    }

    @Test
    void aCycleNamesItselfUnderTheDependsOnKey() {
        assertThatThrownBy(() -> DependencyGraph.of(Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("a"),
                "d", List.of())))
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .containsExactly(new ConfigProblem("nebula.resource.a.depends-on", "dependency cycle a → b → c → a")));
        assertThatThrownBy(() -> DependencyGraph.of(Map.of("a", List.of("a"))))
                .hasMessageContaining("nebula.resource.a.depends-on: dependency cycle a → a");
    }

    @Test
    void anUnknownDependencyNamesItsKeyAndTheDeclaredResources() {
        assertThatThrownBy(() -> DependencyGraph.of(Map.of("a", List.of("ghost"), "b", List.of())))
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .containsExactly(new ConfigProblem("nebula.resource.a.depends-on",
                                "depends on 'ghost', which is not a declared resource; declared: a, b")));
    }

    @Test
    void aDownDependencyDegradesEveryResourceAboveIt() {
        Map<String, HealthStatus> health = graph.cascade(Map.of(
                "orders-db", HealthStatus.down("connection refused"),
                "cache", HealthStatus.up(),
                "orders-api", HealthStatus.up(),
                "billing", HealthStatus.down("own failure")));
        assertThat(health.get("orders-db").status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(health.get("cache").status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(health.get("orders-api").status()).isEqualTo(HealthStatus.Status.DEGRADED);
        assertThat(health.get("orders-api").message()).contains("DEGRADED because orders-db is DOWN");
        assertThat(health.get("billing").status()).as("its own DOWN is worse").isEqualTo(HealthStatus.Status.DOWN);
        assertThat(health.get("billing").details()).containsEntry("downDependencies", List.of("orders-db"));
    }
}
