package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.core.audit.AuditGate;
import io.nebula.resource.core.audit.AuditTrail;
import io.nebula.resource.core.telemetry.Outcome;
import io.nebula.resource.core.telemetry.PoolTelemetry;
import io.nebula.resource.core.telemetry.Telemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A resource with a {@code fallback}: while it is down (backend unavailable, circuit open) the fallback serves its
 * acquisitions, and the lease, the telemetry and the audit say so; while it is only busy, nothing falls back.
 */
class FallbackTest {

    private final Backend primary = new Backend();
    private final Backend replica = new Backend();
    private final List<WovenPool<?>> pools = new ArrayList<>();
    private final List<String> fellBack = new CopyOnWriteArrayList<>();
    private final List<AuditRecord> records = new CopyOnWriteArrayList<>();
    private final AtomicInteger fallbackAsked = new AtomicInteger();
    private final WovenPool<Backend.Session> replicaPool = start(WovenPool.builder(replica,
            ResourceSettings.of("ledger-replica", "fake", Map.of("retry.max-retries", "0"))).creator(Runnable::run));

    /** The primary's pipeline reaches the replica's as the CDI extension's declared fallback does: by its leases. */
    private final Fallback toReplica = new Fallback() {
        @Override
        public String name() {
            return "ledger-replica";
        }

        @Override
        public Lease<?> lease(Duration timeout, ResourceContext ctx) {
            fallbackAsked.incrementAndGet();
            return replicaPool.acquire(timeout, ctx);
        }

        @Override
        public Object handOut(ResourceContext ctx) {
            throw new UnsupportedOperationException("a fake session hands out nothing");
        }
    };

