package io.nebula.resource.core.tenant;

import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantTemplateTest {

    final ResourceSettings template = ResourceSettings.of("orders-db", "postgresql", Map.of(
            "url", "jdbc:postgresql://db/{tenant}_orders",
            "schema", "t_${tenant}",
            "username", "app_{tenant}",
            "password", "p{tenant}w",
            "pool.max-size", "4"));

    @Test
    void theTenantReplacesThePlaceholderInEveryKeyButSecrets() {
        TenantTemplate t = new TenantTemplate(template, tenant -> Map.of());
        ResourceSettings acme = t.settingsFor("acme");
        assertThat(acme.string("url")).contains("jdbc:postgresql://db/acme_orders");
        assertThat(acme.string("schema")).contains("t_acme");
        assertThat(acme.string("username")).contains("app_acme");
        assertThat(acme.secret("password").orElseThrow().reveal()).as("a secret is used as written").isEqualTo("p{tenant}w");
        assertThat(acme.string("tenant")).contains("acme");
        assertThat(acme.name()).isEqualTo("orders-db");
        assertThat(acme.kind()).isEqualTo("postgresql");
        assertThat(t.namesTheTenant()).isTrue();
    }

    @Test
    void aTenantsOverridesApplyBeforeThePlaceholderIsReplaced() {
        TenantTemplate t = new TenantTemplate(template, tenant -> tenant.equals("big")
                ? Map.of("pool.max-size", "20", "url", "jdbc:postgresql://big-db/{tenant}") : Map.of());
        assertThat(t.settingsFor("big").string("url")).contains("jdbc:postgresql://big-db/big");
        assertThat(t.settingsFor("big").intValue("pool.max-size", 0)).isEqualTo(20);
        assertThat(t.settingsFor("small").intValue("pool.max-size", 0)).isEqualTo(4);
    }

    @Test
    void onlyIdsThatAreSafeInUrlsAndPathsNameATenant() {
        assertThat(TenantTemplate.isValidTenantId("acme-42_eu")).isTrue();
        assertThat(TenantTemplate.isValidTenantId("..")).isFalse();
        assertThat(TenantTemplate.isValidTenantId("a/b")).isFalse();
        assertThat(TenantTemplate.isValidTenantId("a;drop")).isFalse();
        assertThat(TenantTemplate.isValidTenantId("-x")).isFalse();
        assertThat(TenantTemplate.isValidTenantId("x".repeat(64))).isFalse();
        assertThat(TenantTemplate.isValidTenantId("")).isFalse();
        assertThat(TenantTemplate.isValidTenantId(null)).isFalse();
        TenantTemplate t = new TenantTemplate(template, tenant -> Map.of());
        assertThatThrownBy(() -> t.settingsFor("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTemplateWithoutThePlaceholderIsToldApart() {
        assertThat(new TenantTemplate(ResourceSettings.of("x", "fake", Map.of("url", "fake://one", "password", "{tenant}")),
                t -> Map.of()).namesTheTenant()).isFalse();
    }

    @Test
    void limitsAreReadStrictlyWithEveryProblemReportedAtOnce() {
        TenantLimits limits = TenantLimits.from(ResourceSettings.of("orders-db", "fake", Map.of(
                "tenant.max-pools", "50", "tenant.max-instances", "200", "tenant.idle-timeout", "90s",
                "tenant.quota.max-concurrent-leases", "5", "tenant.quota.max-acquisitions-per-second", "100")));
        assertThat(limits.maxPools()).isEqualTo(50);
        assertThat(limits.maxInstances()).isEqualTo(200);
        assertThat(limits.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(limits.quota()).isEqualTo(new TenantQuota(5, 100));
        assertThat(TenantLimits.none().quota()).isEqualTo(TenantQuota.NONE);

        assertThatThrownBy(() -> TenantLimits.from(ResourceSettings.of("orders-db", "fake", Map.of(
                "tenant.max-pools", "-1", "tenant.max-instances", "lots", "tenant.idle-timeout", "soon",
                "tenant.quota.max-concurrent-leases", "-2", "tenant.max-tenants", "3"))))
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.key()).containsExactlyInAnyOrder(
                                "nebula.resource.orders-db.tenant.max-pools",
                                "nebula.resource.orders-db.tenant.max-instances",
                                "nebula.resource.orders-db.tenant.idle-timeout",
                                "nebula.resource.orders-db.tenant.quota.max-concurrent-leases",
                                "nebula.resource.orders-db.tenant.max-tenants"));
    }

    @Test
    void theRateBucketAllowsABurstThenTheSustainedRate() {
        long second = 1_000_000_000L;
        AcquisitionRate rate = new AcquisitionRate(10, 0);
        int taken = 0;
        while (rate.tryTake(0)) {
            taken++;
        }
        assertThat(taken).isEqualTo(10);
        assertThat(rate.isFull(0)).isFalse();
        assertThat(rate.tryTake(second / 10)).isTrue();
        assertThat(rate.tryTake(second / 10)).isFalse();
        assertThat(rate.isFull(2 * second)).isTrue();
    }
}
