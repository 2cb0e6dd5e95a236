package io.nebula.resource.it.scenarios;

import io.nebula.resource.ResourceState;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link InjectionScenarios} on Quarkus; and the machine's PostgreSQL and Redis injected. */
@QuarkusTest
@TestProfile(InjectionQuarkusTest.Own.class)
class InjectionQuarkusTest extends InjectionScenarios {

    /** An application of this class's own: Quarkus restarts for each profile, so no pool is shared between classes. */
    public static class Own implements io.quarkus.test.junit.QuarkusTestProfile {
    }

    @Inject
    Backends backends;

    @Test
    void theMachinesPostgresqlAndRedisAreInjected() throws Exception {
        assertThat(backends.ledgerProduct()).isEqualTo("PostgreSQL");
        assertThat(backends.roundTrip("nebula:quarkus:" + System.nanoTime(), "ok")).isEqualTo("ok");
        assertThat(resources.find("cache").orElseThrow().state()).isEqualTo(ResourceState.READY);
    }
}
