package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.Action;
import io.nebula.resource.Deadline;
import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 15, point 3: a deadline entered with the workflow scopes ({@code WorkflowContexts.enter(..., timeout)}) or
 * declared by an action ({@code @Action(timeout = ...)}) bounds every acquisition inside it; nested, the earliest
 * holds. The pool of {@code orders} has one instance, held by the test, and waits up to a minute for it: an
 * acquisition that fails well before that was cut short by its deadline.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders.kind=test-counter",
        "nebula.resource.orders.pool.max-size=1",
        "nebula.resource.orders.pool.acquire-timeout=60s"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class DeadlineScopesTest {

    private static final Duration WELL_BEFORE_THE_POOLS_TIMEOUT = Duration.ofSeconds(30);

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Steps.class);

    @Inject
    Steps steps;

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @ApplicationScoped
    public static class Steps {
        @Inject
        WorkflowContexts contexts;

        final AtomicBoolean ran = new AtomicBoolean();

        @Action(resources = "orders", timeout = "200ms")
        public void charge() {
            ran.set(true);
        }

        public boolean ran() {
            return ran.get();
        }

        /** The deadline the action runs with: its context's, and the thread's. */
        @Action(timeout = "250ms")
        public Deadline[] quick() {
            return new Deadline[]{contexts.current().deadline(), Deadline.current()};
        }

        @Action(timeout = "60s")
        public Deadline slow() {
            return contexts.current().deadline();
        }
    }

    @Test
    void anActionsLeasesAreCutToItsTimeoutAndItsMethodDoesNotRun() {
        long start = System.nanoTime();
        try (Lease<TestConnection> held = resources.acquire("orders", TestConnection.class)) {
            assertThatThrownBy(steps::charge).isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
                assertThat(e.getMessage()).contains("'orders'").contains("ms of 200 ms left");
            });
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WELL_BEFORE_THE_POOLS_TIMEOUT);
        assertThat(steps.ran()).as("the method did not run").isFalse();
    }

    @Test
    void acquisitionsInsideAWorkflowEnteredWithATimeoutAreCutToIt() {
        long start = System.nanoTime();
        try (Lease<TestConnection> held = resources.acquire("orders", TestConnection.class);
             ScopeHandle run = contexts.enter("acme", "billing", "run-1", null, Duration.ofMillis(300))) {
            assertThat(run.context().deadline().budget()).isEqualTo(Duration.ofMillis(300));
            assertThatThrownBy(() -> resources.acquire("orders", TestConnection.class))
                    .isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
                        assertThat(e.getMessage()).contains("ms of 300 ms left");
                        assertThat(e.getCause()).hasMessageContaining("pool exhausted");
                    });
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WELL_BEFORE_THE_POOLS_TIMEOUT);
    }

    @Test
    void nestedDeadlinesTakeTheEarliestAndLeavingPutsTheOuterBack() {
        try (ScopeHandle run = contexts.enter("acme", "billing", "run-1", null, Duration.ofSeconds(2))) {
            Deadline workflow = contexts.current().deadline();
            assertThat(Deadline.current()).as("the thread's, for the HTTP header").isSameAs(workflow);

            Deadline[] inQuick = steps.quick();
            assertThat(inQuick[0].budget()).as("the action's 250 ms within the workflow's 2 s").isEqualTo(Duration.ofMillis(250));
            assertThat(inQuick[1]).isSameAs(inQuick[0]);
            assertThat(steps.slow()).as("the action's 60 s: still the workflow's 2 s").isSameAs(workflow);

            try (ScopeHandle refunds = contexts.enter(null, "refunds", null, null, Duration.ofMinutes(5))) {
                assertThat(contexts.current().workflow()).isEqualTo("refunds");
                assertThat(contexts.current().deadline()).as("another workflow, the same caller's budget").isSameAs(workflow);
            }
            assertThat(contexts.current().deadline()).isSameAs(workflow);
            assertThat(Deadline.current()).isSameAs(workflow);
        }
        assertThat(contexts.current().deadline()).isNull();
        assertThat(Deadline.current()).isNull();
        assertThat(steps.quick()[0].budget()).as("outside any workflow, the action's own").isEqualTo(Duration.ofMillis(250));
    }
}
