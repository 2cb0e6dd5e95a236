package io.nebula.resource.core.tenant;

import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;
import io.nebula.resource.TenantRequiredException;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.core.tenant.Tenants.Conn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantPoolsTest {

    final Tenants.Provider provider = new Tenants.Provider();
    final Tenants.FakeTicker ticker = new Tenants.FakeTicker();
    final List<String> events = new CopyOnWriteArrayList<>();
    TenantPools<Conn> pools;

    @AfterEach
    void close() {
        if (pools != null) {
            pools.close();
        }
    }

    TenantPools<Conn> pools(Map<String, Map<String, String>> overrides, String... kv) {
        pools = TenantPools.builder(new TenantTemplate(Tenants.settings(kv), t -> overrides.getOrDefault(t, Map.of())),
                        Tenants.pools(provider, ticker))
                .ticker(ticker)
                .listener(new TenantPoolsListener() {
                    @Override
                    public void onPoolOpened(String tenant, ResourcePool<?> pool) {
                        events.add("opened " + tenant);
                    }

                    @Override
                    public void onPoolClosed(String tenant, String reason) {
                        events.add("closed " + tenant + " " + reason);
                    }

                    @Override
                    public void onDenied(ResourceContext ctx, ResourceException error) {
                        events.add("denied " + ctx.tenant() + " " + error.getClass().getSimpleName());
                    }
                })
                .build();
        return pools;
    }

    static ResourceContext in(String tenant) {
        return new ResourceContext(tenant, "billing", "run-1", "charge");
    }

    Lease<Conn> acquire(String tenant) {
        return pools.acquire(Duration.ZERO, in(tenant));
    }

    @Test
    void eachTenantGetsInstancesFromItsOwnPoolMadeFromTheTemplate() {
        pools(Map.of());
        try (Lease<Conn> acme = acquire("acme"); Lease<Conn> globex = acquire("globex")) {
            assertThat(acme.get().tenant).isEqualTo("acme");
            assertThat(acme.get().url).isEqualTo("fake://db/acme");
            assertThat(globex.get().tenant).isEqualTo("globex");
            assertThat(globex.get().url).isEqualTo("fake://db/globex");
            assertThat(((TenantLease<Conn>) acme).tenant()).isEqualTo("acme");
        }
        assertThat(pools.tenants()).containsExactly("acme", "globex");
        try (Lease<Conn> again = acquire("acme")) {
            assertThat(again.get().tenant).isEqualTo("acme");
        }
        assertThat(provider.created).as("the second acme lease reuses acme's instance").hasValue(2);
        assertThat(events).containsExactly("opened acme", "opened globex");
    }

    @Test
    void aRequestWithoutATenantIsRefusedAndNoPoolIsMade() {
        pools(Map.of());
        assertThatThrownBy(() -> pools.acquire(Duration.ZERO, ResourceContext.GLOBAL))
                .isInstanceOf(TenantRequiredException.class)
                .hasMessageContaining("NEBULA-4001")
                .hasMessageContaining("'orders-db'")
                .hasMessageContaining("enter a tenant scope");
        assertThatThrownBy(() -> acquire("../etc"))
                .isInstanceOf(TenantRequiredException.class)
                .hasMessageContaining("'../etc'");
        assertThatThrownBy(() -> acquire("a b")).isInstanceOf(TenantRequiredException.class);
        assertThat(pools.size()).isZero();
        assertThat(provider.created).hasValue(0);
        assertThat(events).containsExactly("denied null TenantRequiredException", "denied ../etc TenantRequiredException",
                "denied a b TenantRequiredException");
    }

    @Test
    void aTenantOverItsConcurrentLeaseQuotaFailsAtOnceNamingTenantAndLimit() {
        pools(Map.of("acme", Map.of("tenant.quota.max-concurrent-leases", "3")),
                "tenant.quota.max-concurrent-leases", "2", "pool.max-size", "5");
        Lease<Conn> a1 = acquire("globex");
        Lease<Conn> a2 = acquire("globex");
        assertThatThrownBy(() -> pools.acquire(Duration.ofSeconds(30), in("globex")))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.tenant()).isEqualTo("globex");
                    assertThat(e.limit()).isEqualTo("tenant.quota.max-concurrent-leases");
                    assertThat(e.value()).isEqualTo(2);
                    assertThat(e.getMessage()).contains("NEBULA-4006", "Tenant 'globex'", "'orders-db'",
                            "nebula.tenant.globex.resource.orders-db.tenant.quota.max-concurrent-leases");
                });
        // the override gives acme three; globex's quota is its own
        try (Lease<Conn> b1 = acquire("acme"); Lease<Conn> b2 = acquire("acme"); Lease<Conn> b3 = acquire("acme")) {
            assertThatThrownBy(() -> acquire("acme")).isInstanceOf(QuotaExceededException.class);
        }
        a1.close();
        a1.close(); // closing twice gives the place back once
        try (Lease<Conn> again = acquire("globex")) {
            assertThat(pools.leasesOf("globex")).isEqualTo(2);
            assertThatThrownBy(() -> acquire("globex")).isInstanceOf(QuotaExceededException.class);
        }
        a2.invalidate();
        assertThat(pools.leasesOf("globex")).isZero();
    }

    @Test
    void aTenantWhoseQuotaLimitsSomethingIsAdmittedByItsPipelineAndOneWithoutHasNoAdmissionStage() {
        pools(Map.of("globex", Map.of("tenant.quota.max-concurrent-leases", "0")),
                "tenant.quota.max-concurrent-leases", "1", "tenant.max-pools", "4");
        acquire("acme").close();
        acquire("globex").close();

        assertThat(stagesOf("acme")).first().isEqualTo("tenant admission");
        assertThat(stagesOf("globex")).as("its override lifts the quota: nothing to admit").doesNotContain("tenant admission")
                .first().isEqualTo("metering");
        try (Lease<Conn> one = acquire("globex"); Lease<Conn> two = acquire("globex")) {
            assertThat(pools.leasesOf("globex")).isEqualTo(2);
        }
    }

    private List<String> stagesOf(String tenant) {
        return ((WovenPool<?>) pools.pool(tenant).orElseThrow()).stages();
    }

    @Test
    void aFailedAcquisitionGivesItsPlaceInTheQuotaBack() {
        pools(Map.of(), "tenant.quota.max-concurrent-leases", "2", "pool.max-size", "1");
        try (Lease<Conn> held = acquire("acme")) {
            assertThatThrownBy(() -> acquire("acme")).as("the pool is exhausted, not the quota")
                    .isNotInstanceOf(QuotaExceededException.class).isInstanceOf(ResourceException.class);
            assertThat(pools.leasesOf("acme")).isEqualTo(1);
        }
    }

    @Test
    void aTenantOverItsAcquisitionRateFailsAtOnceAndIsServedAgainAsTokensComeBack() {
        pools(Map.of(), "tenant.quota.max-acquisitions-per-second", "4");
        for (int i = 0; i < 4; i++) {
            acquire("acme").close();
        }
        assertThatThrownBy(() -> acquire("acme")).isInstanceOfSatisfying(QuotaExceededException.class, e -> {
            assertThat(e.limit()).isEqualTo("tenant.quota.max-acquisitions-per-second");
            assertThat(e.value()).isEqualTo(4);
            assertThat(e.getMessage()).contains("NEBULA-4007", "'acme'");
        });
        assertThat(pools.leasesOf("acme")).as("a refused acquisition holds no place").isZero();
        acquire("globex").close(); // another tenant's bucket is its own

        ticker.advance(Duration.ofMillis(250));
        acquire("acme").close();
        assertThatThrownBy(() -> acquire("acme")).isInstanceOf(QuotaExceededException.class);
        ticker.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 4; i++) {
            acquire("acme").close();
        }
        assertThatThrownBy(() -> acquire("acme")).isInstanceOf(QuotaExceededException.class);
    }

    @Test
    void atTheCapOnPoolsTheLeastRecentlyUsedIdlePoolIsClosedFirst() {
        pools(Map.of(), "tenant.max-pools", "2");
        Conn a = useOnce("a");
        ticker.advance(Duration.ofSeconds(1));
        Conn b = useOnce("b");
        ticker.advance(Duration.ofSeconds(1));
        useOnce("a"); // a is now the more recently used

        Conn c = useOnce("c");
        assertThat(pools.tenants()).containsExactlyInAnyOrder("a", "c");
        assertThat(b.destroyed).as("b's pool was drained").isTrue();
        assertThat(a.destroyed).isFalse();
        assertThat(c.tenant).isEqualTo("c");
        assertThat(events).contains("closed b lru");
    }

    @Test
    void atTheCapOnPoolsWithEveryPoolBusyANewTenantIsRefusedAtOnce() {
        pools(Map.of(), "tenant.max-pools", "2");
        try (Lease<Conn> a = acquire("a"); Lease<Conn> b = acquire("b")) {
            assertThatThrownBy(() -> pools.acquire(Duration.ofSeconds(30), in("c")))
                    .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                        assertThat(e.tenant()).isEqualTo("c");
                        assertThat(e.limit()).isEqualTo("tenant.max-pools");
                        assertThat(e.getMessage()).contains("NEBULA-4004", "nebula.resource.orders-db.tenant.max-pools");
                    });
            assertThat(a.get().destroyed).isFalse();
            assertThat(b.get().destroyed).isFalse();
        }
        useOnce("c");
        assertThat(pools.size()).isEqualTo(2);
    }

    @Test
    void theGlobalCapOnInstancesIsKeptByEachPoolReservingItsMaximum() {
        pools(Map.of("big", Map.of("pool.max-size", "4")), "tenant.max-instances", "5", "pool.max-size", "2");
        try (Lease<Conn> a = acquire("a"); Lease<Conn> b = acquire("b")) {
            assertThat(pools.reservedInstances()).isEqualTo(4);
            assertThatThrownBy(() -> acquire("c")).isInstanceOfSatisfying(QuotaExceededException.class,
                    e -> assertThat(e.limit()).isEqualTo("tenant.max-instances"));
        }
        useOnce("big"); // needs 4 of 5: both idle pools go
        assertThat(pools.tenants()).containsExactly("big");
        assertThat(pools.reservedInstances()).isEqualTo(4);

        pools.close();
        pools(Map.of("huge", Map.of("pool.max-size", "6")), "tenant.max-instances", "5", "pool.max-size", "2");
        assertThatThrownBy(() -> acquire("huge")).isInstanceOfSatisfying(QuotaExceededException.class,
                e -> assertThat(e.getMessage()).contains("NEBULA-4009", "pool.max-size (6)"));
    }

    @Test
    void aPoolIdleForTheIdleTimeoutIsClosedAndOneInUseIsNot() {
        pools(Map.of(), "tenant.idle-timeout", "5m");
        Conn idle = useOnce("idle");
        Lease<Conn> busy = acquire("busy");
        ticker.advance(Duration.ofMinutes(4));
        assertThat(pools.closeIdle()).isZero();
        ticker.advance(Duration.ofMinutes(2));
        assertThat(pools.closeIdle()).isEqualTo(1);
        assertThat(idle.destroyed).isTrue();
        assertThat(pools.tenants()).containsExactly("busy");
        assertThat(events).contains("closed idle idle");

        busy.close();
        ticker.advance(Duration.ofMinutes(6));
        assertThat(pools.closeIdle()).isEqualTo(1);
        assertThat(busy.isOpen()).isFalse();
        assertThat(provider.live).isEmpty();
        assertThat(provider.shutdowns).as("each closed pool shut its provider state down").hasValue(2);

        Conn back = useOnce("idle");
        assertThat(back).as("a tenant coming back gets a new pool").isNotSameAs(idle);
    }

    @Test
    void closingDrainsEveryTenantPoolAndRefusesLaterRequests() {
        pools(Map.of());
        useOnce("a");
        useOnce("b");
        pools.close();
        assertThat(provider.live).isEmpty();
        assertThat(events).contains("closed a shutdown", "closed b shutdown");
        assertThatThrownBy(() -> acquire("a")).isInstanceOf(ResourceClosedException.class);
        pools.close(); // idempotent
    }

    @Test
    void aTenantWhoseSettingsAreWrongGetsAnErrorNamingTheKey() {
        pools(Map.of("broken", Map.of("tenant.quota.max-concurrent-leases", "many")));
        assertThatThrownBy(() -> acquire("broken")).hasMessageContaining("nebula.resource.orders-db.tenant.quota.max-concurrent-leases");
        useOnce("fine");
    }

    private Conn useOnce(String tenant) {
        try (Lease<Conn> lease = acquire(tenant)) {
            return lease.get();
        }
    }
}
