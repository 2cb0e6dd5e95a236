package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.Lease;
import io.nebula.resource.Resources;
import io.nebula.resource.admin.AdminAction;
import io.nebula.resource.admin.AdminChange;
import io.nebula.resource.admin.ResourceAdmin;
import io.nebula.resource.admin.ResourcePausedException;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.event.ResourceAdminEvent;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
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

/**
 * {@code @Inject ResourceAdmin}: an operator's change reaches the running resource, is refused as configuration would
 * be, fires a {@link ResourceAdminEvent} with who made it, and enters the audit trail.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.kind=test-counter",
        "nebula.resource.orders-db.pool.min-size=0",
        "nebula.resource.orders-db.pool.max-size=1",
        "nebula.resource.orders-db.pool.acquire-timeout=100ms"})
class ResourceAdminTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Observer.class);

    @Inject
    ResourceAdmin admin;

    @Inject
    Resources resources;

    @Inject
    Observer observer;

    @ApplicationScoped
    static class Observer {
        final List<AdminChange> changes = new CopyOnWriteArrayList<>();
        final List<AuditRecord> audit = new CopyOnWriteArrayList<>();

        void changed(@Observes ResourceAdminEvent e) {
            changes.add(e.change());
        }

        void audited(@Observes AuditRecord r) {
            if (r.kind() == AuditKind.ADMIN) {
                audit.add(r);
            }
        }

        List<AdminChange> changes() {
            return List.copyOf(changes);
        }

        List<AuditRecord> audit() {
            return List.copyOf(audit);
        }
    }

    @Test
    void aResizeByTheInjectedAdminLetsOneMoreLeaseInAndIsObservedAndAudited() {
        Lease<TestConnection> first = resources.acquire("orders-db", TestConnection.class);
        assertThatThrownBy(() -> resources.acquire("orders-db", TestConnection.class))
                .isInstanceOf(AcquisitionTimeoutException.class);

        AdminChange change = admin.as("ops-alice").resize("orders-db", 0, 2);

        try (Lease<TestConnection> second = resources.acquire("orders-db", TestConnection.class, Duration.ofSeconds(5))) {
            assertThat(second.isOpen()).isTrue();
            assertThat(first.isOpen()).isTrue();
        } finally {
            first.close();
        }
        assertThat(resources.find("orders-db").orElseThrow().pool().maxSize()).isEqualTo(2);
        assertThat(observer.changes()).containsExactly(change);
        assertThat(change.principal()).isEqualTo("ops-alice");
        assertThat(observer.audit()).singleElement().satisfies(r -> {
            assertThat(r.principal()).isEqualTo("ops-alice");
            assertThat(r.detail()).contains("action=RESIZE", "pool.max-size=2");
        });
    }

    @Test
    void aPauseRefusesAcquisitionsUntilResumedAndWithoutACallerTheChangeIsTheSystems() {
        AdminChange paused = admin.pause("orders-db");

        assertThatThrownBy(() -> resources.acquire("orders-db", TestConnection.class))
                .isInstanceOf(ResourcePausedException.class).hasMessageContaining("NEBULA-4401");
        assertThat(paused.principal()).as("Weld SE has no caller").isEqualTo("system");

        admin.resume("orders-db");
        resources.acquire("orders-db", TestConnection.class).close();
        assertThat(observer.changes()).extracting(AdminChange::action).containsExactly(AdminAction.PAUSE, AdminAction.RESUME);
    }

    @Test
    void aChangeConfigurationWouldRefuseIsRefusedUnderItsFullKeyAndNotObserved() {
        assertThatThrownBy(() -> admin.resize("orders-db", 3, 2))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.orders-db.pool.min-size");
        assertThat(observer.changes()).isEmpty();
        assertThat(resources.find("orders-db").orElseThrow().pool().maxSize()).isEqualTo(1);
    }
}
