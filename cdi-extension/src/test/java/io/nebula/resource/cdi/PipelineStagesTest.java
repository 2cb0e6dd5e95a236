package io.nebula.resource.cdi;

import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stages the extension's pools are woven with, as {@code AcquisitionPipeline.assemble} made them: with audit
 * switched off ({@code nebula.audit.enabled=false}) no pool has an audit stage, and only a tenant whose
 * {@code tenant.quota.*} limits something has a tenant admission stage; with {@code nebula.history.enabled=false} no
 * pool has a history stage. {@code TenancyTest} sees all three on.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.audit.enabled=false",
        "nebula.history.enabled=false",
        "nebula.resource.ledger.kind=test-counter",
        "nebula.resource.ledger.scope=tenant",
        "nebula.resource.ledger.tenant.quota.max-acquisitions-per-second=1000",
        "nebula.tenant.free.resource.ledger.tenant.quota.max-acquisitions-per-second=0",
        "nebula.resource.shared.kind=test-counter"})
class PipelineStagesTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    Resources resources;

    static List<String> stages(WeldInitiator weld, String resource, String tenant) {
        DeclaredResource<?> declared = weld.getBeanManager().getExtension(NebulaExtension.class).runtime().resource(resource);
        ResourceContext ctx = new ResourceContext(tenant, null, null, null);
        declared.pools().acquire(null, ctx).close(); // the pool is made on first use
        return ((WovenPool<?>) declared.pools().poolFor(ctx)).stages();
    }

    @Test
    void auditOffLeavesNoAuditStageAndATenantWithoutAQuotaNoAdmissionStage() {
        try (Lease<TestConnection> lease = resources.acquire("shared", TestConnection.class)) {
            assertThat(lease.get().resource()).isEqualTo("shared");
        }

        assertThat(stages(weld, "shared", null)).containsExactly("metering", "deadline", "quarantine", "circuit breaker", "retry");
        assertThat(stages(weld, "ledger", "acme"))
                .containsExactly("tenant admission", "metering", "deadline", "quarantine", "circuit breaker", "retry");
        assertThat(stages(weld, "ledger", "free")).as("its override lifts the quota")
                .containsExactly("metering", "deadline", "quarantine", "circuit breaker", "retry");
    }
}
