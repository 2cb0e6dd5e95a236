package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.Lease;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.testing.AuthenticationFailedException;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.cdi.testing.LogCapture;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.event.AcquisitionFailedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Every resource's acquisitions go through its own retry (exponential backoff, jitter, deadline) and its own
 * circuit breaker, with no code from the application: against a failing then recovering backend.
 */
@NebulaWeldTest
@TestConfig({
        // retried: three retries, 20 ms then 40 ms then 80 ms apart (no jitter, so the backoff shows)
        "nebula.resource.orders.kind=test-flaky",
        "nebula.resource.orders.pool.acquire-timeout=2s",
        "nebula.resource.orders.pool.backoff-initial=2ms",
        "nebula.resource.orders.pool.backoff-max=4ms",
        "nebula.resource.orders.retry.max-retries=3",
        "nebula.resource.orders.retry.delay=20ms",
        "nebula.resource.orders.retry.max-delay=80ms",
        "nebula.resource.orders.retry.jitter=0",
        "nebula.resource.orders.retry.max-duration=5s",
        "nebula.resource.orders-db.kind=test-datasource",
        "nebula.resource.orders-db.retry.max-retries=3",
        "nebula.resource.orders-db.retry.delay=20ms",
        "nebula.resource.orders-db.retry.max-delay=80ms",
        "nebula.resource.orders-db.retry.jitter=0",
        // a retry would wait a full second: a non-retryable error must not
        "nebula.resource.vault.kind=test-flaky",
        "nebula.resource.vault.retry.delay=1s",
        "nebula.resource.vault.retry.jitter=0",
        "nebula.resource.vault.pool.backoff-initial=5s", // and the pool does not probe again meanwhile
        // a circuit that opens after 4 acquisitions of which half failed, and probes after 400 ms
        "nebula.resource.ledger.kind=test-flaky",
        "nebula.resource.ledger.scope=tenant",
        "nebula.resource.ledger.pool.acquire-timeout=2s",
        "nebula.resource.ledger.pool.backoff-initial=2ms",
        "nebula.resource.ledger.pool.backoff-max=4ms",
        "nebula.resource.ledger.retry.max-retries=0",
        "nebula.resource.ledger.circuit-breaker.request-volume-threshold=4",
        "nebula.resource.ledger.circuit-breaker.failure-ratio=0.5",
        "nebula.resource.ledger.circuit-breaker.delay=400ms",
        "nebula.resource.ledger.circuit-breaker.success-threshold=1"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class RetryAndCircuitBreakerTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Failures.class);

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @Inject
    Failures failures;

    @Inject
    @NebulaResource("orders-db")
    DataSource ordersDb;

    @ApplicationScoped
    static class Failures {
        final List<AcquisitionFailedEvent> events = new CopyOnWriteArrayList<>();

        void failed(@Observes AcquisitionFailedEvent e) {
            events.add(e);
        }

        List<AcquisitionFailedEvent> events() {
            return List.copyOf(events);
        }
    }

    @Test
    void aFailingBackendIsRetriedWithExponentialBackoffUntilItAnswers() throws SQLException {
        FlakyBackend.failNext("orders-db", 2);

        try (Connection c = ordersDb.getConnection()) {
            assertThat(c).isNotNull();
        }

        // a data source's getConnection() is one attempt each: the gaps between them are the retry's backoff
        List<Long> attempts = FlakyBackend.attempts("orders-db");
        assertThat(attempts).hasSize(3);
        long firstGap = TimeUnit.NANOSECONDS.toMillis(attempts.get(1) - attempts.get(0));
        long secondGap = TimeUnit.NANOSECONDS.toMillis(attempts.get(2) - attempts.get(1));
        assertThat(firstGap).as("first retry after retry.delay").isGreaterThanOrEqualTo(20);
        assertThat(secondGap).as("second retry after twice the delay").isGreaterThanOrEqualTo(40);
    }

    @Test
    void retriesStopAtMaxRetriesAndTheCallerGetsTheBackendsError() {
        FlakyBackend.set("orders-db", FlakyBackend.Mode.DOWN);

        assertThatThrownBy(ordersDb::getConnection)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"))
                .hasMessageContaining("refused");

        assertThat(FlakyBackend.attempts("orders-db")).as("the first attempt and three retries").hasSize(4);
    }

    @Test
    void aPooledResourceIsRetriedUntilItsBackendAnswers() {
        FlakyBackend.failNext("orders", 2);

        try (Lease<TestConnection> lease = resources.acquire("orders", TestConnection.class)) {
            assertThat(lease.get().resource()).isEqualTo("orders");
        }
        assertThat(FlakyBackend.attempts("orders")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(failures.events()).as("an acquisition that succeeded after retries did not fail").isEmpty();
    }

    @Test
    void aPooledAcquisitionThatFailsAfterItsRetriesIsOneFailedAcquisition() {
        FlakyBackend.set("orders", FlakyBackend.Mode.DOWN);

        assertThatThrownBy(() -> resources.acquire("orders", TestConnection.class))
                .isInstanceOf(AcquisitionTimeoutException.class)
                .satisfies(e -> assertThat(((AcquisitionTimeoutException) e).reason())
                        .isEqualTo(AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE))
                .hasRootCauseInstanceOf(IOException.class);
        assertThat(failures.events()).as("one event per failed acquisition, not per attempt").hasSize(1);
    }

    @Test
    void anErrorNoRetryCanFixFailsAtOnceWithItsCause() {
        FlakyBackend.set("vault", FlakyBackend.Mode.REFUSING);

        long start = System.nanoTime();
        assertThatThrownBy(() -> resources.acquire("vault", TestConnection.class))
                .isInstanceOf(AcquisitionTimeoutException.class)
                .hasCauseInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("retrying cannot fix");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(FlakyBackend.attempts("vault")).as("no retry").hasSize(1);
        assertThat(tookMillis).as("no wait for a retry delay (1 s) nor the acquire timeout (30 s)").isLessThan(900);
    }

    @Test
    void theCircuitOpensFailsFastHalfOpensAndClosesPerTenantPool() {
        try (LogCapture log = LogCapture.nebula()) {
            FlakyBackend.set("ledger", FlakyBackend.Mode.DOWN);
            try (ScopeHandle acme = contexts.enter("acme", null, null, null)) {
                for (int i = 0; i < 4; i++) {
                    assertThatThrownBy(() -> resources.acquire("ledger", TestConnection.class))
                            .isInstanceOf(AcquisitionTimeoutException.class);
                }
                int attemptsWhenOpened = FlakyBackend.attempts("ledger").size();

                // open: refused at once, naming the resource and when it probes again, without asking the backend
                Instant before = Instant.now();
                assertThatThrownBy(() -> resources.acquire("ledger", TestConnection.class))
                        .isInstanceOfSatisfying(CircuitOpenException.class, e -> {
                            assertThat(e.resource()).isEqualTo("ledger");
                            assertThat(e.nextProbe()).isAfter(before).isBefore(before.plusMillis(450));
                            assertThat(e).hasMessageContaining("'ledger'").hasMessageContaining("probe again at");
                            assertThat(e.getCause()).as("the last backend error, the backend's own").isInstanceOf(IOException.class)
                                    .hasMessageContaining("refused");
                        });
                // more refusals: none reaches the backend (the pool's own background probe may, now and then)
                for (int i = 0; i < 20; i++) {
                    assertThatThrownBy(() -> resources.acquire("ledger", TestConnection.class))
                            .isInstanceOf(CircuitOpenException.class);
                }
                assertThat(FlakyBackend.attempts("ledger").size() - attemptsWhenOpened)
                        .as("backend attempts during 21 refusals").isLessThan(5);

                // each tenant's pool has its own circuit: another tenant still reaches the backend
                FlakyBackend.set("ledger", FlakyBackend.Mode.UP);
                try (ScopeHandle globex = contexts.enter("globex", null, null, null)) {
                    resources.acquire("ledger", TestConnection.class).close();
                }
                assertThatThrownBy(() -> resources.acquire("ledger", TestConnection.class))
                        .as("acme's circuit is still open").isInstanceOf(CircuitOpenException.class);

                // after the delay one probe goes through (half-open); it succeeds and closes the circuit
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).pollInSameThread().ignoreExceptions()
                        .untilAsserted(() -> resources.acquire("ledger", TestConnection.class).close());
                resources.acquire("ledger", TestConnection.class).close();
            }
            List<String> transitions = log.records().stream().filter(r -> r.getMessage().startsWith("NEBULA-3107"))
                    .map(RetryAndCircuitBreakerTest::fields).map(f -> f.get("tenant") + ":" + f.get("to")).toList();
            assertThat(transitions).containsExactly("acme:open", "acme:half-open", "acme:closed");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> fields(LogRecord r) {
        return (Map<String, Object>) r.getParameters()[0];
    }
}
