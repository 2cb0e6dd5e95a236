package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.core.Admission;
import io.nebula.resource.core.audit.AuditGate;
import io.nebula.resource.core.audit.AuditTrail;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.Ticker;
import io.nebula.resource.core.telemetry.Outcome;
import io.nebula.resource.core.telemetry.PoolTelemetry;
import io.nebula.resource.core.telemetry.PoolView;
import io.nebula.resource.core.telemetry.Telemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The woven pool a plain Java user builds: no container, the same pipeline the CDI extension makes. */
class WovenPoolTest {

    private final Backend backend = new Backend();
    private final List<WovenPool<?>> pools = new ArrayList<>();

    private WovenPool<Backend.Session> pool(Map<String, String> keys) {
        WovenPool<Backend.Session> pool = WovenPool.builder(backend, ResourceSettings.of("ledger", "fake", keys)).build();
        pools.add(pool);
        pool.start();
        return pool;
    }

    @AfterEach
    void close() {
        pools.forEach(WovenPool::close);
    }

    @Test
    void theDefaultsAssembleMeteringDeadlineQuarantineBreakerAndRetryAndNothingElse() {
        WovenPool<Backend.Session> pool = pool(Map.of());

        assertThat(pool.stages()).containsExactly("metering", "deadline", "quarantine", "circuit breaker", "retry");
    }

    @Test
    void aStageThatIsSwitchedOffIsNotInThePipeline() {
        WovenPool<Backend.Session> pool = pool(Map.of("retry.max-retries", "0", "circuit-breaker.enabled", "false",
                "health.quarantine-after", "0"));

        assertThat(pool.stages()).containsExactly("metering", "deadline");
    }

