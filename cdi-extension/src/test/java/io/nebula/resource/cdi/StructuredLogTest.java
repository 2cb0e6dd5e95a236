package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.Resources;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.cdi.testing.LogCapture;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestConnection;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each lifecycle event and failure is one log record whose single parameter is a map of fields, ready for a
 * JSON formatter: resource, tenant, workflow, execution, action, duration and the pool's figures.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders.kind=test-flaky",
        "nebula.resource.orders.retry.max-retries=0",
        "nebula.resource.orders.health.interval=0"})
@SuppressWarnings("try") // scopes are entered and left with try-with-resources
class StructuredLogTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    Resources resources;

    @Inject
    WorkflowContexts contexts;

    @Test
    void aFailedAcquisitionIsOneRecordWithItsFields() {
        try (LogCapture log = LogCapture.nebula()) {
            FlakyBackend.set("orders", FlakyBackend.Mode.DOWN);
            try (ScopeHandle s = contexts.enter("acme", "billing", "run-42", "charge")) {
                assertThatThrownBy(() -> resources.acquire("orders", TestConnection.class))
                        .isInstanceOf(AcquisitionTimeoutException.class);
            }
            List<LogRecord> failed = log.records().stream().filter(r -> r.getMessage().startsWith("NEBULA-3101")).toList();
            assertThat(failed).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(r.getLoggerName()).isEqualTo("io.nebula.resource.core.telemetry");
                assertThat(r.getParameters()).hasSize(1);
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) r.getParameters()[0];
                assertThat(fields).containsEntry("resource", "orders").containsEntry("kind", "test-flaky")
                        .containsEntry("tenant", "acme").containsEntry("workflow", "billing")
                        .containsEntry("execution", "run-42").containsEntry("action", "charge")
                        .containsEntry("outcome", "unavailable")
                        .containsKeys("duration_ms", "size", "active", "idle", "pending", "max", "error");
                assertThat((String) fields.get("error")).contains("java.io.IOException");
            });
            assertThat(log.messages()).anySatisfy(m -> assertThat(m)
                    .contains("NEBULA-3101 acquisition failed resource=orders kind=test-flaky tenant=acme workflow=billing"));
            assertThat(log.records()).anySatisfy(r -> assertThat(r.getMessage()).startsWith("NEBULA-3105 creation failed"));
            assertThat(log.records()).anySatisfy(r -> assertThat(r.getMessage()).startsWith("NEBULA-3102 lifecycle"));
        }
    }
}
