package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceState;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.cdi.testing.TestBackend;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.event.AcquisitionFailedEvent;
import io.nebula.resource.event.HealthChangedEvent;
import io.nebula.resource.event.LeakDetectedEvent;
import io.nebula.resource.event.ResourceLifecycleEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What the engine notices reaches the application as CDI events it can observe. */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.flaky.kind=test-counter",
        // not 100 ms: the first creation on a loaded machine can take that (the acquisition then timed out as
        // POOL_EXHAUSTED); a down backend fails at once whatever the timeout, and without retries
        "nebula.resource.flaky.pool.acquire-timeout=5s",
        "nebula.resource.flaky.retry.max-retries=0",
        "nebula.resource.flaky.pool.backoff-initial=10ms",
        "nebula.resource.flaky.pool.backoff-max=20ms",
        "nebula.resource.leaky.kind=test-counter",
        "nebula.resource.leaky.pool.leak-threshold=50ms",
        "nebula.resource.leaky.pool.housekeeping-interval=20ms",
        "nebula.resource.orders-db.kind=test-counter",
        "nebula.resource.orders-db.pool.acquire-timeout=100ms",
        "nebula.resource.orders-db.pool.backoff-initial=10ms",
        "nebula.resource.orders-db.pool.backoff-max=20ms",
        "nebula.resource.billing.kind=test-counter",
        "nebula.resource.billing.depends-on=orders-db"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class ResourceEventsTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Observer.class);

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @Inject
    Observer observer;

    @ApplicationScoped
    static class Observer {
        final List<Object> events = new CopyOnWriteArrayList<>();

        void lifecycle(@Observes ResourceLifecycleEvent e) {
            events.add(e);
        }

        void failed(@Observes AcquisitionFailedEvent e) {
            events.add(e);
        }

        void leak(@Observes LeakDetectedEvent e) {
            events.add(e);
        }

        void health(@Observes HealthChangedEvent e) {
            events.add(e);
        }

        <T> List<T> of(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    @Test
    void lifecycleTransitionsAreObserved() {
        resources.acquire("flaky", TestConnection.class).close();
        assertThat(observer.of(ResourceLifecycleEvent.class)).contains(
                new ResourceLifecycleEvent("flaky", ResourceState.CREATED, ResourceState.INITIALIZING),
                new ResourceLifecycleEvent("flaky", ResourceState.INITIALIZING, ResourceState.READY));
    }

    @Test
    void failedAcquisitionsAreObservedWithWhoAskedAndWhy() {
        TestBackend.down("flaky");
        try (ScopeHandle s = contexts.enter("acme", "billing", "run-1", "charge")) {
            assertThatThrownBy(() -> resources.acquire("flaky", TestConnection.class))
                    .isInstanceOf(AcquisitionTimeoutException.class);
        }
        assertThat(observer.of(AcquisitionFailedEvent.class)).singleElement().satisfies(e -> {
            assertThat(e.resource()).isEqualTo("flaky");
            assertThat(e.context()).isEqualTo(new ResourceContext("acme", "billing", "run-1", "charge"));
            assertThat(e.exception()).isInstanceOf(AcquisitionTimeoutException.class);
            assertThat(((AcquisitionTimeoutException) e.exception()).reason())
                    .isEqualTo(AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE);
        });
    }

    @Test
    void leaksAreObservedWithWhereTheLeaseWasTaken() {
        try (ScopeHandle s = contexts.enter("acme", null, null, "forgetful")) {
            Lease<TestConnection> lease = resources.acquire("leaky", TestConnection.class);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> !observer.of(LeakDetectedEvent.class).isEmpty());
            } finally {
                lease.close();
            }
        }
        LeakDetectedEvent leak = observer.of(LeakDetectedEvent.class).get(0);
        assertThat(leak.resource()).isEqualTo("leaky");
        assertThat(leak.context().action()).isEqualTo("forgetful");
        assertThat(leak.heldFor()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(leak.acquiredAt()).isNotNull();
        assertThat(leak.acquiredAt().getStackTrace()).anySatisfy(frame ->
                assertThat(frame.getMethodName()).isEqualTo("leaksAreObservedWithWhereTheLeaseWasTaken"));
    }

    @Test
    void healthChangesAreObservedAndCascadeToDependents() {
        resources.acquire("billing", TestConnection.class).close();
        TestBackend.down("orders-db");
        assertThatThrownBy(() -> resources.acquire("orders-db", TestConnection.class))
                .isInstanceOf(AcquisitionTimeoutException.class);

        // instances are created on the engine's creator threads: the state change may follow the failure by a moment
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(observer.of(HealthChangedEvent.class)).anySatisfy(e -> {
            assertThat(e.resource()).isEqualTo("orders-db");
            assertThat(e.previous().status()).isEqualTo(HealthStatus.Status.UP);
            assertThat(e.current().status()).isEqualTo(HealthStatus.Status.DOWN);
        }).anySatisfy(e -> {
            assertThat(e.resource()).isEqualTo("billing");
            assertThat(e.current().status()).isEqualTo(HealthStatus.Status.DEGRADED);
            assertThat(e.current().message()).hasValueSatisfying(m -> assertThat(m).contains("orders-db is DOWN"));
        }));
        assertThat(resources.find("billing").orElseThrow().health().status()).isEqualTo(HealthStatus.Status.DEGRADED);

        TestBackend.up("orders-db");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            try (Lease<TestConnection> lease = resources.acquire("orders-db", TestConnection.class)) {
                assertThat(lease.isOpen()).isTrue();
            }
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(observer.of(HealthChangedEvent.class)).anySatisfy(e -> {
            assertThat(e.resource()).isEqualTo("billing");
            assertThat(e.previous().status()).isEqualTo(HealthStatus.Status.DEGRADED);
            assertThat(e.current().status()).isEqualTo(HealthStatus.Status.UP);
        }));
        assertThat(resources.find("billing").orElseThrow().health().isUp()).isTrue();
    }
}
