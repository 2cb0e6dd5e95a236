package io.nebula.resource.cdi;

import io.nebula.resource.admin.AdminChange;
import io.nebula.resource.admin.ResourceAdmin;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.security.Principal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the container knows its caller (a {@link Principal} bean), an operator's change is recorded as that caller's. */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.orders-db.kind=test-counter",
        "nebula.resource.orders-db.pool.min-size=0"})
class ResourceAdminPrincipalTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Caller.class, Observer.class);

    @Inject
    ResourceAdmin admin;

    @Inject
    Observer observer;

    static class Caller {
        @Produces
        Principal caller() {
            return () -> "ops-bob";
        }
    }

    @ApplicationScoped
    static class Observer {
        final List<AuditRecord> audit = new CopyOnWriteArrayList<>();

        void audited(@Observes AuditRecord r) {
            if (r.kind() == AuditKind.ADMIN) {
                audit.add(r);
            }
        }

        List<AuditRecord> audit() {
            return List.copyOf(audit);
        }
    }

    @Test
    void theChangeIsTheCallers() {
        AdminChange change = admin.pause("orders-db");

        assertThat(change.principal()).isEqualTo("ops-bob");
        assertThat(observer.audit()).singleElement().satisfies(r -> assertThat(r.principal()).isEqualTo("ops-bob"));
        admin.resume("orders-db");
    }
}
