package io.nebula.resource.it.scenarios;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ScopeFallbackScenarios} on Quarkus: the resources of src-it/quarkus' application.properties. */
@QuarkusTest
@TestProfile(ScopeFallbackQuarkusTest.Own.class)
class ScopeFallbackQuarkusTest extends ScopeFallbackScenarios {

    /** An application of this class's own: Quarkus restarts for each profile, so no pool is shared between classes. */
    public static class Own implements io.quarkus.test.junit.QuarkusTestProfile {
    }
}
