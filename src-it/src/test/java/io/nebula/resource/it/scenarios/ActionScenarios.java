package io.nebula.resource.it.scenarios;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.it.support.ChannelBackend;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @Action}: the declared resources are acquired before the method runs and released after it, whether
 * it returns or throws; a resource that cannot be acquired keeps the method from running.
 * <p>Run on every container: {@link ActionIT} (Arquillian: Weld, OpenWebBeans, Open Liberty)
 * and {@code ActionQuarkusTest} (src-it/quarkus).
 */
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
public abstract class ActionScenarios {

    @Inject
    Payments payments;

    @Inject
    WorkflowContexts contexts;

    @Inject
    Resources resources;

    /**
     * Called first by each test rather than by {@code @BeforeEach}: Arquillian's JUnit 5 adapter does not run
     * {@code @BeforeEach} methods on the embedded containers (Weld, OpenWebBeans: the Local protocol;
     * arquillian-core#861), where the backend's counts are the JVM's, shared by every archive.
     */
    private void resetTheBackend() {
        ChannelBackend.reset();
    }

    @Test
    void theActionsResourcesAreAcquiredBeforeItRunsAndReleasedAfterIt() {
        resetTheBackend();
        try (ScopeHandle run = contexts.enter("acme", "payments", "run-1", null)) {
            Payments.Observed seen = payments.charge("o-1");

            assertThat(seen.context()).isEqualTo(new ResourceContext("acme", "payments", "run-1", "charge"));
            assertThat(seen.gatewayActive()).as("gateway leased before the method ran").isEqualTo(1);
            assertThat(seen.ledgerActive()).as("ledger leased before the method ran, though it never used it").isEqualTo(1);
            assertThat(seen.sent()).startsWith("gateway#").endsWith(":charge o-1");
            assertThat(active("gateway")).as("released when the action returned").isZero();
            assertThat(active("ledger")).isZero();
            assertThat(contexts.current()).as("the action's scope is left").isEqualTo(new ResourceContext("acme", "payments", "run-1", null));

            // max-size 1: a second action would wait and time out if the first had kept its lease
            assertThat(payments.charge("o-2").sent()).endsWith(":charge o-2");
        }
        assertThat(ChannelBackend.destroyed("gateway")).isZero();
    }

    @Test
    void theResourcesAreReleasedWhenTheActionThrows() {
        resetTheBackend();
        try (ScopeHandle run = contexts.enter("acme", "payments", "run-2", null)) {
            assertThatThrownBy(() -> payments.refund("o-3"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("refund of o-3 refused by the bank");

            assertThat(active("gateway")).isZero();
            assertThat(resources.find("gateway").orElseThrow().pool().idle()).as("back in the pool").isEqualTo(1);
            assertThat(payments.charge("o-4").gatewayActive()).as("and leased again by the next action").isEqualTo(1);
        }
    }

    @Test
    void aResourceThatCannotBeAcquiredKeepsTheActionFromRunning() {
        resetTheBackend();
        ChannelBackend.down("flaky");
        try (ScopeHandle run = contexts.enter("acme", "payments", "run-3", null)) {
            assertThatThrownBy(payments::settle)
                    .isInstanceOf(ResourceException.class)
                    .hasMessageContaining("flaky")
                    .rootCause().hasMessageContaining("the backend of flaky refuses connections");

            assertThat(payments.settleRuns()).as("the method never ran").isZero();
            assertThat(active("gateway")).as("the lease taken before the failure was released").isZero();
        } finally {
            ChannelBackend.up("flaky");
        }
    }

    private int active(String resource) {
        return resources.find(resource).orElseThrow().pool().active();
    }
}