    private WovenPool<Backend.Session> ledger(Map<String, String> keys) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("retry.max-retries", "0", "pool.acquire-timeout", "50ms",
                "circuit-breaker.request-volume-threshold", "1", "circuit-breaker.failure-ratio", "1",
                "circuit-breaker.delay", "1m"));
        all.putAll(keys);
        AuditTrail trail = new AuditTrail("ledger", records::add, () -> null, java.time.Clock.systemUTC());
        AuditGate audit = new AuditGate(trail, new AuditGate.Demand() {
            @Override
            public boolean wantsLeases() {
                return false;
            }

            @Override
            public boolean wantsNotable() {
                return true;
            }
        });
        Telemetry recording = view -> new PoolTelemetry() {
            @Override
            public void fellBack(ResourceContext ctx, String fallback, Throwable error) {
                fellBack.add(view.resource() + " -> " + fallback + " after " + error.getClass().getSimpleName());
            }
        };
        return start(WovenPool.builder(primary, ResourceSettings.of("ledger", "fake", all)).creator(Runnable::run)
                .audit(audit).telemetry(recording).fallback(toReplica));
    }

    private WovenPool<Backend.Session> start(WovenPoolBuilder<Backend.Session> builder) {
        WovenPool<Backend.Session> pool = builder.build();
        pools.add(pool);
        pool.start();
        return pool;
    }

    @AfterEach
    void close() {
        pools.forEach(WovenPool::close);
    }

    @Test
    void theFallbackStageSitsOutsideMeteringAndTheBreakerSoTheResourcesOwnFailureIsCountedFirst() {
        assertThat(ledger(Map.of()).stages()).containsExactly("audit", "fallback", "metering", "deadline",
                "quarantine", "circuit breaker");
        assertThat(replicaPool.stages()).as("a pool without a fallback has no such stage").doesNotContain("fallback");
    }

    @Test
    void whileTheResourceIsUpItServesItsOwnLeases() {
        WovenPool<Backend.Session> ledger = ledger(Map.of());

        try (Lease<Backend.Session> lease = ledger.acquire(null, ResourceContext.GLOBAL)) {
            assertThat(lease.resource()).isEqualTo("ledger");
            assertThat(lease.requested()).isEqualTo("ledger");
            assertThat(lease.servedByFallback()).isFalse();
        }
        assertThat(fallbackAsked).hasValue(0);
        assertThat(fellBack).isEmpty();
    }

    @Test
    void aBackendDownAndThenAnOpenCircuitAreServedByTheFallbackAndTheLeaseTelemetryAndAuditSaySo() {
        WovenPool<Backend.Session> ledger = ledger(Map.of());
        primary.down = true;

        try (Lease<Backend.Session> lease = ledger.acquire(null, ResourceContext.GLOBAL)) {
            assertThat(lease.resource()).as("where it came from").isEqualTo("ledger-replica");
            assertThat(lease.requested()).isEqualTo("ledger");
            assertThat(lease.servedByFallback()).isTrue();
            assertThat(lease.get()).isNotNull();
            assertThat(replicaPool.snapshot().active()).as("the replica's instance, leased from its pool").isEqualTo(1);
        }
        assertThat(replicaPool.snapshot().active()).as("and given back there").isZero();
        assertThat(ledger.circuit()).hasValueSatisfying(c -> assertThat(c.describe()).isEqualTo("open"));

        try (Lease<Backend.Session> lease = ledger.acquire(null, ResourceContext.GLOBAL)) {
            assertThat(lease.servedByFallback()).as("with the circuit open too").isTrue();
        }

        assertThat(ledger.counts().count(Outcome.UNAVAILABLE)).as("the resource's own failures are counted")
                .isEqualTo(1);
        assertThat(ledger.counts().count(Outcome.CIRCUIT_OPEN)).isEqualTo(1);
        assertThat(fellBack).containsExactly("ledger -> ledger-replica after AcquisitionTimeoutException",
                "ledger -> ledger-replica after CircuitOpenException");
        assertThat(records).as("a fallback each, and no failure: the caller was served").hasSize(2)
                .allSatisfy(r -> {
                    assertThat(r.kind()).isEqualTo(AuditKind.FALLBACK);
                    assertThat(r.outcome()).isEqualTo(AuditRecord.Outcome.SUCCESS);
                    assertThat(r.resource()).isEqualTo("ledger");
                    assertThat(r.detail()).startsWith("fallback=ledger-replica after ");
                });
    }

    @Test
    void anExhaustedPoolDoesNotFallBack() {
        WovenPool<Backend.Session> ledger = ledger(Map.of("pool.max-size", "1"));

        try (Lease<Backend.Session> held = ledger.acquire(null, ResourceContext.GLOBAL)) {
            assertThatThrownBy(() -> ledger.acquire(Duration.ofMillis(20), ResourceContext.GLOBAL))
                    .isInstanceOfSatisfying(AcquisitionTimeoutException.class, e ->
                            assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.POOL_EXHAUSTED));
        }
        assertThat(fallbackAsked).as("a busy pool says nothing about its backend").hasValue(0);
        assertThat(fellBack).isEmpty();
    }

    @Test
    void whenTheFallbackFailsTooTheCallerGetsTheResourcesOwnErrorWithTheFallbacksSuppressed() {
        WovenPool<Backend.Session> ledger = ledger(Map.of());
        primary.down = true;
        replica.down = true;

        assertThatThrownBy(() -> ledger.acquire(null, ResourceContext.GLOBAL))
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> {
                    assertThat(e.resource()).isEqualTo("ledger");
                    assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE);
                    assertThat(e.getSuppressed()).singleElement().isInstanceOfSatisfying(
                            AcquisitionTimeoutException.class, f -> assertThat(f.resource()).isEqualTo("ledger-replica"));
                });
        assertThat(fellBack).isEmpty();
        assertThat(records).singleElement().satisfies(r -> assertThat(r.kind()).isEqualTo(AuditKind.ACQUISITION));
    }

    @Test
    void aLeaseOfTheResourcesOwnInstanceNeverFallsBack() {
        WovenPool<Backend.Session> ledger = ledger(Map.of());
        primary.down = true;

        assertThatThrownBy(() -> ledger.acquireOwn(null, ResourceContext.GLOBAL))
                .isInstanceOf(AcquisitionTimeoutException.class);
        assertThatThrownBy(() -> ledger.acquireOwn(null, ResourceContext.GLOBAL))
                .as("the circuit it opened").isInstanceOf(CircuitOpenException.class);
        assertThat(fallbackAsked).hasValue(0);
    }
}
