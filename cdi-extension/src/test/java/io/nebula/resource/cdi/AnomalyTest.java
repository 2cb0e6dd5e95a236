package io.nebula.resource.cdi;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.testing.LaggingProvider;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.core.history.HistoryClock;
import io.nebula.resource.event.ResourceAnomalyEvent;
import io.nebula.resource.history.HistoryBucket;
import io.nebula.resource.history.ResourceHistory;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resource whose backend gets slower is flagged (a {@link ResourceAnomalyEvent}, DEGRADED health with the reason,
 * the {@code nebula.resource.anomaly} gauge) and cleared when it is fast again. Buckets of 2 s instead of 10 s, by
 * the test-only {@value HistoryClock#TEST_BUCKET_MILLIS}, so the baseline's six buckets take
 * seconds, not a minute. Slow is 60 ms, so a bucket of it has about 30 acquisitions, over the minimum of 20, and stands clear of
 * a 1 ms backend's p99 on a loaded machine (5 to 11 ms seen, so a flag level near 30 ms); normal is 1 ms, about 1,000
 * a bucket, whose p99 a pause of the machine's does not move much.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.lagging.kind=test-lagging",
        "nebula.resource.lagging.pool.min-size=0",
        "nebula.resource.lagging.pool.acquire-timeout=5s"})
class AnomalyTest {

    static {
        System.setProperty(HistoryClock.TEST_BUCKET_MILLIS, "2000");
    }

    @AfterAll
    static void normalBuckets() {
        System.clearProperty(HistoryClock.TEST_BUCKET_MILLIS);
    }

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Observer.class);

    @Inject
    Resources resources;

    @Inject
    Observer observer;

    @ApplicationScoped
    static class Observer {
        final List<ResourceAnomalyEvent> events = new CopyOnWriteArrayList<>();

        void anomaly(@Observes ResourceAnomalyEvent e) {
            events.add(e);
        }

        List<ResourceAnomalyEvent> events() { // through the client proxy: its own fields are not the bean's
            return events;
        }
    }

    /** Acquires with the backend's latency at {@code lagMillis} until {@code done}, for 30 s at most. */
    private void acquireUntil(long lagMillis, BooleanSupplier done) {
        LaggingProvider.lag = lagMillis;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            try (Lease<TestConnection> lease = resources.acquire("lagging", TestConnection.class)) {
                assertThat(lease.get()).isNotNull();
            }
        }
    }

    /** What the gauge {@code nebula.resource.anomaly} of the resource's pool reads (TelemetryTest sees it exported). */
    private int anomalyGauge() {
        DeclaredResource<?> declared = weld.getBeanManager().getExtension(NebulaExtension.class).runtime().resource("lagging");
        return ((io.nebula.resource.core.pipeline.WovenPool<?>) declared.pools().poolFor(io.nebula.resource.ResourceContext.GLOBAL))
                .view().anomalyCount();
    }

    @Test
    void aSlowerBackendIsFlaggedAndClearedWhenFastAgain() {
        try (io.nebula.resource.cdi.testing.LogCapture log = io.nebula.resource.cdi.testing.LogCapture.nebula()) {
            flaggedAndCleared();
            assertThat(log.messages()).filteredOn(m -> m.startsWith("NEBULA-450")).hasSize(2)
                    .anySatisfy(m -> assertThat(m).startsWith("NEBULA-4501 Anomaly: Resource 'lagging': acquisition p99"))
                    .anySatisfy(m -> assertThat(m).startsWith("NEBULA-4502 Anomaly cleared: Resource 'lagging'"));
        }
    }

    private void flaggedAndCleared() {
        ManagedResource<?> lagging = resources.find("lagging").orElseThrow();
        // a baseline of about 1 ms: six full buckets, and one to spare for the one it started in
        long start = System.nanoTime();
        acquireUntil(1, () -> System.nanoTime() - start > 8 * 2_000_000_000L);
        assertThat(observer.events()).as("a steady backend is no anomaly").isEmpty();
        assertThat(lagging.health().status()).isEqualTo(HealthStatus.Status.UP);

        acquireUntil(60, () -> !observer.events().isEmpty());
        if (observer.events().isEmpty()) { // what the rule saw, to tell why
            lagging.history().buckets().stream().filter(b -> b.acquisitions() > 0).forEach(System.out::println);
        }

        assertThat(observer.events()).hasSize(1);
        ResourceAnomalyEvent flagged = observer.events().get(0);
        assertThat(flagged.cleared()).isFalse();
        assertThat(flagged.anomaly().resource()).isEqualTo("lagging");
        assertThat(flagged.anomaly().signal()).isEqualTo("acquisition-p99");
        assertThat(flagged.anomaly().observed()).isGreaterThan(50);
        assertThat(lagging.anomalies()).containsExactly(flagged.anomaly());
        HealthStatus health = lagging.health();
        assertThat(health.status()).isEqualTo(HealthStatus.Status.DEGRADED);
        assertThat(health.message()).hasValue(flagged.anomaly().reason());
        assertThat(anomalyGauge()).as("nebula.resource.anomaly").isEqualTo(1);

        acquireUntil(1, () -> observer.events().size() > 1);

        assertThat(observer.events()).hasSize(2);
        assertThat(observer.events().get(1).cleared()).isTrue();
        assertThat(lagging.health().status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(lagging.anomalies()).isEmpty();
        assertThat(anomalyGauge()).isZero();
        ResourceHistory history = lagging.history();
        assertThat(history.bucketLength().toMillis()).isEqualTo(2000);
        assertThat(history.buckets()).hasSize(360);
        assertThat(history.buckets().stream().mapToDouble(HistoryBucket::p99Millis).max().orElse(0))
                .as("the slow buckets are in the history").isGreaterThan(20);
    }
}
