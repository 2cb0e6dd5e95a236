package io.nebula.resource.provider.jdbc;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.TenantRequiredException;
import io.nebula.resource.cdi.ScopeHandle;
import io.nebula.resource.cdi.WorkflowContexts;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A tenant id that passes the id check (letters and digits, 63 characters) but makes {@code schema=t_{tenant}} a
 * 65-character name: that tenant is refused, naming its id and the key, before any pool or connection is made, and
 * the resource stays UP for every other tenant.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.tenant-db.kind=postgresql",
        "nebula.resource.tenant-db.scope=tenant",
        "nebula.resource.tenant-db.url=jdbc:postgresql://127.0.0.1:5432/test",
        "nebula.resource.tenant-db.username=postgres",
        "nebula.resource.tenant-db.schema=t_{tenant}",
        "nebula.resource.tenant-db.pool.max-size=1"})
@SuppressWarnings("try")
class TenantIdBreakingAKeyTest {

    private static final String LONG_ID = "a".repeat(63);

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of();

    @Inject
    WorkflowContexts contexts;

    @Inject
    Resources resources;

    @Test
    void aTenantWhoseIdBreaksTheSchemaIsRefusedAndTheResourceStaysUp() throws Exception {
        try (ScopeHandle tenant = contexts.enter(LONG_ID, null, null, null)) {
            assertThatThrownBy(() -> resources.acquire("tenant-db", DataSource.class))
                    .isInstanceOf(TenantRequiredException.class)
                    .hasMessageContaining("NEBULA-4002")
                    .hasMessageContaining(LONG_ID)
                    .hasMessageContaining("nebula.resource.tenant-db.schema");
        }
        assertThat(resources.find("tenant-db").orElseThrow().health().status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(resources.find("tenant-db").orElseThrow().pool().size()).as("no pool was made for it").isZero();

        try (ScopeHandle tenant = contexts.enter("acme", null, null, null);
             Lease<DataSource> lease = resources.acquire("tenant-db", DataSource.class);
             Connection c = lease.get().getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }
        assertThat(resources.find("tenant-db").orElseThrow().health().status()).isEqualTo(HealthStatus.Status.UP);
    }
}
