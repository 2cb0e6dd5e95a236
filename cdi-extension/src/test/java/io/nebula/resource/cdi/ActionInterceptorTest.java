package io.nebula.resource.cdi;

import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
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
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code @Action}: a nested action scope, the declared resources acquired first and released on every exit. */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders.kind=test-counter",
        "nebula.resource.orders.pool.acquire-timeout=200ms",
        "nebula.resource.orders.pool.backoff-initial=10ms",
        "nebula.resource.payments.kind=test-counter",
        "nebula.resource.runs.kind=test-counter",
        "nebula.resource.runs.scope=execution"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class ActionInterceptorTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Payments.class);

    @Inject
    Payments payments;

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @ApplicationScoped
    public static class Payments {
        @Inject
        @NebulaResource("orders")
        TestConnection orders;

        @Inject
        @NebulaResource("runs")
        TestConnection runs;

        @Inject
        Resources resources;

        @Inject
        WorkflowContexts contexts;

        final AtomicBoolean ran = new AtomicBoolean();
        volatile ResourceContext seen;
        volatile Map<String, Integer> activeDuring;

        @Action(value = "charge", resources = {"orders", "payments"})
        public int charge() {
            seen = contexts.current();
            int id = orders.id();
            activeDuring = Map.of("orders", active("orders"), "payments", active("payments"));
            return id;
        }

        @Action(resources = "orders")
        public void failing() {
            orders.query("x");
            throw new IllegalStateException("boom");
        }

        @Action(resources = {"payments", "orders"})
        public void needsOrders() {
            ran.set(true);
        }

        @Action(resources = "runs")
        public int step() {
            return runs.id();
        }

        public boolean ran() {
            return ran.get();
        }

        public ResourceContext seen() {
            return seen;
        }

        public Map<String, Integer> activeDuring() {
            return activeDuring;
        }

        private int active(String name) {
            return resources.find(name).orElseThrow().pool().active();
        }
    }

    @Test
    void resourcesAreAcquiredBeforeTheMethodAndReleasedAfterIt() {
        try (ScopeHandle run = contexts.enter("acme", "billing", "run-1", null)) {
            int id = payments.charge();
            assertThat(id).isPositive();
            assertThat(payments.activeDuring()).as("both acquired; the proxy used the action's own lease of orders")
                    .isEqualTo(Map.of("orders", 1, "payments", 1));
            assertThat(payments.seen()).isEqualTo(new ResourceContext("acme", "billing", "run-1", "charge"));
        }
        assertThat(active("orders")).isZero();
        assertThat(active("payments")).isZero();
    }

    @Test
    void anActionOutsideAnyWorkflowGetsItsOwnScope() {
        payments.charge();
        assertThat(payments.seen()).isEqualTo(new ResourceContext(null, null, null, "charge"));
        assertThat(active("orders")).isZero();
        assertThat(contexts.current()).isEqualTo(ResourceContext.GLOBAL);
    }

    @Test
    void everyLeaseIsReleasedWhenTheMethodThrows() {
        assertThatThrownBy(payments::failing).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(active("orders")).isZero();
    }

    @Test
    void anUnavailableResourceFailsTheActionBeforeTheMethodRuns() {
        TestBackend.down("orders");
        assertThatThrownBy(payments::needsOrders)
                .isInstanceOf(ResourceException.class)
                .satisfies(e -> assertThat(((ResourceException) e).resource()).isEqualTo("orders"))
                .rootCause().hasMessage("backend of orders is down");
        assertThat(payments.ran()).as("the method did not run").isFalse();
        assertThat(active("payments")).as("the resource acquired before the failure was released").isZero();
    }

    @Test
    void executionScopedResourcesOutliveTheActionAndAreSharedByTheNext() {
        try (ScopeHandle run = contexts.enter("acme", "billing", "run-1", null)) {
            int first = payments.step();
            assertThat(active("runs")).isEqualTo(1);
            assertThat(payments.step()).isEqualTo(first);
        }
        assertThat(active("runs")).isZero();
    }

    private int active(String name) {
        return resources.find(name).orElseThrow().pool().active();
    }
}
