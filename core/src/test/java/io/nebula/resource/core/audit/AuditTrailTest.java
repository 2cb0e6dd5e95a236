package io.nebula.resource.core.audit;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.TenantRequiredException;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.audit.AuditRecord.Outcome;
import io.nebula.resource.core.ResourcePool;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.core.tenant.TenantPools;
import io.nebula.resource.core.tenant.TenantTemplate;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditTrailTest {

    static final String SECRET = "Sup3r-S3cret";

    final List<AuditRecord> records = new CopyOnWriteArrayList<>();
    final AuditTrail audit = new AuditTrail("orders-db", records::add, () -> "alice",
            Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC));

    /** Instances are strings; creation fails with a message quoting the secret, as a careless driver might. */
    static final class Strings implements ResourceProvider<String> {
        volatile boolean failing;

        @Override
        public String kind() {
            return "strings";
        }

        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public String create(ResourceSettings settings) throws IOException {
            if (failing) {
                throw new IOException("login refused for password " + SECRET);
            }
            return "instance of " + settings.string("tenant").orElse("-");
        }

        @Override
        public HealthStatus check(String instance, CheckDepth depth) {
            return HealthStatus.up();
        }

        @Override
        public void destroy(String instance) {
        }
    }

    @Test
    void everyAcquisitionReleaseAndDenialIsRecordedWithWhoWhatWhenAndOutcome() {
        Strings provider = new Strings();
        TenantPools<String> pools = TenantPools.builder(new TenantTemplate(ResourceSettings.of("orders-db", "strings",
                                Map.of("url", "x://{tenant}", "password", SECRET, "pool.max-size", "1", "pool.drain-grace", "0",
                                        "tenant.quota.max-concurrent-leases", "1")), t -> Map.of()),
                        (s, quota) -> WovenPool.builder(provider, s).listener(audit).creator(Runnable::run)
                                .admission(quota).build())
                .listener(audit)
                .build();
        ResourceContext acme = new ResourceContext("acme", "billing", "run-42", "charge");
        try (Lease<String> lease = pools.acquire(Duration.ZERO, acme)) {
            assertThatThrownBy(() -> pools.acquire(Duration.ZERO, acme)).isInstanceOf(QuotaExceededException.class);
        }
        assertThatThrownBy(() -> pools.acquire(Duration.ZERO, ResourceContext.GLOBAL)).isInstanceOf(TenantRequiredException.class);
        provider.failing = true;
        assertThatThrownBy(() -> pools.acquire(Duration.ZERO, new ResourceContext("globex", null, null, null)))
                .isInstanceOf(AcquisitionTimeoutException.class);
        audit.onAcquireFailure("orders-db", acme, new CircuitOpenException("orders-db", null, null), 0);
        pools.close();

        assertThat(records).extracting(AuditRecord::kind).containsExactly(AuditKind.ACQUISITION, AuditKind.QUOTA_DENIAL,
                AuditKind.RELEASE, AuditKind.ISOLATION_DENIAL, AuditKind.ACQUISITION, AuditKind.CIRCUIT_DENIAL);
        assertThat(records).extracting(AuditRecord::outcome).containsExactly(Outcome.SUCCESS, Outcome.DENIED,
                Outcome.SUCCESS, Outcome.DENIED, Outcome.FAILURE, Outcome.DENIED);
        AuditRecord granted = records.get(0);
        assertThat(granted.context()).isEqualTo(acme);
        assertThat(granted.principal()).isEqualTo("alice");
        assertThat(granted.resource()).isEqualTo("orders-db");
        assertThat(granted.at()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
        assertThat(granted.toLogLine()).isEqualTo("kind=ACQUISITION outcome=SUCCESS resource=orders-db tenant=acme "
                + "workflow=billing execution=run-42 action=charge principal=alice elapsed=" + granted.elapsed()
                + " at=2026-01-01T10:00:00Z");
        assertThat(records.get(1).detail()).isEqualTo("tenant.quota.max-concurrent-leases=1");
        assertThat(records.get(4).detail()).contains("BACKEND_UNAVAILABLE", "java.io.IOException");
        assertThat(records).allSatisfy(r -> assertThat(r.toLogLine() + r + r.detail()).doesNotContain(SECRET));
    }

    @Test
    void aSinkThatThrowsNeverChangesTheOutcome() {
        AuditTrail throwing = new AuditTrail("orders-db", r -> {
            throw new IllegalStateException("sink down");
        }, () -> {
            throw new IllegalStateException("no security context");
        }, Clock.systemUTC());
        ResourcePool<String> pool = ResourcePool.builder(new Strings(), ResourceSettings.of("orders-db", "strings", Map.of()))
                .listener(throwing).creator(Runnable::run).build();
        try (Lease<String> lease = pool.acquire()) {
            assertThat(lease.get()).isEqualTo("instance of -");
        } finally {
            pool.drain(Duration.ZERO);
        }
    }
}
