package io.nebula.resource.cdi;

import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.TenantRequiredException;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.LogCapture;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.cdi.testing.TestBackend;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When a resource's scope is not active, its lease binds to the nearest broader active scope, and a debug log says
 * so; a tenant-scoped resource is the exception: without a tenant it is refused (issue 8).
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.step.kind=test-counter",
        "nebula.resource.step.scope=action",
        "nebula.resource.run.kind=test-counter",
        "nebula.resource.run.scope=execution",
        "nebula.resource.per-tenant.kind=test-counter",
        "nebula.resource.per-tenant.scope=tenant"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class ScopeFallbackTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Uses.class);

    @Inject
    WorkflowContexts contexts;

    @Inject
    Resources resources;

    @Inject
    Uses uses;

    @ApplicationScoped
    static class Uses {
        @Inject
        @NebulaResource("step")
        TestConnection step;
        @Inject
        @NebulaResource("run")
        TestConnection run;
        @Inject
        @NebulaResource("per-tenant")
        TestConnection perTenant;

        int step() {
            return step.id();
        }

        int run() {
            return run.id();
        }

        int perTenant() {
            return perTenant.id();
        }
    }

    @Test
    void anActionResourceUsedOutsideAnyActionLivesAsLongAsTheExecution() {
        try (LogCapture log = LogCapture.nebula()) {
            try (ScopeHandle execution = contexts.enter("acme", "billing", "run-1", null)) {
                int first = uses.step();
                try (ScopeHandle otherRun = contexts.enter(null, null, "run-1", null)) {
                    assertThat(uses.step()).as("same execution, same lease").isEqualTo(first);
                }
                assertThat(active("step")).isEqualTo(1);
            }
            assertThat(active("step")).as("released with the execution it fell back to").isZero();
            assertThat(log.messages()).anySatisfy(m -> assertThat(m)
                    .contains("NEBULA-1001", "'step'", "scope 'action'", "execution scope 'run-1'"));
        }
    }

    @Test
    void anExecutionResourceUsedOutsideAnyWorkflowFallsBackToTheGlobalScope() {
        try (LogCapture log = LogCapture.nebula()) {
            int first = uses.run();
            assertThat(uses.run()).isEqualTo(first);
            assertThat(active("run")).as("bound to the global scope: kept until shutdown").isEqualTo(1);
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("NEBULA-1001", "'run'", "global scope"));
        }
    }

    @Test
    void aTenantResourceWithNoTenantActiveIsRefusedRatherThanServedFromASharedPool() {
        try (ScopeHandle noTenant = contexts.enter(null, "billing", "run-1", "a")) {
            assertThatThrownBy(uses::perTenant).isInstanceOfSatisfying(TenantRequiredException.class, e ->
                    assertThat(e.getMessage()).contains("NEBULA-4001", "'per-tenant'", "enter a tenant scope"));
        }
        assertThat(TestBackend.log("create:per-tenant")).as("no instance was made for nobody").isEmpty();
        try (ScopeHandle acme = contexts.enter("acme", "billing", "run-1", "a")) {
            uses.perTenant();
        }
        assertThat(TestBackend.log("create:per-tenant")).hasSize(1);
    }

    @Test
    void noFallbackIsLoggedWhenTheScopeIsActive() {
        try (LogCapture log = LogCapture.nebula()) {
            try (ScopeHandle action = contexts.enter("acme", "billing", "run-1", "a")) {
                uses.step();
                uses.run();
            }
            assertThat(log.messages()).noneSatisfy(m -> assertThat(m).contains("NEBULA-1001"));
        }
    }

    private int active(String resource) {
        return resources.find(resource).orElseThrow().pool().active();
    }
}
