package io.nebula.resource.cdi;

import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configuration goes through the plain MicroProfile Config API, so what the implementation offers
 * applies to resources: profiles, system properties and environment variables over the properties
 * file, expressions. (The environment variables {@code NEBULA_RESOURCE_FROM_ENV_POOL_MAX_SIZE=7} and
 * {@code NEBULA_RESOURCE_ENV_ONLY_POOL_MIN_SIZE=2} are set for the test JVM by this module's pom.)
 */
@NebulaWeldTest
@TestConfig({
        "mp.config.profile=dev",
        "nebula.resource.profiled.kind=test-counter",
        "nebula.resource.profiled.pool.max-size=3",
        "%dev.nebula.resource.profiled.pool.max-size=4",
        "%prod.nebula.resource.profiled.pool.max-size=100",
        "%dev.nebula.resource.dev-only.kind=test-counter",
        "%prod.nebula.resource.prod-only.kind=test-counter",
        "nebula.resource.from-env.kind=test-counter",
        "nebula.resource.from-env.pool.max-size=3",
        "nebula.resource.env-only.kind=test-counter",
        "nebula.resource.from-sysprop.kind=test-counter",
        "nebula.resource.from-sysprop.pool.max-size=3",
        "orders.size=6",
        "nebula.resource.expanded.kind=test-counter",
        "nebula.resource.expanded.pool.max-size=${orders.size}"})
class MicroProfileConfigTest {

    private static final String SYSPROP = "nebula.resource.from-sysprop.pool.max-size";

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    Resources resources;

    @BeforeAll
    static void setSystemProperty() {
        System.setProperty(SYSPROP, "5");
    }

    @AfterAll
    static void clearSystemProperty() {
        System.clearProperty(SYSPROP);
    }

    @Test
    void theActiveProfileWins() {
        assertThat(maxSize("profiled")).isEqualTo(4);
    }

    @Test
    void resourcesDeclaredOnlyInAnInactiveProfileDoNotExist() {
        assertThat(resources.names()).contains("dev-only").doesNotContain("prod-only");
    }

    @Test
    void anEnvironmentVariableOverridesTheFile() {
        assertThat(System.getenv("NEBULA_RESOURCE_FROM_ENV_POOL_MAX_SIZE")).as("set by the pom").isEqualTo("7");
        assertThat(maxSize("from-env")).isEqualTo(7);
    }

    @Test
    void anEnvironmentVariableCanSetAKeyNoOtherSourceMentions() {
        assertThat(System.getenv("NEBULA_RESOURCE_ENV_ONLY_POOL_MIN_SIZE")).as("set by the pom").isEqualTo("2");
        assertThat(resources.find("env-only").orElseThrow().pool().minSize()).isEqualTo(2);
        assertThat(resources.names()).as("the variable's guessed name declares no resource of its own")
                .doesNotContain("env");
    }

    @Test
    void aSystemPropertyOverridesTheFile() {
        assertThat(maxSize("from-sysprop")).isEqualTo(5);
    }

    @Test
    void expressionsAreExpanded() {
        assertThat(maxSize("expanded")).isEqualTo(6);
    }

    private int maxSize(String resource) {
        return resources.find(resource).orElseThrow().pool().maxSize();
    }
}
