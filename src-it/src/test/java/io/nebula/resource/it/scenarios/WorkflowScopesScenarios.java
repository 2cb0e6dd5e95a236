package io.nebula.resource.it.scenarios;

import io.nebula.resource.Resources;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.it.support.ChannelBackend;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The four scopes, entered and left with the extension's {@link WorkflowContexts}: how long the beans of
 * each scope live, how long the leases of a resource configured with each scope live, and the tenant scope's
 * pool per tenant.
 * <p>Run on every container: {@link WorkflowScopesIT} (Arquillian: Weld, OpenWebBeans, Open Liberty)
 * and {@code WorkflowScopesQuarkusTest} (src-it/quarkus).
 */
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
public abstract class WorkflowScopesScenarios {

    @Inject
    WorkflowContexts contexts;

    @Inject
    Resources resources;

    @Inject
    TenantAccount account;

    @Inject
    WorkflowPlan plan;

    @Inject
    ExecutionJournal journal;

    @Inject
    ActionStep step;

    @Inject
    Channels channels;

    /**
     * Called first by each test rather than by {@code @BeforeEach}: Arquillian's JUnit 5 adapter does not run
     * {@code @BeforeEach} methods on the embedded containers (Weld, OpenWebBeans: the Local protocol;
     * arquillian-core#861), where the backend's counts are the JVM's, shared by every archive.
     */
    private void reset() {
        ScopeLog.reset();
        ChannelBackend.reset();
    }

    @Test
    void eachScopedBeanLivesAsLongAsItsScope() {
        reset();
        int acmeAccount;
        try (ScopeHandle tenant = contexts.enter("acme", null, null, null)) {
            acmeAccount = account.serial();
            assertThat(account.tenant()).isEqualTo("acme");
            int billingPlan;
            try (ScopeHandle workflow = contexts.enter(null, "billing", null, null)) {
                billingPlan = plan.serial();
                int run1Journal;
                try (ScopeHandle execution = contexts.enter(null, null, "run-1", null)) {
                    run1Journal = journal.serial();
                    int firstStep = inAction("charge", step::serial);
                    assertThat(ScopeLog.destroyed()).containsExactly("ActionStep(charge)");
                    int secondStep = inAction("charge", step::serial);
                    assertThat(secondStep).as("every action invocation its own scope").isNotEqualTo(firstStep);
                    assertThat(inAction("notify", journal::serial)).as("the actions share the execution's bean")
                            .isEqualTo(run1Journal);
                    assertThat(inAction("notify", account::serial)).isEqualTo(acmeAccount);
                }
                assertThat(ScopeLog.destroyed()).endsWith("ExecutionJournal(run-1)");
                try (ScopeHandle execution = contexts.enter(null, null, "run-2", null)) {
                    assertThat(journal.serial()).isNotEqualTo(run1Journal);
                    assertThat(plan.serial()).as("the executions share the workflow's bean").isEqualTo(billingPlan);
                }
            }
            assertThat(ScopeLog.destroyed()).endsWith("ExecutionJournal(run-2)", "WorkflowPlan(billing)");
            try (ScopeHandle workflow = contexts.enter(null, "refunds", null, null)) {
                assertThat(plan.serial()).isNotEqualTo(billingPlan);
                assertThat(account.serial()).as("the workflows share the tenant's bean").isEqualTo(acmeAccount);
            }
        }
        assertThat(ScopeLog.destroyed()).endsWith("WorkflowPlan(refunds)", "TenantAccount(acme)");
        try (ScopeHandle tenant = contexts.enter("globex", null, null, null)) {
            assertThat(account.serial()).isNotEqualTo(acmeAccount);
            assertThat(account.tenant()).isEqualTo("globex");
        }
        assertThatThrownBy(account::serial).isInstanceOf(ContextNotActiveException.class);
    }

    @Test
    void aResourcesLeaseLivesAsLongAsTheScopeItIsConfiguredWith() {
        reset();
        try (ScopeHandle run = contexts.enter("acme", "billing", "run-1", null)) {
            int workflowChannel;
            int executionChannel;
            try (ScopeHandle action = contexts.enter(null, null, null, "charge")) {
                channels.perAction();
                workflowChannel = channels.perWorkflow();
                executionChannel = channels.perExecution();
                assertThat(active("per-action")).isEqualTo(1);
                assertThat(active("per-execution")).isEqualTo(1);
                assertThat(active("per-workflow")).isEqualTo(1);
            }
            assertThat(active("per-action")).as("released when the action ends").isZero();
            assertThat(active("per-execution")).as("kept for the execution").isEqualTo(1);
            try (ScopeHandle action = contexts.enter(null, null, null, "notify")) {
                assertThat(channels.perExecution()).as("the next action gets the execution's lease").isEqualTo(executionChannel);
            }
            try (ScopeHandle other = contexts.enter(null, null, "run-2", "charge")) {
                assertThat(channels.perWorkflow()).as("another execution of the workflow shares its lease").isEqualTo(workflowChannel);
                assertThat(channels.perExecution()).as("but has an execution lease of its own").isNotEqualTo(executionChannel);
            }
            assertThat(active("per-execution")).isEqualTo(1);
            assertThat(active("per-workflow")).isEqualTo(1);
        }
        assertThat(active("per-execution")).isZero();
        assertThat(active("per-workflow")).as("released when the workflow's scope ends").isZero();
        assertThat(ChannelBackend.destroyed("per-workflow")).as("released to the pool, not destroyed").isZero();
    }

    @Test
    void aTenantScopedResourceHasAPoolPerTenant() {
        reset();
        try (ScopeHandle acme = contexts.enter("acme", "billing", "run-1", "charge")) {
            int acmeChannel = channels.perTenant();
            int globexChannel;
            // max-size is 1 and acme holds its lease: globex would wait and time out if it shared acme's pool
            try (ScopeHandle globex = contexts.enter("globex", "billing", "run-1", "charge")) {
                globexChannel = channels.perTenant();
            }
            assertThat(globexChannel).isNotEqualTo(acmeChannel);
            assertThat(channels.perTenant()).as("back in acme's action, acme's lease").isEqualTo(acmeChannel);
        }
        try (ScopeHandle acme = contexts.enter("acme", "billing", "run-2", "charge")) {
            assertThat(ChannelBackend.created("per-tenant")).isEqualTo(2);
            channels.perTenant();
            assertThat(ChannelBackend.created("per-tenant")).as("acme's pool reuses its idle instance").isEqualTo(2);
        }
    }

    private int inAction(String action, IntSupplier work) {
        try (ScopeHandle a = contexts.enter(null, null, null, action)) {
            return work.getAsInt();
        }
    }

    private int active(String resource) {
        return resources.find(resource).orElseThrow().pool().active();
    }
}
