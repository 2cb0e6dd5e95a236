package io.nebula.resource.cdi;

import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.Resources;
import io.nebula.resource.TenantRequiredException;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.cdi.testing.LogCapture;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.cdi.testing.TestBackend;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.core.audit.AuditSink;
import io.nebula.resource.event.HealthChangedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tenant-scoped resources through the extension, configured only in MicroProfile Config: a pool per tenant made
 * from the template, quotas and limits from {@code tenant.*} keys and a tenant's overrides, refusal without a
 * tenant, idle pools that leave quietly, and the audit trail of every kind of event, with no secret in it.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.ledger.kind=test-counter",
        "nebula.resource.ledger.scope=tenant",
        "nebula.resource.ledger.pool.max-size=3",
        "nebula.resource.ledger.tenant.max-pools=2",
        "nebula.resource.ledger.tenant.quota.max-concurrent-leases=1",
        "nebula.resource.ledger.password=Config-Secret-1",
        "nebula.tenant.big.resource.ledger.tenant.quota.max-concurrent-leases=2",
        // credentials from files, as Kubernetes mounts a Secret, re-read every 50 ms
        "nebula.resource.vault.kind=test-counter",
        "nebula.resource.vault.credentials.source=directory",
        "nebula.resource.vault.credentials.directory=${nebula.test.secrets}",
        "nebula.resource.vault.credentials.refresh-interval=50ms",
        // a circuit that opens after two failed acquisitions
        "nebula.resource.flaky.kind=test-flaky",
        "nebula.resource.flaky.pool.acquire-timeout=1s",
        "nebula.resource.flaky.pool.backoff-initial=2ms",
        "nebula.resource.flaky.pool.backoff-max=4ms",
        "nebula.resource.flaky.retry.max-retries=0",
        "nebula.resource.flaky.circuit-breaker.request-volume-threshold=2",
        "nebula.resource.flaky.circuit-breaker.failure-ratio=0.5",
        "nebula.resource.flaky.circuit-breaker.delay=10s",
        "nebula.resource.covered.kind=test-flaky",
        "nebula.resource.covered.retry.max-retries=0",
        "nebula.resource.covered.fallback=standby",
        "nebula.resource.standby.kind=test-counter"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class TenancyTest {

    static final String FILE_SECRET = "File-Secret-1";
    static final String ROTATED_SECRET = "File-Secret-2";
    static Path secrets;

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Observed.class);

    @Inject
    WorkflowContexts contexts;

    @Inject
    Resources resources;

    @Inject
    io.nebula.resource.admin.ResourceAdmin admin;

    @Inject
    Observed observed;

    /** Collects what the application would observe (read through methods: the test holds a client proxy). */
    @ApplicationScoped
    static class Observed {
        private final List<AuditRecord> audit = new CopyOnWriteArrayList<>();
        private final List<HealthChangedEvent> health = new CopyOnWriteArrayList<>();

        void onAudit(@Observes AuditRecord record) {
            audit.add(record);
        }

        void onHealth(@Observes HealthChangedEvent event) {
            health.add(event);
        }

        List<AuditRecord> audit() {
            return List.copyOf(audit);
        }

        List<HealthChangedEvent> health() {
            return List.copyOf(health);
        }
    }

    @BeforeAll
    static void mountSecrets() throws IOException {
        secrets = Files.createTempDirectory("nebula-secrets");
        Files.writeString(secrets.resolve("password"), FILE_SECRET + "\n");
        System.setProperty("nebula.test.secrets", secrets.toString());
    }

    @AfterAll
    static void unmountSecrets() throws IOException {
        System.clearProperty("nebula.test.secrets");
        try (var files = Files.list(secrets)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(secrets);
    }

    private Lease<TestConnection> ledger() {
        return resources.acquire("ledger", TestConnection.class, Duration.ZERO);
    }

    @Test
    void eachTenantHasItsOwnPoolAndAQuotaFailsAtOnceNamingTenantAndLimit() {
        try (ScopeHandle acme = contexts.enter("acme", "billing", "run-1", "charge");
             Lease<TestConnection> held = ledger()) {
            assertThatThrownBy(() -> resources.acquire("ledger", TestConnection.class, Duration.ofSeconds(30)))
                    .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                        assertThat(e.tenant()).isEqualTo("acme");
                        assertThat(e.limit()).isEqualTo("tenant.quota.max-concurrent-leases");
                        assertThat(e.value()).isEqualTo(1);
                    });
            try (ScopeHandle big = contexts.enter("big", "billing", "run-2", "charge");
                 Lease<TestConnection> one = ledger(); Lease<TestConnection> two = ledger()) {
                assertThat(one.get().id()).isNotEqualTo(held.get().id()).isNotEqualTo(two.get().id());
                assertThatThrownBy(this::ledger).as("big's override allows two").isInstanceOf(QuotaExceededException.class);
            }
        }
        assertThat(resources.find("ledger").orElseThrow().pool().size()).as("acme's and big's pools").isEqualTo(3);
    }

    @Test
    void aTenantsLeasesPassItsQuotaThenAuditBeforeTheRestAndAGlobalResourceOnlyAudit() {
        assertThat(PipelineStagesTest.stages(weld, "ledger", "acme"))
                .containsExactly("tenant admission", "audit", "metering", "deadline", "quarantine", "circuit breaker", "retry");
        assertThat(PipelineStagesTest.stages(weld, "vault", null))
                .containsExactly("audit", "metering", "deadline", "quarantine", "circuit breaker", "retry");
    }

    @Test
    void aRequestWithoutATenantIsRefusedWithAClearError() {
        try (ScopeHandle noTenant = contexts.enter(null, "billing", "run-1", "charge")) {
            assertThatThrownBy(this::ledger).isInstanceOfSatisfying(TenantRequiredException.class, e -> assertThat(e)
                    .hasMessageContaining("'ledger'").hasMessageContaining("enter a tenant scope"));
        }
        assertThat(TestBackend.log("create:ledger")).isEmpty();
    }

    @Test
    void theLeastRecentlyUsedIdleTenantPoolMakesRoomWithoutHealthGoingDown() {
        for (String tenant : List.of("a", "b", "a", "c")) {
            try (ScopeHandle t = contexts.enter(tenant, null, null, null); Lease<TestConnection> lease = ledger()) {
                assertThat(lease.get().resource()).isEqualTo("ledger");
            }
        }
        assertThat(TestBackend.log("destroy:ledger")).as("b's pool was closed for c").hasSize(1);
        assertThat(resources.find("ledger").orElseThrow().health().isUp()).isTrue();
        assertThat(observed.health()).as("an idle tenant's pool closing is not an outage").isEmpty();
    }

    @Test
    void anObserverHearsEveryLeaseWhileTheAuditLogAtInfoHasNoLineOfOne() {
        try (LogCapture auditLog = LogCapture.of(AuditRecord.LOGGER, Level.INFO)) {
            for (int i = 0; i < 3; i++) {
                try (ScopeHandle acme = contexts.enter("acme", "billing", "run-" + i, "charge");
                     Lease<TestConnection> lease = ledger()) {
                    assertThat(lease.get().resource()).isEqualTo("ledger");
                }
            }
            assertThat(observed.audit()).extracting(AuditRecord::kind)
                    .filteredOn(k -> k == AuditKind.ACQUISITION || k == AuditKind.RELEASE)
                    .containsExactly(AuditKind.ACQUISITION, AuditKind.RELEASE, AuditKind.ACQUISITION, AuditKind.RELEASE,
                            AuditKind.ACQUISITION, AuditKind.RELEASE);
            assertThat(auditLog.messages()).as("the instance's credential use, not a lease")
                    .isNotEmpty()
                    .allSatisfy(m -> assertThat(m).doesNotContain("kind=ACQUISITION", "kind=RELEASE"));
        }
        AuditSink sink = weld.getBeanManager().getExtension(NebulaExtension.class).runtime().tenancy().auditSink();
        assertThat(sink.fired()).isEqualTo(observed.audit().size());
    }

    @Test
    void everyKindOfEventIsAuditedAsAnEventAndALogLineWithoutASecret() throws IOException {
        try (LogCapture auditLog = LogCapture.of(AuditRecord.LOGGER)) {
            try (ScopeHandle acme = contexts.enter("acme", "billing", "run-1", "charge")) {
                try (Lease<TestConnection> held = ledger()) {
                    assertThatThrownBy(this::ledger).isInstanceOf(QuotaExceededException.class);
                }
                try (Lease<TestConnection> vault = resources.acquire("vault", TestConnection.class)) {
                    Files.writeString(secrets.resolve("password"), ROTATED_SECRET + "\n");
                    await().atMost(Duration.ofSeconds(10)).until(() -> observed.audit().stream()
                            .anyMatch(r -> r.kind() == AuditKind.CREDENTIAL_ROTATION));
                }
                FlakyBackend.set("flaky", FlakyBackend.Mode.DOWN);
                for (int i = 0; i < 2; i++) {
                    assertThatThrownBy(() -> resources.acquire("flaky", TestConnection.class)).isNotNull();
                }
                assertThatThrownBy(() -> resources.acquire("flaky", TestConnection.class))
                        .isInstanceOf(CircuitOpenException.class);
                FlakyBackend.set("covered", FlakyBackend.Mode.DOWN);
                try (Lease<TestConnection> standby = resources.acquire("covered", TestConnection.class)) {
                    assertThat(standby.servedByFallback()).isTrue();
                }
            }
            try (ScopeHandle noTenant = contexts.enter(null, "billing", "run-1", "charge")) {
                assertThatThrownBy(this::ledger).isInstanceOf(TenantRequiredException.class);
            }

            admin.as("ops").resetCircuit("flaky"); // an operator's change: ADMIN

            List<AuditRecord> records = observed.audit();
            assertThat(records).extracting(AuditRecord::kind).containsAll(EnumSet.allOf(AuditKind.class));
            assertThat(records).filteredOn(r -> r.kind() == AuditKind.ACQUISITION && r.resource().equals("ledger"))
                    .first().satisfies(r -> {
                        assertThat(r.outcome()).isEqualTo(AuditRecord.Outcome.SUCCESS);
                        assertThat(r.tenant()).isEqualTo("acme");
                        assertThat(r.context().workflow()).isEqualTo("billing");
                        assertThat(r.context().execution()).isEqualTo("run-1");
                        assertThat(r.context().action()).isEqualTo("charge");
                        assertThat(r.at()).isNotNull();
                    });
            assertThat(records).filteredOn(r -> r.kind() == AuditKind.QUOTA_DENIAL).first()
                    .satisfies(r -> assertThat(r.detail()).isEqualTo("tenant.quota.max-concurrent-leases=1"));
            assertThat(records).filteredOn(r -> r.kind() == AuditKind.CIRCUIT_DENIAL).first()
                    .satisfies(r -> assertThat(r.resource()).isEqualTo("flaky"));
            assertThat(records).filteredOn(r -> r.kind() == AuditKind.CREDENTIAL_ROTATION).first()
                    .satisfies(r -> assertThat(r.detail()).contains("keys=password", "source=directory"));
            assertThat(records).filteredOn(r -> r.kind() == AuditKind.FALLBACK).singleElement().satisfies(r -> {
                assertThat(r.resource()).isEqualTo("covered");
                assertThat(r.outcome()).isEqualTo(AuditRecord.Outcome.SUCCESS);
                assertThat(r.tenant()).isEqualTo("acme");
                assertThat(r.detail()).startsWith("fallback=standby after AcquisitionTimeoutException reason=BACKEND_UNAVAILABLE");
            });

            assertThat(auditLog.records()).as("leases at DEBUG, the rest at INFO").allSatisfy(r -> assertThat(r.getLevel())
                    .isEqualTo(r.getMessage().contains("outcome=SUCCESS") && r.getMessage().matches(".*kind=(ACQUISITION|RELEASE) .*")
                            ? Level.FINE : Level.INFO));
            assertThat(auditLog.messages()).as("the same records, one log line each")
                    .anySatisfy(m -> assertThat(m).startsWith("NEBULA-4100 kind=QUOTA_DENIAL outcome=DENIED resource=ledger tenant=acme"))
                    .anySatisfy(m -> assertThat(m).contains("kind=CREDENTIAL_ROTATION"));
            for (String secret : List.of("Config-Secret-1", FILE_SECRET, ROTATED_SECRET)) {
                assertThat(records).allSatisfy(r -> assertThat(r.toLogLine() + r).doesNotContain(secret));
                assertThat(auditLog.messages()).allSatisfy(m -> assertThat(m).doesNotContain(secret));
            }
        }
    }
}
