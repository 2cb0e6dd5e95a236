package io.nebula.resource.cdi;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.BulkheadFullException;
import io.nebula.resource.cdi.testing.FlakyBackend;
import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.Resources;
import io.nebula.resource.admin.AdminAction;
import io.nebula.resource.admin.AdminChange;
import io.nebula.resource.admin.ResourceAdmin;
import io.nebula.resource.cdi.testing.LogCapture;
import io.nebula.resource.cdi.testing.TestConnection;
import io.nebula.resource.event.ResourceAdminEvent;
import io.nebula.resource.provider.testing.ChangingConfig;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code nebula.config.refresh-interval}: a changeable key changed in the configuration is applied to the running
 * resource as {@code config-refresh}; a key that cannot change at run time is warned about once and not applied.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.config.refresh-interval=20ms",
        "nebula.resource.orders-db.kind=test-counter",
        "nebula.resource.orders-db.pool.min-size=0",
        "nebula.resource.orders-db.pool.max-size=1",
        "nebula.resource.orders-db.pool.acquire-timeout=100ms",
        "nebula.resource.orders-db.health.quarantine-after=3",
        "nebula.resource.ledger.kind=test-counter",
        "nebula.resource.ledger.scope=tenant",
        "nebula.resource.ledger.pool.min-size=0",
        "nebula.tenant.acme.resource.ledger.tenant.quota.max-concurrent-leases=1",
        "nebula.resource.narrow-db.kind=test-datasource",
        "nebula.resource.narrow-db.bulkhead.max-concurrent=1",
        "nebula.resource.narrow-db.retry.max-retries=0"})