    @Test
    void auditJoinsThePipelineWhenOnAndRecordsAFailedAcquisitionOnceAfterItsRetries() {
        List<AuditRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        AuditTrail trail = new AuditTrail("ledger", records::add, () -> null, java.time.Clock.systemUTC());
        AuditGate gate = new AuditGate(trail, new AuditGate.Demand() {
            @Override
            public boolean wantsLeases() {
                return false;
            }

            @Override
            public boolean wantsNotable() {
                return true;
            }
        });
        WovenPool<Backend.Session> pool = WovenPool.builder(backend, ResourceSettings.of("ledger", "fake", Map.of(
                "retry.max-retries", "1", "retry.delay", "1ms", "retry.max-delay", "1ms", "retry.jitter", "0",
                "pool.acquire-timeout", "50ms"))).creator(Runnable::run).audit(gate).build();
        pools.add(pool);
        pool.start();

        assertThat(pool.stages()).containsExactly("audit", "metering", "deadline", "quarantine", "circuit breaker", "retry");
        pool.acquire(null, ResourceContext.GLOBAL).close();
        assertThat(records).as("a lease granted is the pool's to report, and this gate wants none").isEmpty();
        backend.down = true;
        pool.acquire(null, ResourceContext.GLOBAL).close(); // the idle instance: a hit, no backend asked
        assertThatThrownBy(() -> {
            try (Lease<Backend.Session> held = pool.acquire(null, ResourceContext.GLOBAL);
                 Lease<Backend.Session> more = pool.acquire(null, ResourceContext.GLOBAL)) {
                held.get();
            }
        }).isInstanceOf(AcquisitionTimeoutException.class);

        assertThat(records).as("one record for the caller, not one per attempt").singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(AuditKind.ACQUISITION);
            assertThat(r.outcome()).isEqualTo(AuditRecord.Outcome.FAILURE);
            assertThat(r.detail()).contains("reason=BACKEND_UNAVAILABLE");
        });
    }

    @Test
    void aTenantsQuotaIsTheOutermostStageAndARefusalIsNeitherMeteredNorAudited() {
        List<String> admitted = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean full = new java.util.concurrent.atomic.AtomicBoolean();
        Admission quota = new Admission() {
            @Override
            public void enter(ResourceContext ctx) {
                if (full.get()) {
                    throw new QuotaExceededException("ledger", ctx.tenant(), "tenant.quota.max-concurrent-leases", 1,
                            "over");
                }
                admitted.add("enter " + ctx.tenant());
            }

            @Override
            public void leave() {
                admitted.add("leave");
            }
        };
        List<AuditRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        AuditGate gate = new AuditGate(new AuditTrail("ledger", records::add, () -> null, java.time.Clock.systemUTC()),
                new AuditGate.Demand() {
                    @Override
                    public boolean wantsLeases() {
                        return false;
                    }

                    @Override
                    public boolean wantsNotable() {
                        return true;
                    }
                });
        WovenPool<Backend.Session> pool = WovenPool.builder(backend, ResourceSettings.of("ledger", "fake",
                Map.of("pool.max-size", "1", "retry.max-retries", "0"))).creator(Runnable::run).tenant("acme").audit(gate)
                .admission(quota).build();
        pools.add(pool);
        pool.start();
        ResourceContext acme = new ResourceContext("acme", "billing", "run-1", "charge");

        assertThat(pool.stages()).containsExactly("tenant admission", "audit", "metering", "deadline", "quarantine", "circuit breaker");
        try (Lease<Backend.Session> held = pool.acquire(Duration.ofSeconds(5), acme)) {
            assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(10), acme)).as("the pool is exhausted")
                    .isInstanceOf(AcquisitionTimeoutException.class);
        }
        assertThat(admitted).as("the exhausted acquisition gave its place back").containsExactly("enter acme", "enter acme", "leave");
        assertThat(records).hasSize(1);
        full.set(true);
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(5), acme)).isInstanceOf(QuotaExceededException.class);

        assertThat(admitted).as("a refusal holds no place").hasSize(3);
        assertThat(pool.counts().count(Outcome.QUOTA)).as("nor is it metered").isZero();
        assertThat(pool.counts().count(Outcome.SUCCESS) + pool.counts().count(Outcome.EXHAUSTED)).isEqualTo(2);
        assertThat(records).as("nor audited as a failed acquisition: the tenant pools report it").hasSize(1);
    }

    @Test
    void tracingJoinsThePipelineWhenABackendTracesAndLeavesWhenItGoes() {
        WovenPool<Backend.Session> pool = pool(Map.of());
        Telemetry tracing = view -> new PoolTelemetry() {
            @Override
            public boolean traces() {
                return true;
            }
        };

        pool.use(tracing);
        assertThat(pool.stages()).first().isEqualTo("tracing");
        pool.use(Telemetry.NONE);
        assertThat(pool.stages()).doesNotContain("tracing");
    }

    @Test
    void everyAcquisitionIsCountedByOutcome() {
        WovenPool<Backend.Session> pool = pool(Map.of("pool.max-size", "1"));

        // the metering stage starts each acquisition on this clock, after this read, and ends it before took is read
        long start = Ticker.coarse().nanoTime();
        for (int i = 0; i < 3; i++) {
            pool.acquire(Duration.ofMillis(50), ResourceContext.GLOBAL).close();
        }
        try (Lease<Backend.Session> held = pool.acquire(Duration.ofMillis(50), ResourceContext.GLOBAL)) {
            assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(20), ResourceContext.GLOBAL))
                    .isInstanceOf(AcquisitionTimeoutException.class);
        }
        long took = System.nanoTime() - start;

        assertThat(pool.counts().count(Outcome.SUCCESS)).isEqualTo(4);
        assertThat(pool.counts().count(Outcome.EXHAUSTED)).isEqualTo(1);
        RecentAcquisitions recent = RecentAcquisitions.of(List.of(pool)).orElseThrow();
        assertThat(recent.acquisitions()).isEqualTo(5);
        assertThat(recent.errorRate()).isEqualTo(0.2);
        assertThat(recent.p99()).as("the one that waited 20 ms for the held instance, at most as long as all five took")
                .isBetween(Duration.ofMillis(32), AcquisitionMeter.upperBound(AcquisitionMeter.bucketOf(took)));
    }

    @Test
    void anAcquisitionForAnotherTenantIsCountedAsThatTenants() {
        WovenPool<Backend.Session> pool = pool(Map.of());

        pool.acquire(null, new ResourceContext("acme", "billing", "run-1", "charge")).close();
        pool.acquire(null, ResourceContext.GLOBAL).close();

        Map<String, Long> byTenant = new java.util.HashMap<>();
        pool.counts().forEachTenant((tenant, counts) -> byTenant.put(tenant, counts.count(Outcome.SUCCESS)));
        assertThat(byTenant).containsExactly(Map.entry("acme", 1L));
        assertThat(pool.counts().count(Outcome.SUCCESS)).as("outside any tenant").isEqualTo(1);
    }

    @Test
    void aBackendThatStaysDownIsRetriedThenOpensTheCircuitWithTheDriversErrorAsCause() {
        backend.down = true;
        WovenPool<Backend.Session> pool = pool(Map.of("retry.max-retries", "1", "retry.delay", "1ms",
                "retry.max-delay", "1ms", "retry.jitter", "0", "circuit-breaker.request-volume-threshold", "2",
                "circuit-breaker.failure-ratio", "1", "pool.acquire-timeout", "5s"));

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> pool.acquire()).isInstanceOfSatisfying(AcquisitionTimeoutException.class, e ->
                    assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.BACKEND_UNAVAILABLE));
        }
        assertThatThrownBy(() -> pool.acquire()).isInstanceOf(CircuitOpenException.class)
                .rootCause().isInstanceOf(ConnectException.class);
        assertThat(pool.circuit()).hasValueSatisfying(c -> assertThat(c.describe()).isEqualTo("open"));
        assertThat(pool.counts().count(Outcome.CIRCUIT_OPEN)).isEqualTo(1);
        assertThat(pool.counts().count(Outcome.UNAVAILABLE)).isEqualTo(2);
    }

    @Test
    void anOpenCircuitHalfOpensAsSoonAsTheBackendAnswersItsProber() {
        backend.down = true;
        WovenPool<Backend.Session> pool = pool(Map.of("retry.max-retries", "0",
                "circuit-breaker.request-volume-threshold", "1", "circuit-breaker.failure-ratio", "1",
                "circuit-breaker.delay", "1m", "pool.backoff-initial", "10ms", "pool.backoff-max", "10ms"));
        assertThatThrownBy(() -> pool.acquire()).isInstanceOf(AcquisitionTimeoutException.class);
        assertThat(pool.circuit()).hasValueSatisfying(c -> assertThat(c.describe()).isEqualTo("open"));

        backend.down = false;
        // the circuit would stay open for its minute; the prober asks the backend every second
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.circuit().orElseThrow().describe().equals("half-open"));
        try (Lease<Backend.Session> l = pool.acquire()) {
            assertThat(l.get()).isNotNull();
        }
        assertThat(pool.circuit()).hasValueSatisfying(c -> assertThat(c.describe()).isEqualTo("closed"));
    }

    @Test
    void aTimeoutWithoutAnAttemptGuardIsAConfigurationErrorNamingItsKey() {
        assertThatThrownBy(() -> WovenPool.builder(backend, ResourceSettings.of("ledger", "fake",
                Map.of("timeout", "1s"))).build())
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.ledger.timeout");
    }

    /** A guard that times every attempt out: what a timeout shorter than the backend does. */
    private static final class TimingOut implements AttemptGuard {
        @Override
        public <T> T call(Acquisition<T> attempt, Duration timeout, io.nebula.resource.ResourceContext ctx) {
            throw new IllegalStateException("timed out");
        }

        @Override
        public boolean timedOut(Throwable error) {
            return error.getMessage().equals("timed out");
        }
    }

    private static ResiliencePolicy policy(Map<String, String> keys) {
        return ResiliencePolicy.parse(ResourceSettings.of("ledger", "fake", keys), new io.nebula.resource.ConfigProblems())
                .orElseThrow();
    }

    @Test
    void aNewTimeoutGetsAnAttemptGuardOfItsOwnAndZeroTakesTheGuardAway() {
        List<Duration> asked = new ArrayList<>();
        WovenPool<Backend.Session> pool = WovenPool.builder(backend, ResourceSettings.of("ledger", "fake",
                Map.of("retry.max-retries", "0"))).attemptGuards((resource, policy) -> {
                    asked.add(policy.timeout());
                    return new TimingOut();
                }).build();
        pools.add(pool);
        pool.start();
        assertThat(pool.stages()).doesNotContain("attempt guard");

        pool.resilience(policy(Map.of("retry.max-retries", "0", "timeout", "50ms")));

        assertThat(asked).containsExactly(Duration.ofMillis(50));
        assertThat(pool.stages()).contains("attempt guard");
        assertThatThrownBy(() -> pool.acquire()).isInstanceOf(io.nebula.resource.AttemptTimeoutException.class)
                .hasMessageContaining("longer than 50 ms (nebula.resource.ledger.timeout)");

        pool.resilience(policy(Map.of("retry.max-retries", "0")));

        assertThat(pool.stages()).doesNotContain("attempt guard");
        try (Lease<Backend.Session> l = pool.acquire()) {
            assertThat(l.get()).isNotNull();
        }
    }

    @Test
    void theBulkheadIsCoresOwnInsideTheAttemptGuardAndComesAndGoesWithMaxConcurrent() {
        WovenPool<Backend.Session> pool = WovenPool.builder(backend, ResourceSettings.of("ledger", "fake",
                Map.of("retry.max-retries", "0", "bulkhead.max-concurrent", "2"))).build(); // no guard needed
        pools.add(pool);
        pool.start();
        assertThat(pool.stages()).contains("bulkhead").doesNotContain("attempt guard");

        pool.resilience(policy(Map.of("retry.max-retries", "0")));
        assertThat(pool.stages()).doesNotContain("bulkhead");

        pool.resilience(policy(Map.of("retry.max-retries", "0", "bulkhead.max-concurrent", "1")));
        assertThat(pool.stages()).contains("bulkhead");
        try (Lease<Backend.Session> l = pool.acquire()) {
            assertThat(l.get()).isNotNull();
        }
    }

    @Test
    void theTimeoutOfAPoolWithABulkheadChangesAndTheBulkheadStaysInsideTheGuard() {
        WovenPool<Backend.Session> pool = WovenPool.builder(backend, ResourceSettings.of("ledger", "fake",
                Map.of("retry.max-retries", "0", "bulkhead.max-concurrent", "2")))
                .attemptGuards((resource, policy) -> new TimingOut()).build();
        pools.add(pool);
        pool.start();

        pool.resilience(policy(Map.of("retry.max-retries", "2", "timeout", "1s", "bulkhead.max-concurrent", "2")));

        List<String> stages = pool.stages();
        assertThat(stages).contains("retry", "attempt guard", "bulkhead");
        assertThat(stages.indexOf("attempt guard")).as("a queued caller's wait counts against the timeout")
                .isLessThan(stages.indexOf("bulkhead"));
    }

    @Test
    void invalidKeysAreReportedAllAtOnce() {
        assertThatThrownBy(() -> WovenPool.builder(backend, ResourceSettings.of("ledger", "fake",
                Map.of("retry.max-retries", "-1", "health.depth", "sideways"))).build())
                .isInstanceOfSatisfying(ConfigurationInvalidException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.key()).contains("nebula.resource.ledger.retry.max-retries",
                                "nebula.resource.ledger.health.depth"));
    }

    @Test
    void telemetryHearsTheAcquisitionsThatWaitedOrFailedButNotThePoolHits() {
        List<String> heard = new ArrayList<>();
        Telemetry recording = (PoolView view) -> new PoolTelemetry() {
            @Override
            public void acquired(ResourceContext ctx, long nanos, Throwable error) {
                heard.add(Outcome.of(error).attribute());
            }
        };
        WovenPool<Backend.Session> pool = WovenPool.builder(backend, ResourceSettings.of("ledger", "fake",
                Map.of("pool.max-size", "1", "pool.min-size", "1", "pool.warmup", "eager"))).telemetry(recording).build();
        pools.add(pool);
        pool.start();

        for (int i = 0; i < 100; i++) {
            pool.acquire().close();
        }
        try (Lease<Backend.Session> held = pool.acquire()) {
            assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(5))).isInstanceOf(AcquisitionTimeoutException.class);
        }

        assertThat(heard).contains("exhausted").hasSizeLessThan(10); // the hits that straddled a clock tick, at most a few
        assertThat(pool.counts().count(Outcome.SUCCESS)).isEqualTo(101);
    }

    @Test
    void aLeaseWaitsForAFreeInstanceOnlyUntilItsContextsDeadline() {
        WovenPool<Backend.Session> pool = pool(Map.of("pool.max-size", "1", "pool.acquire-timeout", "60s"));
        ResourceContext within = new ResourceContext("acme", null, null, null)
                .withDeadline(io.nebula.resource.Deadline.after(Duration.ofMillis(200)));

        long start = System.nanoTime();
        try (Lease<Backend.Session> held = pool.acquire()) {
            assertThatThrownBy(() -> pool.acquire(null, within))
                    .isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> {
                        assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.DEADLINE_EXCEEDED);
                        assertThat(e.getMessage()).contains("ms of 200 ms left");
                        assertThat(e.getCause()).hasMessageContaining("pool exhausted");
                    });
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not pool.acquire-timeout").isLessThan(Duration.ofSeconds(30));
    }
}
