package io.nebula.resource.cdi;

import io.nebula.resource.ResourceState;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.TestBackend;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.provider.testing.TestConfigExtension;
import io.nebula.resource.cdi.testing.TestConnection;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eager resources start at application start, dependencies first; lazy ones on first use, after their
 * dependencies; at shutdown every started resource drains and closes, dependents first.
 * The container is started and stopped by hand to see both ends.
 */
@ExtendWith(TestConfigExtension.class)
@TestConfig({
        "nebula.resource.db.kind=test-counter",
        "nebula.resource.db.pool.warmup=eager",
        "nebula.resource.db.pool.min-size=1",
        "nebula.resource.cache.kind=test-shared",
        "nebula.resource.cache.depends-on=db",
        "nebula.resource.cache.start=eager",
        "nebula.resource.api.kind=test-counter",
        "nebula.resource.api.depends-on=cache, db",
        "nebula.resource.api.pool.warmup=eager",
        "nebula.resource.api.pool.min-size=1",
        "nebula.resource.reports.kind=test-counter",
        "nebula.resource.reports.depends-on=warehouse",
        "nebula.resource.warehouse.kind=test-counter",
        "nebula.resource.idle.kind=test-counter"})
class StartStopOrderTest {

    @Test
    void eagerResourcesStartInDependencyOrderAndLazyOnesWait() {
        try (WeldContainer container = NebulaWeld.container().initialize()) {
            assertThat(TestBackend.log("create:")).as("each eager resource proves itself with an instance, in order")
                    .containsExactly("create:db", "create:cache", "create:api");
            Resources resources = container.select(Resources.class).get();
            assertThat(resources.find("cache").orElseThrow().state()).isEqualTo(ResourceState.READY);
            assertThat(resources.find("reports").orElseThrow().state()).isEqualTo(ResourceState.CREATED);
            assertThat(resources.find("warehouse").orElseThrow().state()).isEqualTo(ResourceState.CREATED);
        }
    }

    @Test
    void aLazyResourceStartsOnFirstUseAfterItsDependencies() {
        try (WeldContainer container = NebulaWeld.container().initialize()) {
            Resources resources = container.select(Resources.class).get();
            resources.acquire("reports", TestConnection.class).close();
            assertThat(resources.find("warehouse").orElseThrow().state()).isEqualTo(ResourceState.READY);
            assertThat(resources.find("reports").orElseThrow().state()).isEqualTo(ResourceState.READY);
            assertThat(resources.find("idle").orElseThrow().state()).isEqualTo(ResourceState.CREATED);
        }
    }

    @Test
    void atShutdownResourcesCloseDependentsFirst() {
        Resources resources;
        try (WeldContainer container = NebulaWeld.container().initialize()) {
            resources = container.select(Resources.class).get();
            resources.acquire("cache", io.nebula.resource.cdi.testing.SharedClient.class).close();
            resources.acquire("reports", TestConnection.class).close();
        }
        List<String> shutdowns = TestBackend.log("shutdown:");
        assertThat(shutdowns).containsExactlyInAnyOrder("shutdown:api", "shutdown:cache", "shutdown:db",
                "shutdown:reports", "shutdown:warehouse");
        assertThat(shutdowns.indexOf("shutdown:api")).isLessThan(shutdowns.indexOf("shutdown:cache"));
        assertThat(shutdowns.indexOf("shutdown:cache")).isLessThan(shutdowns.indexOf("shutdown:db"));
        assertThat(shutdowns.indexOf("shutdown:reports")).isLessThan(shutdowns.indexOf("shutdown:warehouse"));
        List<String> log = TestBackend.log();
        assertThat(log.lastIndexOf("destroy:db")).as("db's instances outlive api's")
                .isGreaterThan(log.lastIndexOf("destroy:api"));
        assertThat(resources.find("db").orElseThrow().state()).isEqualTo(ResourceState.TERMINATED);
        assertThat(resources.find("idle").orElseThrow().state()).as("never started, nothing to close")
                .isEqualTo(ResourceState.TERMINATED);
    }
}