class ConfigRefreshTest {

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Observer.class);

    @Inject
    Resources resources;

    @Inject
    Observer observer;

    @Inject
    BeanManager beanManager;

    @Inject
    WorkflowContexts contexts;

    @Inject
    ResourceAdmin admin;

    @ApplicationScoped
    static class Observer {
        final List<AdminChange> changes = new CopyOnWriteArrayList<>();

        void changed(@Observes ResourceAdminEvent e) {
            changes.add(e.change());
        }

        List<AdminChange> changes() {
            return List.copyOf(changes);
        }
    }

    private ConfigRefresh refresh() {
        return beanManager.getExtension(NebulaExtension.class).runtime().refresh();
    }

    /** Waits until the refresh has read the configuration again twice more: once may have begun before the change. */
    private void twoMoreTurns() {
        long now = refresh().turns();
        await().atMost(Duration.ofSeconds(10)).until(() -> refresh().turns() >= now + 2);
    }

    @Test
    void aChangeableKeyChangedInTheConfigurationIsAppliedAsTheRefresh() {
        Lease<TestConnection> first = resources.acquire("orders-db", TestConnection.class);
        assertThatThrownBy(() -> resources.acquire("orders-db", TestConnection.class))
                .isInstanceOf(AcquisitionTimeoutException.class);

        ChangingConfig.set("nebula.resource.orders-db.pool.max-size", "2");
        twoMoreTurns();

        assertThat(resources.find("orders-db").orElseThrow().pool().maxSize()).isEqualTo(2);
        try (Lease<TestConnection> second = resources.acquire("orders-db", TestConnection.class, Duration.ofSeconds(5))) {
            assertThat(first.isOpen()).isTrue();
        } finally {
            first.close();
        }
        assertThat(observer.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(AdminAction.CONFIGURE);
            assertThat(c.principal()).isEqualTo("config-refresh");
            assertThat(c.after()).containsEntry("pool.max-size", "2");
        });
    }

    @Test
    void theAcquireTimeoutChangedInTheConfigurationIsWaitedFromTheNextAcquisitionOn() {
        try (Lease<TestConnection> held = resources.acquire("orders-db", TestConnection.class)) {
            ChangingConfig.set("nebula.resource.orders-db.pool.acquire-timeout", "1500ms");
            twoMoreTurns();

            assertWaits(Duration.ofMillis(1500), "within 1.5 s");
            assertThat(held.isOpen()).isTrue();
        }
        assertThat(observer.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(AdminAction.CONFIGURE);
            assertThat(c.principal()).isEqualTo("config-refresh");
            assertThat(c.before()).containsEntry("pool.acquire-timeout", "100ms");
            assertThat(c.after()).containsEntry("pool.acquire-timeout", "1500ms");
        });
    }

    @Test
    void theAcquireTimeoutChangedThroughTheAdminIsWaitedFromTheNextAcquisitionOn() {
        try (Lease<TestConnection> held = resources.acquire("orders-db", TestConnection.class)) {
            admin.as("alice").apply("orders-db", java.util.Map.of("pool.acquire-timeout", "1500ms"));

            assertWaits(Duration.ofMillis(1500), "within 1.5 s");
            assertThat(held.isOpen()).isTrue();
        }
        assertThatThrownBy(() -> admin.apply("orders-db", java.util.Map.of("pool.acquire-timeout", "-1s")))
                .hasMessageContaining("nebula.resource.orders-db.pool.acquire-timeout: must not be negative");
        assertThat(observer.changes()).singleElement().satisfies(c -> {
            assertThat(c.principal()).isEqualTo("alice");
            assertThat(c.after()).containsEntry("pool.acquire-timeout", "1500ms");
        });
        twoMoreTurns();
        assertThat(beanManager.getExtension(NebulaExtension.class).runtime().resource("orders-db").pools().declaration()
                .pool().acquireTimeout()).as("not undone by the refresh").isEqualTo(Duration.ofMillis(1500));
    }

    /** An acquisition naming no timeout, with the only instance held: refused after about {@code timeout}, not 100 ms. */
    private void assertWaits(Duration timeout, String message) {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> resources.acquire("orders-db", TestConnection.class))
                .isInstanceOf(AcquisitionTimeoutException.class).hasMessageContaining(message);
        Duration waited = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(waited).isGreaterThanOrEqualTo(timeout.minusMillis(100)).isLessThan(timeout.plusSeconds(10));
    }

    /**
     * The refresh applies what changed in the configuration, not the configuration over the pool: an operator's resize
     * stays until the key changes in the configuration again. Seen on Liberty, where a resize from the dashboard was
     * undone by the refresh within its interval.
     */
    @Test
    void anOperatorsResizeStaysUntilTheConfigurationChangesTheKey() {
        admin.as("alice").resize("orders-db", 0, 3);
        twoMoreTurns();

        assertThat(resources.find("orders-db").orElseThrow().pool().maxSize()).as("not undone").isEqualTo(3);
        assertThat(observer.changes()).extracting(AdminChange::principal).containsExactly("alice");

        ChangingConfig.set("nebula.resource.orders-db.pool.max-size", "4");
        twoMoreTurns();

        assertThat(resources.find("orders-db").orElseThrow().pool().maxSize()).isEqualTo(4);
        assertThat(observer.changes()).extracting(AdminChange::principal).containsExactly("alice", "config-refresh");
        assertThat(observer.changes().get(1).before()).containsEntry("pool.max-size", "3");
    }

    @Test
    void aTenantsQuotaChangedInTheConfigurationIsAppliedToItsLivePool() {
        try (ScopeHandle acme = contexts.enter("acme", "billing", "run-1", "charge")) {
            Lease<TestConnection> first = resources.acquire("ledger", TestConnection.class);
            assertThatThrownBy(() -> resources.acquire("ledger", TestConnection.class))
                    .isInstanceOf(QuotaExceededException.class);

            ChangingConfig.set("nebula.tenant.acme.resource.ledger.tenant.quota.max-concurrent-leases", "2");
            twoMoreTurns();

            try (Lease<TestConnection> second = resources.acquire("ledger", TestConnection.class)) {
                assertThat(first.isOpen()).isTrue();
            } finally {
                first.close();
            }
        }
        assertThat(observer.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(AdminAction.TENANT_QUOTA);
            assertThat(c.tenant()).isEqualTo("acme");
            assertThat(c.principal()).isEqualTo("config-refresh");
            assertThat(c.before()).containsEntry("tenant.quota.max-concurrent-leases", "1");
            assertThat(c.after()).containsEntry("tenant.quota.max-concurrent-leases", "2");
        });
    }

    /** {@code bulkhead.max-concurrent} raised in the configuration while an attempt is held under way. */
    @Test
    void aBulkheadRaisedInTheConfigurationAdmitsOneMoreWhileTheAttemptUnderWayStaysCounted() throws Exception {
        javax.sql.DataSource narrow = resources.get("narrow-db", javax.sql.DataSource.class);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
        try (FlakyBackend.HeldAttempts held = FlakyBackend.holdAttempts("narrow-db")) {
            java.util.concurrent.Future<?> first = threads.submit(() -> {
                narrow.getConnection().close();
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> held.entered() == 1);
            assertThatThrownBy(narrow::getConnection).cause().isInstanceOf(BulkheadFullException.class);

            ChangingConfig.set("nebula.resource.narrow-db.bulkhead.max-concurrent", "2");
            twoMoreTurns();

            java.util.concurrent.Future<?> second = threads.submit(() -> {
                narrow.getConnection().close();
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> held.entered() == 2);
            assertThatThrownBy(narrow::getConnection).as("the first attempt is still counted")
                    .cause().isInstanceOf(BulkheadFullException.class);
            held.close();
            first.get(10, java.util.concurrent.TimeUnit.SECONDS);
            second.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(observer.changes()).singleElement().satisfies(c -> {
            assertThat(c.principal()).isEqualTo("config-refresh");
            assertThat(c.before()).containsEntry("bulkhead.max-concurrent", "1");
            assertThat(c.after()).containsEntry("bulkhead.max-concurrent", "2");
        });
    }

    @Test
    void aKeyThatCannotChangeIsWarnedAboutOnceAndNotApplied() {
        try (LogCapture log = LogCapture.of(ConfigRefresh.class.getName(), Level.ALL)) {
            ChangingConfig.set("nebula.resource.orders-db.health.quarantine-after", "7");
            twoMoreTurns();
            twoMoreTurns();

            List<String> warnings = log.records().stream().filter(r -> r.getLevel() == Level.WARNING)
                    .map(r -> r.getMessage()).toList();
            assertThat(warnings).singleElement().satisfies(m -> assertThat(m)
                    .startsWith("NEBULA-4410 nebula.resource.orders-db.health.quarantine-after changed"));
        }
        assertThat(resources.find("orders-db").orElseThrow().pool().maxSize()).isEqualTo(1);
        assertThat(observer.changes()).isEmpty();
        assertThat(beanManager.getExtension(NebulaExtension.class).runtime().resource("orders-db").pools().declaration()
                .health().quarantineAfter()).isEqualTo(3);
    }
}
