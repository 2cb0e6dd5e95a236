package io.nebula.resource.it.scenarios;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link WorkflowScopesScenarios} on Quarkus: the resources of src-it/quarkus' application.properties. */
@QuarkusTest
@TestProfile(WorkflowScopesQuarkusTest.Own.class)
class WorkflowScopesQuarkusTest extends WorkflowScopesScenarios {

    /** An application of this class's own: Quarkus restarts for each profile, so no pool is shared between classes. */
    public static class Own implements io.quarkus.test.junit.QuarkusTestProfile {
    }
}
