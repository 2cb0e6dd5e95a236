package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.Lease;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.testing.BoundedClient;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.cdi.testing.Pinger;
import io.nebula.resource.cdi.testing.Queryable;
import io.nebula.resource.cdi.testing.SharedClient;
import io.nebula.resource.cdi.testing.TestBackend;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each topology is injected as it should be: pooled as a scoped proxy, resident as the shared instance, bounded within its cap. */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders.kind=test-counter",
        "nebula.resource.orders.pool.max-size=2",
        "nebula.resource.cache.kind=test-shared",
        "nebula.resource.limited.kind=test-bounded",
        "nebula.resource.limited.pool.max-size=1",
        "nebula.resource.limited.pool.acquire-timeout=100ms",
        "nebula.resource.spare.kind=test-counter"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class InjectionTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(OrderService.class, LeaseHolder.class);

    @Inject
    WorkflowContexts contexts;

    @Inject
    Resources resources;

    @Dependent
    static class OrderService {
        @Inject
        @NebulaResource("orders")
        TestConnection orders;

        @Inject
        @NebulaResource("orders")
        Pinger ordersPinger;

        @Inject
        @NebulaResource("orders")
        Object ordersAsObject;

        @Inject
        @NebulaResource("orders")
        Queryable ordersQueryable;

        @Inject
        @NebulaResource("cache")
        SharedClient cache;

        @Inject
        @NebulaResource("limited")
        BoundedClient limited;
    }

    @Dependent
    static class LeaseHolder {
        @Inject
        @NebulaResource("orders")
        Lease<TestConnection> lease;
    }

    @Test
    void pooledResourceIsAProxyOnTheLeaseOfTheCurrentScope() {
        OrderService service = weld.select(OrderService.class).get();
        try (ScopeHandle ignored = contexts.enter("acme", "billing", "run-1", "charge")) {
            String first = service.orders.query("a");
            assertThat(service.orders.query("b")).isEqualTo(first.replace(":a", ":b"));
            assertThat(service.ordersPinger.ping()).as("a view uses the same lease").isEqualTo(service.orders.id());
            assertThat(service.ordersAsObject).isNotNull();
            assertThat(service.ordersQueryable.query("b")).as("a view that is a supertype of the instance type")
                    .isEqualTo(service.orders.query("b"));
            assertThat(activeLeases("orders")).isEqualTo(1);
        }
        assertThat(activeLeases("orders")).as("released when the scope ended").isZero();
    }

    @Test
    void concurrentScopesGetTheirOwnInstances() throws Exception {
        OrderService service = weld.select(OrderService.class).get();
        try (ScopeHandle ignored = contexts.enter("acme", "billing", "run-1", "charge")) {
            int mine = service.orders.id();
            int other = CompletableFuture.supplyAsync(() -> {
                try (ScopeHandle h = contexts.enter("acme", "billing", "run-2", "charge")) {
                    return service.orders.id();
                }
            }).get();
            assertThat(other).isNotEqualTo(mine);
            assertThat(service.orders.id()).isEqualTo(mine);
        }
    }

    @Test
    void residentResourceIsTheSharedInstanceItself() {
        OrderService service = weld.select(OrderService.class).get();
        assertThat(service.cache.getClass()).as("not a proxy").isEqualTo(SharedClient.class);
        assertThat(resources.get("cache", SharedClient.class)).isSameAs(service.cache);
        assertThat(TestBackend.log("create:cache")).hasSize(1);
    }

    @Test
    void boundedResourceHoldsOneOfItsPermitsPerScope() throws Exception {
        OrderService service = weld.select(OrderService.class).get();
        try (ScopeHandle ignored = contexts.enter(null, "flow", "run-1", "step")) {
            int id = service.limited.id();
            assertThat(id).isPositive();
            Throwable refused = CompletableFuture.supplyAsync(() -> {
                try {
                    resources.acquire("limited", BoundedClient.class, Duration.ZERO).close();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            }).get();
            assertThat(refused).isInstanceOf(AcquisitionTimeoutException.class);
            assertThat(((AcquisitionTimeoutException) refused).reason()).isEqualTo(AcquisitionTimeoutException.Reason.POOL_EXHAUSTED);
        }
        try (Lease<BoundedClient> lease = resources.acquire("limited", BoundedClient.class, Duration.ZERO)) {
            assertThat(lease.get()).isNotNull();
        }
    }

    @Test
    void leaseInjectionIsHeldByItsBeanAndClosedWhenItsScopeEnds() {
        Lease<TestConnection> lease;
        try (ScopeHandle ignored = contexts.enter("acme", "billing", "run-1", "charge")) {
            lease = weld.select(LeaseHolder.class).get().lease;
            assertThat(lease.isOpen()).isTrue();
            assertThat(lease.get().query("x")).startsWith("orders#");
            assertThat(activeLeases("orders")).isEqualTo(1);
        }
        assertThat(lease.isOpen()).as("its holder did not close it: the scope did").isFalse();
        assertThat(activeLeases("orders")).isZero();
    }

    @Test
    void resourcesDeclaredOnlyInConfigurationAreFoundByLookup() {
        try (ScopeHandle ignored = contexts.enter("acme", null, null, "lookup")) {
            TestConnection spare = weld.select(TestConnection.class, NebulaResource.Literal.of("spare")).get();
            assertThat(spare.query("q")).startsWith("spare#");
            Pinger pinger = weld.select(Pinger.class, NebulaResource.Literal.of("spare")).get();
            assertThat(pinger.ping()).isEqualTo(spare.id());
            Lease<TestConnection> lease = weld.select(new TypeLiteral<Lease<TestConnection>>() { },
                    NebulaResource.Literal.of("spare")).get();
            assertThat(lease.resource()).isEqualTo("spare");
            lease.close();
        }
    }

    private int activeLeases(String resource) {
        return resources.find(resource).orElseThrow().pool().active();
    }
}
