package io.nebula.resource.cdi;

import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.Resources;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.LogCapture;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.core.audit.AuditSink;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An application that observes no {@link AuditRecord}: no record is fired as a CDI event, and a lease granted or
 * given back makes no record at all unless the audit logger is at DEBUG; refusals are still logged at INFO.
 * Counted by the extension's own audit sink, since no observer could see what is not fired.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.ledger.kind=test-counter",
        "nebula.resource.ledger.scope=tenant",
        "nebula.resource.ledger.pool.max-size=3",
        "nebula.resource.ledger.tenant.quota.max-concurrent-leases=1",
        "nebula.resource.shared.kind=test-counter"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class AuditWithoutObserverTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    WorkflowContexts contexts;

    @Inject
    Resources resources;

    private AuditSink sink() {
        return weld.getBeanManager().getExtension(NebulaExtension.class).runtime().tenancy().auditSink();
    }

    private void leaseTenTimes() {
        for (int i = 0; i < 10; i++) {
            try (ScopeHandle acme = contexts.enter("acme", "billing", "run-" + i, "charge");
                 Lease<TestConnection> lease = resources.acquire("ledger", TestConnection.class, Duration.ZERO)) {
                assertThat(lease.get().resource()).isEqualTo("ledger");
            }
            try (Lease<TestConnection> lease = resources.acquire("shared", TestConnection.class)) {
                assertThat(lease.get().resource()).isEqualTo("shared");
            }
        }
    }

    @Test
    void atInfoLeasesMakeNoRecordAndNothingIsFiredButARefusalIsLogged() {
        try (LogCapture auditLog = LogCapture.of(AuditRecord.LOGGER, Level.INFO)) {
            leaseTenTimes();
            try (ScopeHandle acme = contexts.enter("acme", "billing", "run-x", "charge");
                 Lease<TestConnection> held = resources.acquire("ledger", TestConnection.class, Duration.ZERO)) {
                assertThatThrownBy(() -> resources.acquire("ledger", TestConnection.class, Duration.ZERO))
                        .isInstanceOf(QuotaExceededException.class);
            }

            assertThat(sink().fired()).as("no observer: no CDI event").isZero();
            assertThat(auditLog.records()).as("the refusal and each pool's first credential use, at INFO")
                    .allSatisfy(r -> {
                        assertThat(r.getLevel()).isEqualTo(Level.INFO);
                        assertThat(r.getMessage()).doesNotContain("kind=ACQUISITION", "kind=RELEASE");
                    })
                    .anySatisfy(r -> assertThat(r.getMessage())
                            .startsWith("NEBULA-4100 kind=QUOTA_DENIAL outcome=DENIED resource=ledger tenant=acme"));
            assertThat(sink().delivered()).as("no record made for a lease: every record made was logged")
                    .isEqualTo(auditLog.records().size());
        }
    }

    @Test
    void atDebugEveryLeaseIsLoggedAtDebugAndStillNothingIsFired() {
        try (LogCapture auditLog = LogCapture.of(AuditRecord.LOGGER, Level.FINE)) {
            leaseTenTimes();
            assertThat(sink().fired()).isZero();
            assertThat(auditLog.records()).filteredOn(r -> r.getLevel() == Level.FINE)
                    .as("an acquisition and a release per lease").hasSize(40)
                    .allSatisfy(r -> assertThat(r.getMessage())
                            .containsAnyOf("kind=ACQUISITION outcome=SUCCESS", "kind=RELEASE outcome=SUCCESS"));
            assertThat(sink().delivered()).isEqualTo(auditLog.records().size());
        }
    }
}
