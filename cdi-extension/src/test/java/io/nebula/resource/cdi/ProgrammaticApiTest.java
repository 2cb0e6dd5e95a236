package io.nebula.resource.cdi;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.Lease;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.PoolStrategy;
import io.nebula.resource.ResourceScope;
import io.nebula.resource.ResourceState;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.cdi.testing.Pinger;
import io.nebula.resource.cdi.testing.SharedClient;
import io.nebula.resource.cdi.testing.TestBackend;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Resources}, level by level: by type, by name (with overrides), and declared in code. */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders.kind=test-counter",
        "nebula.resource.orders.pool.max-size=4",
        "nebula.resource.cache.kind=test-shared"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class ProgrammaticApiTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @Test
    void levelOneFindsTheOneResourceThatMakesAType() {
        assertThat(resources.get(SharedClient.class).resource()).isEqualTo("cache");
        try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", "a")) {
            TestConnection connection = resources.get(TestConnection.class);
            assertThat(connection.resource()).isEqualTo("orders");
            assertThat(resources.get(Pinger.class).ping()).as("a view of the same scoped lease").isEqualTo(connection.id());
            assertThat(active("orders")).isEqualTo(1);
        }
        assertThat(active("orders")).as("a leased instance from get() follows the scope").isZero();
    }

    @Test
    void levelOneRefusesATypeNoResourceOrSeveralMake() {
        assertThatThrownBy(() -> resources.get(String.class))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("no declared resource makes java.lang.String");
        resources.builder("more-orders").kind("test-counter").build(TestConnection.class);
        assertThatThrownBy(() -> resources.get(TestConnection.class))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("more-orders, orders");
    }

    @Test
    void levelTwoGetsByNameAndSharesTheScopesLease() {
        try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", "a")) {
            TestConnection first = resources.get("orders", TestConnection.class);
            assertThat(resources.get("orders", TestConnection.class)).isSameAs(first);
        }
        assertThat(resources.get("cache", SharedClient.class)).isSameAs(resources.get("cache", SharedClient.class));
    }

    @Test
    void levelTwoWithOverridesDerivesAResourceOncePerOverrideSet() {
        Map<String, String> small = Map.of("pool.max-size", "1");
        int base;
        int derived;
        try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", "a")) {
            base = resources.get("orders", TestConnection.class).id();
            derived = resources.get("orders", TestConnection.class, small).id();
        }
        assertThat(derived).as("a resource of its own, not the base's lease").isNotEqualTo(base);
        try (ScopeHandle s = contexts.enter("acme", "billing", "run-2", "a")) {
            assertThat(resources.get("orders", TestConnection.class, Map.of("pool.max-size", "1")).id())
                    .as("the same derived pool, whose one instance came back").isEqualTo(derived);
        }
        assertThat(TestBackend.log("create:orders")).hasSize(2);
    }

    @Test
    void overridesAreValidatedLikeConfiguration() {
        assertThatThrownBy(() -> resources.get("orders", TestConnection.class, Map.of("pool.max-size", "many")))
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key).containsExactly("nebula.resource.orders.pool.max-size"));
    }

    @Test
    void levelThreeDeclaresAndStartsAResourceInCode() {
        ManagedResource<TestConnection> jobs = resources.builder("jobs")
                .kind("test-counter")
                .poolSize(3).minSize(1)
                .strategy(PoolStrategy.FIFO)
                .acquireTimeout(Duration.ofSeconds(1))
                .healthInterval(Duration.ofSeconds(10))
                .scope(ResourceScope.EXECUTION)
                .dependsOn("orders")
                .build(TestConnection.class);
        assertThat(jobs.state()).isEqualTo(ResourceState.READY);
        assertThat(jobs.scope()).isEqualTo(ResourceScope.EXECUTION);
        assertThat(jobs.pool().maxSize()).isEqualTo(3);
        assertThat(resources.names()).contains("jobs", "orders", "cache");
        assertThat(resources.find("orders").orElseThrow().state()).as("its dependency was started first")
                .isEqualTo(ResourceState.READY);
        try (Lease<TestConnection> lease = jobs.acquire()) {
            assertThat(lease.get().resource()).isEqualTo("jobs");
        }
        try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", null)) {
            assertThat(resources.get("jobs", TestConnection.class).resource()).isEqualTo("jobs");
        }
    }

    @Test
    void levelThreeIsValidatedLikeConfigurationAndReportsEveryProblem() {
        assertThatThrownBy(() -> resources.builder("orders").kind("nope").poolSize(0)
                .property("scope", "forever").dependsOn("ghost").build(TestConnection.class))
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key)
                        .contains("nebula.resource.orders.kind", "nebula.resource.orders.scope",
                                "nebula.resource.orders.pool.max-size", "nebula.resource.orders.depends-on"))
                .hasMessageContaining("already declared")
                .hasMessageContaining("unknown kind 'nope'");
        assertThatThrownBy(() -> resources.builder("cache2").kind("test-shared").build(TestConnection.class))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("makes io.nebula.resource.cdi.testing.SharedClient");
        assertThat(resources.names()).doesNotContain("cache2");
    }

    @Test
    void acquireHandsTheCallerALeaseAsTheProviderTypeOrAView() {
        try (Lease<Pinger> pinger = resources.acquire("orders", Pinger.class, Duration.ofSeconds(1))) {
            assertThat(pinger.resource()).isEqualTo("orders");
            assertThat(pinger.get().ping()).isPositive();
            assertThat(active("orders")).isEqualTo(1);
        }
        assertThat(active("orders")).isZero();
        ManagedResource<?> orders = resources.find("orders").orElseThrow();
        assertThat(orders.kind()).isEqualTo("test-counter");
        assertThat(orders.scope()).isEqualTo(ResourceScope.GLOBAL);
        assertThat(resources.find("nothing")).isEmpty();
    }

    private int active(String resource) {
        return resources.find(resource).orElseThrow().pool().active();
    }
}
