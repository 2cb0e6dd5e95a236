package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceFigures;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ResourceStatistics}, injected as an application would: the percentile and error rate of the recent
 * acquisitions, the circuit, and a tenant-scoped resource's tenants' pools, read from the live pools.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders.kind=test-flaky",
        "nebula.resource.orders.pool.max-size=1",
        "nebula.resource.orders.retry.max-retries=0",
        "nebula.resource.payments.kind=test-flaky",
        "nebula.resource.payments.pool.acquire-timeout=1s",
        "nebula.resource.payments.pool.backoff-initial=2ms",
        "nebula.resource.payments.pool.backoff-max=4ms",
        "nebula.resource.payments.retry.max-retries=0",
        "nebula.resource.payments.circuit-breaker.request-volume-threshold=2",
        "nebula.resource.payments.circuit-breaker.failure-ratio=0.5",
        "nebula.resource.payments.circuit-breaker.delay=10s",
        "nebula.resource.archive.kind=test-counter",
        "nebula.resource.archive.circuit-breaker.enabled=false",
        "nebula.resource.store.kind=test-counter",
        "nebula.resource.store.scope=tenant",
        "nebula.resource.store.pool.max-size=3"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class ResourceStatisticsTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    ResourceStatistics statistics;

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @AfterEach
    void backendsUp() {
        FlakyBackend.reset();
    }

    @Test
    void beforeAnyAcquisitionNothingIsMeasuredAndNothingIsMadeUp() {
        ResourceFigures figures = statistics.of("orders");

        assertThat(figures.acquisitions()).isZero();
        assertThat(figures.p99Acquisition()).isEmpty();
        assertThat(figures.errorRate()).isEmpty();
        assertThat(figures.circuit()).contains("closed");
        assertThat(figures.tenants()).isEmpty();
    }

    @Test
    void thePercentileAndErrorRateCoverTheRecentAcquisitionsFailedOnesIncluded() {
        for (int i = 0; i < 3; i++) {
            resources.acquire("orders", TestConnection.class).close();
        }
        try (Lease<TestConnection> held = resources.acquire("orders", TestConnection.class)) {
            assertThatThrownBy(() -> resources.acquire("orders", TestConnection.class, Duration.ofMillis(100)))
                    .isInstanceOf(AcquisitionTimeoutException.class);

            ResourceFigures figures = statistics.of("orders");
            assertThat(figures.acquisitions()).isEqualTo(5);
            assertThat(figures.errorRate()).hasValue(0.2);
            assertThat(figures.p99Acquisition()).hasValueSatisfying(p99 ->
                    assertThat(p99).as("the slowest of five: the one that waited for the held instance")
                            .isGreaterThanOrEqualTo(Duration.ofMillis(100)));
            assertThat(figures.pool().active()).isEqualTo(1);
            assertThat(figures.pool().maxSize()).isEqualTo(1);
            assertThat(figures.health().status()).isEqualTo(HealthStatus.Status.UP);
        }
    }

    @Test
    void anOpenCircuitIsReportedAndACircuitThatIsOffIsNot() {
        FlakyBackend.set("payments", FlakyBackend.Mode.DOWN);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> resources.acquire("payments", TestConnection.class)).isNotNull();
        }
        assertThatThrownBy(() -> resources.acquire("payments", TestConnection.class))
                .isInstanceOf(CircuitOpenException.class);

        ResourceFigures payments = statistics.of("payments");
        assertThat(payments.circuit()).contains("open");
        assertThat(payments.errorRate()).hasValue(1.0);
        assertThat(payments.acquisitions()).isEqualTo(3);

        resources.acquire("archive", TestConnection.class).close();
        assertThat(statistics.of("archive").circuit()).as("no breaker, so no circuit state").isEmpty();
        assertThat(statistics.of("archive").errorRate()).hasValue(0.0);
    }

    @Test
    void aTenantScopedResourceSumsItsTenantsPoolsAndListsEach() {
        try (ScopeHandle acme = contexts.enter("acme", "billing", "run-1", "charge");
             Lease<TestConnection> acmeLease = resources.acquire("store", TestConnection.class)) {
            try (ScopeHandle globex = contexts.enter("globex", "billing", "run-2", "charge");
                 Lease<TestConnection> globexLease = resources.acquire("store", TestConnection.class)) {

                ResourceFigures store = statistics.of("store");
                assertThat(store.tenants()).containsOnlyKeys("acme", "globex");
                assertThat(store.tenants().get("acme").active()).isEqualTo(1);
                assertThat(store.tenants().get("globex").active()).isEqualTo(1);
                assertThat(store.pool().active()).isEqualTo(2);
                assertThat(store.pool().maxSize()).isEqualTo(6);
                assertThat(store.acquisitions()).isEqualTo(2);
            }
        }
    }

    @Test
    void anUndeclaredResourceIsAConfigurationErrorNamingTheKey() {
        assertThatThrownBy(() -> statistics.of("nope"))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.nope.kind");
    }
}
