package io.nebula.resource.it.scenarios;

import io.nebula.resource.Resources;
import io.nebula.resource.TenantRequiredException;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.it.support.ChannelBackend;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When a resource's scope is not active, its lease binds to the nearest broader active scope; a tenant-scoped
 * resource is the exception: without a tenant it is refused rather than served from a pool shared by all.
 * <p>Run on every container: {@link ScopeFallbackIT} (Arquillian: Weld, OpenWebBeans, Open Liberty)
 * and {@code ScopeFallbackQuarkusTest} (src-it/quarkus).
 */
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
public abstract class ScopeFallbackScenarios {

    @Inject
    WorkflowContexts contexts;

    @Inject
    Resources resources;

    @Inject
    FallbackUses uses;

    /**
     * Called first by each test rather than by {@code @BeforeEach}: Arquillian's JUnit 5 adapter does not run
     * {@code @BeforeEach} methods on the embedded containers (Weld, OpenWebBeans: the Local protocol;
     * arquillian-core#861), where the backend's counts are the JVM's, shared by every archive.
     */
    private void resetTheBackend() {
        ChannelBackend.reset();
    }

    @Test
    void anActionResourceUsedOutsideAnyActionLivesAsLongAsTheExecution() {
        resetTheBackend();
        try (ScopeHandle execution = contexts.enter("acme", "billing", "run-1", null)) {
            int first = uses.step();
            assertThat(uses.step()).as("same execution, same lease").isEqualTo(first);
            assertThat(active("step")).isEqualTo(1);
        }
        assertThat(active("step")).as("released with the execution it fell back to").isZero();
    }

    @Test
    void anExecutionResourceUsedOutsideAnyWorkflowFallsBackToTheGlobalScope() {
        resetTheBackend();
        int first = uses.run();
        assertThat(uses.run()).as("no scope at all: the global lease, each time").isEqualTo(first);
        assertThat(active("run")).as("bound to the global scope: kept until shutdown").isEqualTo(1);
        try (ScopeHandle tenantOnly = contexts.enter("acme", null, null, null)) {
            assertThat(uses.run()).as("a tenant but no execution: the tenant's lease, the nearest broader scope")
                    .isNotEqualTo(first);
            assertThat(active("run")).isEqualTo(2);
        }
        assertThat(active("run")).as("the tenant's lease ends with the tenant, the global one stays").isEqualTo(1);
    }

    @Test
    void aTenantResourceWithNoTenantActiveIsRefusedRatherThanServedFromASharedPool() {
        resetTheBackend();
        try (ScopeHandle noTenant = contexts.enter(null, "billing", "run-1", "a")) {
            assertThatThrownBy(uses::perTenant).isInstanceOfSatisfying(TenantRequiredException.class, e ->
                    assertThat(e.getMessage()).contains("NEBULA-4001", "'per-tenant'", "enter a tenant scope"));
        }
        assertThat(ChannelBackend.created("per-tenant")).as("no instance was made for nobody").isZero();
        try (ScopeHandle acme = contexts.enter("acme", "billing", "run-1", "a")) {
            uses.perTenant();
        }
        assertThat(ChannelBackend.created("per-tenant")).isEqualTo(1);
    }

    private int active(String resource) {
        return resources.find(resource).orElseThrow().pool().active();
    }
}
