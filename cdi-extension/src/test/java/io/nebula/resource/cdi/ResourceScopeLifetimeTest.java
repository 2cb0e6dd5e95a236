package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.cdi.testing.TestBackend;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A resource's configured scope decides how long its leases live and, for tenant, whose pool they come from. */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.per-action.kind=test-counter",
        "nebula.resource.per-action.scope=action",
        "nebula.resource.per-execution.kind=test-counter",
        "nebula.resource.per-execution.scope=execution",
        "nebula.resource.per-workflow.kind=test-counter",
        "nebula.resource.per-workflow.scope=workflow",
        "nebula.resource.per-tenant.kind=test-counter",
        "nebula.resource.per-tenant.scope=tenant",
        "nebula.resource.per-tenant.pool.max-size=1",
        "nebula.resource.per-tenant.pool.acquire-timeout=100ms",
        "nebula.resource.shared.kind=test-counter",
        "nebula.resource.shared.pool.max-size=1",
        "nebula.resource.shared.pool.acquire-timeout=100ms"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class ResourceScopeLifetimeTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Connections.class);

    @Inject
    WorkflowContexts contexts;

    @Inject
    Resources resources;

    @Inject
    Connections connections;

    /**
     * Other threads for other scopes; their own, not the common pool's, which may have only one, busy elsewhere
     * (an acquisition from an exhausted pool waits there for its timeout).
     */
    final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @ApplicationScoped
    static class Connections {
        @Inject
        @NebulaResource("per-action")
        TestConnection perAction;
        @Inject
        @NebulaResource("per-execution")
        TestConnection perExecution;
        @Inject
        @NebulaResource("per-workflow")
        TestConnection perWorkflow;
        @Inject
        @NebulaResource("per-tenant")
        TestConnection perTenant;
        @Inject
        @NebulaResource("shared")
        TestConnection shared;

        int perAction() {
            return perAction.id();
        }

        int perExecution() {
            return perExecution.id();
        }

        int perWorkflow() {
            return perWorkflow.id();
        }

        int perTenant() {
            return perTenant.id();
        }

        int shared() {
            return shared.id();
        }
    }

    @Test
    void actionLeasesEndWithTheAction() {
        try (ScopeHandle run = contexts.enter("acme", "billing", "run-1", null)) {
            int first = inAction("a1", connections::perAction);
            assertThat(active("per-action")).isZero();
            try (ScopeHandle a2 = contexts.enter(null, null, null, "a2")) {
                connections.perAction();
                assertThat(active("per-action")).isEqualTo(1);
            }
            assertThat(active("per-action")).isZero();
            assertThat(first).isPositive();
        }
    }

    @Test
    void executionLeasesAreSharedByTheActionsOfOneExecutionAndEndWithIt() throws Exception {
        try (ScopeHandle run = contexts.enter("acme", "billing", "run-1", null)) {
            int inFirstAction = inAction("a1", connections::perExecution);
            int inSecondAction = inAction("a2", connections::perExecution);
            assertThat(inSecondAction).isEqualTo(inFirstAction);
            assertThat(active("per-execution")).isEqualTo(1);
            int otherExecution = CompletableFuture.supplyAsync(() -> {
                try (ScopeHandle other = contexts.enter("acme", "billing", "run-2", "a1")) {
                    return connections.perExecution();
                }
            }, threads).get(10, TimeUnit.SECONDS);
            assertThat(otherExecution).isNotEqualTo(inFirstAction);
        }
        assertThat(active("per-execution")).isZero();
    }

    @Test
    void workflowLeasesAreSharedByItsExecutions() {
        try (ScopeHandle wf = contexts.enter("acme", "billing", null, null)) {
            int run1;
            try (ScopeHandle r = contexts.enter(null, null, "run-1", "a")) {
                run1 = connections.perWorkflow();
            }
            try (ScopeHandle r = contexts.enter(null, null, "run-2", "a")) {
                assertThat(connections.perWorkflow()).isEqualTo(run1);
            }
            assertThat(active("per-workflow")).isEqualTo(1);
        }
        assertThat(active("per-workflow")).isZero();
    }

    @Test
    void tenantScopeGivesEachTenantItsOwnPool() throws Exception {
        try (ScopeHandle acme = contexts.enter("acme", "billing", "run-1", "a")) {
            int acmeConnection = connections.perTenant();
            // max-size is 1: if globex shared acme's pool it would time out here
            int globexConnection = CompletableFuture.supplyAsync(() -> {
                try (ScopeHandle globex = contexts.enter("globex", "billing", "run-1", "a")) {
                    return connections.perTenant();
                }
            }, threads).get(10, TimeUnit.SECONDS);
            assertThat(globexConnection).isNotEqualTo(acmeConnection);
            Throwable sameTenant = CompletableFuture.supplyAsync(() -> {
                try (ScopeHandle again = contexts.enter("acme", "billing", "run-2", "a")) {
                    connections.perTenant();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            }, threads).get(10, TimeUnit.SECONDS);
            assertThat(sameTenant).as("acme's own pool is exhausted").isInstanceOf(AcquisitionTimeoutException.class);
        }
        assertThat(TestBackend.log("create:per-tenant")).hasSize(2);
    }

    @Test
    void globalScopeIsOnePoolWhoseLeasesLiveAsLongAsTheNarrowestScope() throws Exception {
        try (ScopeHandle a = contexts.enter("acme", "billing", "run-1", "a1")) {
            int mine = connections.shared();
            Throwable other = CompletableFuture.supplyAsync(() -> {
                try (ScopeHandle b = contexts.enter("globex", "billing", "run-1", "a1")) {
                    connections.shared();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            }, threads).get(10, TimeUnit.SECONDS);
            assertThat(other).as("one pool for all tenants, max-size 1").isInstanceOf(AcquisitionTimeoutException.class);
            assertThat(connections.shared()).isEqualTo(mine);
        }
        assertThat(active("shared")).as("released with the action it was used in").isZero();
    }

    private int inAction(String action, Supplier<Integer> use) {
        try (ScopeHandle a = contexts.enter(null, null, null, action)) {
            return use.get();
        }
    }

    private int active(String resource) {
        return resources.find(resource).orElseThrow().pool().active();
    }
}
