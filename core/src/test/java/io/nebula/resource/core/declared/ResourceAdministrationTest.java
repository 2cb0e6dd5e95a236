package io.nebula.resource.core.declared;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.admin.AdminAction;
import io.nebula.resource.admin.AdminChange;
import io.nebula.resource.admin.ResourceAdmin;
import io.nebula.resource.admin.ResourcePausedException;
import io.nebula.resource.audit.AuditKind;
import io.nebula.resource.audit.AuditRecord;
import io.nebula.resource.core.DependencyGraph;
import io.nebula.resource.core.audit.AuditSink;
import io.nebula.resource.core.credential.CredentialedProvider;
import io.nebula.resource.core.credential.DirectoryCredentialSource;
import io.nebula.resource.core.credential.SettingsCredentialSource;
import io.nebula.resource.core.pipeline.CircuitState;
import io.nebula.resource.core.pipeline.WovenPool;
import io.nebula.resource.event.ResourceAdminEvent;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The administration of running resources in plain Java (no container): each action changes the live pools without
 * dropping a lease, is refused as configuration would refuse it, and is audited and announced.
 */
class ResourceAdministrationTest {

    /** Kind {@code admin-test}: strings, made in memory; {@link #failing} makes every creation fail. */
    public static final class Fake implements ResourceProvider<String> {
        static final AtomicBoolean failing = new AtomicBoolean();
        /** While set, each creation counts itself in {@link #creating} and waits for it: an acquisition under way. */
        static volatile java.util.concurrent.CountDownLatch held;
        static final java.util.concurrent.atomic.AtomicInteger creating = new java.util.concurrent.atomic.AtomicInteger();
        /** The depth of every check asked of an instance, in order. */
        static final List<CheckDepth> checks = new CopyOnWriteArrayList<>();

        @Override
        public String kind() {
            return "admin-test";
        }

        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public String create(ResourceSettings settings) {
            if (failing.get()) {
                throw new IllegalStateException("backend down");
            }
            java.util.concurrent.CountDownLatch h = held;
            if (h != null) {
                creating.incrementAndGet();
                try {
                    h.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return settings.name() + "#" + System.identityHashCode(new Object());
        }

        @Override
        public HealthStatus check(String instance, CheckDepth depth) {
            checks.add(depth);
            return HealthStatus.up();
        }

        @Override
        public void destroy(String instance) {
        }
    }

    /** Kind {@code admin-timed}: as {@link Fake}, reading {@code timeout} itself (as Redis reads its command timeout). */
    public static final class Timed implements ResourceProvider<String> {
        @Override
        public String kind() {
            return "admin-timed";
        }

        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public List<io.nebula.resource.spi.ConfigKey> configKeys() {
            return List.of(io.nebula.resource.spi.ConfigKey.duration("timeout", Duration.ofSeconds(1), "A command timeout."));
        }

        @Override
        public String create(ResourceSettings settings) {
            return settings.name();
        }

        @Override
        public HealthStatus check(String instance, CheckDepth depth) {
            return HealthStatus.up();
        }

        @Override
        public void destroy(String instance) {
        }
    }

    private String kind = "admin-test"; // of resource db

    private static final ResourceContext ACME = new ResourceContext("acme", null, null, null);

    private final ProviderCatalog providers = ProviderCatalog.load();
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final List<AuditRecord> audit = new CopyOnWriteArrayList<>();
    private final List<Lease<?>> leases = new ArrayList<>();
    private ResourceRegistry<ResourceRegistry.Entry> registry;

    @AfterEach
    void close() {
        Fake.failing.set(false);
        Fake.checks.clear();
        Fake.creating.set(0);
        leases.forEach(Lease::close);
        if (registry != null) {
            registry.close();
        }
    }

    /** The timeouts each attempt guard was made for, in order. */
    private final List<Duration> guarded = new CopyOnWriteArrayList<>();

    /** An attempt guard that lets every attempt through. */
    private static final class PassingGuard implements io.nebula.resource.core.pipeline.AttemptGuard {
        @Override
        public <T> T call(io.nebula.resource.core.pipeline.Acquisition<T> attempt, Duration timeout,
                          ResourceContext ctx) throws Exception {
            return attempt.acquire(timeout, ctx);
        }

        @Override
        public boolean timedOut(Throwable error) {
            return false;
        }
    }

    /** Resource {@code db} of kind admin-test with {@code keys} ({@code key=value}). */
    private ResourceAdministration admin(String... keys) {
        return admin(List.of(), keys);
    }

    /** Resource {@code db} with {@code keys}, beside resources of kind admin-test named {@code others}, with no keys. */
    private ResourceAdministration admin(List<String> others, String... keys) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : keys) {
            int eq = line.indexOf('=');
            values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        ConfigProblems problems = new ConfigProblems();
        List<ResourceDeclaration> all = new ArrayList<>();
        Map<String, List<String>> dependencies = new LinkedHashMap<>();
        all.add(ResourceDeclaration.parse(ResourceSettings.of("db", kind, values), providers, problems)
                .orElseThrow());
        dependencies.put("db", List.of());
        for (String other : others) {
            all.add(ResourceDeclaration.parse(ResourceSettings.of(other, "admin-test", Map.of()), providers, problems)
                    .orElseThrow());
            dependencies.put(other, List.of());
        }
        problems.throwIfAny();
        DependencyGraph graph = ResourceDeclarations.graph(dependencies, problems);
        Tenancy tenancy = new Tenancy(new TenantOverrides(Map.of()),
                Map.of(SettingsCredentialSource.NAME, new SettingsCredentialSource(),
                        DirectoryCredentialSource.NAME, new DirectoryCredentialSource()),
                SettingsCredentialSource.NAME, new AuditSink(audit::add, () -> true), () -> null);
        Weaving weaving = new Weaving((resource, policy) -> {
            guarded.add(policy.timeout());
            return new PassingGuard();
        }, telemetry -> { });
        registry = new ResourceRegistry<>(providers, all, graph, tenancy, weaving, events::add,
                () -> ResourceContext.GLOBAL, pools -> () -> pools);
        return registry.admin();
    }

    private DeclaredPools<?> db() {
        return registry.resource("db").pools();
    }

    private WovenPool<?> pool() {
        return (WovenPool<?>) db().sharedPool();
    }

    private Lease<?> lease(Duration timeout) {
        Lease<?> lease = db().acquire(timeout, ResourceContext.GLOBAL);
        leases.add(lease);
        return lease;
    }

    private Lease<?> tenantLease() {
        Lease<?> lease = db().acquire(Duration.ofMillis(200), ACME);
        leases.add(lease);
        return lease;
    }

    private List<AdminChange> announced() {
        return events.stream().filter(ResourceAdminEvent.class::isInstance).map(e -> ((ResourceAdminEvent) e).change())
                .toList();
    }

    private List<AuditRecord> adminRecords() {
        return audit.stream().filter(r -> r.kind() == AuditKind.ADMIN).toList();
    }

    @Test
    void aResizeRaisesTheLivePoolsMaximumWithoutDroppingALeaseAndIsAuditedAndAnnounced() {
        ResourceAdmin admin = admin("pool.min-size=0", "pool.max-size=1").as("alice");
        Lease<?> first = lease(null);
        assertThatThrownBy(() -> lease(Duration.ofMillis(50))).isInstanceOf(AcquisitionTimeoutException.class);

        AdminChange change = admin.resize("db", 0, 2);

        Lease<?> second = lease(Duration.ofMillis(500));
        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isTrue();
        assertThat(pool().snapshot().maxSize()).isEqualTo(2);
        assertThat(db().pool().maxSize()).isEqualTo(2);
        assertThat(change.action()).isEqualTo(AdminAction.RESIZE);
        assertThat(change.principal()).isEqualTo("alice");
        assertThat(change.before()).containsEntry("pool.max-size", "1").containsEntry("pool.min-size", "0");
        assertThat(change.after()).containsEntry("pool.max-size", "2");
        assertThat(announced()).containsExactly(change);
        assertThat(adminRecords()).singleElement().satisfies(r -> {
            assertThat(r.principal()).isEqualTo("alice");
            assertThat(r.resource()).isEqualTo("db");
            assertThat(r.detail()).contains("action=RESIZE", "pool.max-size=1", "pool.max-size=2");
        });
    }

    @Test
    void aResizeAConfigurationWouldRefuseIsRefusedWithEveryProblemUnderItsFullKeyAndNothingChanges() {
        ResourceAdmin admin = admin("pool.min-size=0", "pool.max-size=1");
        lease(null);

        assertThatThrownBy(() -> admin.apply("db", Map.of("pool.min-size", "3", "pool.max-size", "2",
                "retry.max-retries", "-4", "health.quarantine-after", "1")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .satisfies(e -> assertThat(((ConfigurationInvalidException) e).problems()).extracting(ConfigProblem::key)
                        .contains("nebula.resource.db.pool.min-size", "nebula.resource.db.retry.max-retries",
                                "nebula.resource.db.health.quarantine-after"));
        assertThatThrownBy(() -> admin.resize("db", 0, 0))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.db.pool.max-size");

        assertThat(pool().snapshot().maxSize()).isEqualTo(1);
        assertThat(db().declaration().pool().maxSize()).isEqualTo(1);
        assertThat(announced()).isEmpty();
        assertThat(adminRecords()).isEmpty();
    }

    @Test
    void aPausedResourceRefusesNewAcquisitionsAtOnceKeepsItsLeasesAndServesAgainWhenResumed() {
        ResourceAdmin admin = admin("pool.min-size=0", "pool.max-size=2");
        Lease<?> out = lease(null);
        assertThat(pool().stages()).doesNotContain("operator hold");

        admin.pause("db");

        assertThat(pool().stages()).contains("operator hold");
        assertThatThrownBy(() -> lease(Duration.ofSeconds(5)))
                .isInstanceOf(ResourcePausedException.class)
                .satisfies(e -> assertThat(((ResourcePausedException) e).action()).isEqualTo(AdminAction.PAUSE));
        assertThat(out.isOpen()).isTrue();

        admin.resume("db");

        assertThat(pool().stages()).doesNotContain("operator hold");
        assertThat(lease(null).isOpen()).isTrue();
        assertThat(announced()).extracting(AdminChange::action).containsExactly(AdminAction.PAUSE, AdminAction.RESUME);
    }

    @Test
    void aPausedResourceWithAFallbackIsServedByIt() {
        ResourceAdmin admin = admin(List.of("backup"), "pool.min-size=0", "fallback=backup");
        admin.pause("db");

        Lease<?> served = lease(null);

        assertThat(served.servedByFallback()).isTrue();
        assertThat(served.get().toString()).startsWith("backup#");
    }

    @Test
    void aDrainRefusesNewAcquisitionsWaitsForTheLeasesOutThenClosesEveryIdleInstance() throws Exception {
        ResourceAdministration admin = admin("pool.min-size=2", "pool.max-size=2", "start=eager");
        Lease<?> out = lease(null);
        lease(null).close();

        admin.drain("db", Duration.ofSeconds(30));

        assertThatThrownBy(() -> lease(null)).isInstanceOf(ResourcePausedException.class)
                .satisfies(e -> assertThat(((ResourcePausedException) e).action()).isEqualTo(AdminAction.DRAIN));
        var drained = admin.drainOf("db").orElseThrow();
        assertThat(drained).isNotDone(); // a lease is out: the drain waits for it
        out.close();
        assertThat(drained.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(pool().snapshot().size()).isZero(); // not refilled to pool.min-size while drained

        admin.resume("db");
        assertThat(lease(Duration.ofSeconds(5)).isOpen()).isTrue();
    }

    @Test
    void aQuarantineByHandRefusesEvenWithoutQuarantineAfterUntilReleased() {
        ResourceAdmin admin = admin("pool.min-size=0", "health.quarantine-after=0");
        assertThat(pool().stages()).doesNotContain("quarantine");

        admin.quarantine("db", "bad data");

        assertThat(pool().quarantined()).isTrue();
        assertThatThrownBy(() -> lease(null)).isInstanceOf(AcquisitionTimeoutException.class)
                .hasMessageContaining("bad data")
                .satisfies(e -> assertThat(((AcquisitionTimeoutException) e).reason())
                        .isEqualTo(AcquisitionTimeoutException.Reason.QUARANTINED));
        assertThat(pool().check(CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(pool().quarantined()).as("a passing check does not lift a quarantine by hand").isTrue();

        admin.release("db");

        assertThat(pool().stages()).doesNotContain("quarantine");
        assertThat(lease(null).isOpen()).isTrue();
    }

    @Test
    void resetCircuitClosesAnOpenCircuitBeforeItsDelay() {
        ResourceAdmin admin = admin("pool.min-size=0", "pool.acquire-timeout=100ms", "circuit-breaker.enabled=true",
                "circuit-breaker.request-volume-threshold=2", "circuit-breaker.failure-ratio=0.5",
                "circuit-breaker.delay=1h");
        Fake.failing.set(true);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> lease(null)).isNotInstanceOf(CircuitOpenException.class);
        }
        assertThatThrownBy(() -> lease(null)).isInstanceOf(CircuitOpenException.class);
        Fake.failing.set(false);

        admin.resetCircuit("db");

        assertThat(pool().circuit().orElseThrow().state()).isEqualTo(CircuitState.Position.CLOSED);
        // let through to the pool again (whose own recovery from the failed creations is its own business)
        // a lease, or the pool's own refusal: either passed the breaker (catchThrowable is null when it leased, which
        // isNotInstanceOf refused: the test failed whenever the pool's recovery had ended by then)
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> lease(null));
        assertThat(thrown instanceof CircuitOpenException).as("refused by the circuit: %s", thrown).isFalse();
        assertThat(announced()).extracting(AdminChange::action).containsExactly(AdminAction.RESET_CIRCUIT);
    }

    @Test
    void aTenantsQuotaChangesLiveAndItsLeasesOutCountAgainstTheNewOne() {
        ResourceAdmin admin = admin("scope=tenant", "pool.min-size=0", "pool.max-size=5",
                "tenant.quota.max-concurrent-leases=1");
        Lease<?> first = tenantLease();
        assertThatThrownBy(this::tenantLease).isInstanceOf(QuotaExceededException.class);

        AdminChange raised = admin.tenantQuota("db", "acme", Map.of("tenant.quota.max-concurrent-leases", "2"));

        Lease<?> second = tenantLease();
        assertThatThrownBy(this::tenantLease).isInstanceOf(QuotaExceededException.class);
        assertThat(raised.tenant()).isEqualTo("acme");
        assertThat(raised.before()).containsEntry("tenant.quota.max-concurrent-leases", "1");
        assertThat(raised.after()).containsEntry("tenant.quota.max-concurrent-leases", "2");

        admin.tenantQuota("db", "acme", Map.of("tenant.quota.max-concurrent-leases", "1"));

        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isTrue();
        first.close();
        assertThatThrownBy(this::tenantLease).as("two out, one came back: still at the new quota of 1")
                .isInstanceOf(QuotaExceededException.class);
        second.close();
        assertThat(tenantLease().isOpen()).isTrue();
        assertThat(adminRecords()).extracting(AuditRecord::tenant).containsExactly("acme", "acme");
    }

    @Test
    void theAcquireTimeoutChangesTheLivePoolFromTheNextWaitOnAndAWaitUnderWayKeepsItsOwn() throws Exception {
        ResourceAdmin admin = admin("pool.min-size=0", "pool.max-size=1", "pool.acquire-timeout=30s").as("alice");
        Lease<?> held = lease(null);
        java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Boolean> before = thread.submit(() -> {
                try (Lease<?> l = db().acquire(null, ResourceContext.GLOBAL)) { // began with the old 30 s
                    return l.isOpen();
                }
            });
            org.awaitility.Awaitility.await().until(() -> pool().snapshot().pending() == 1);

            AdminChange change = admin.apply("db", Map.of("pool.acquire-timeout", "100ms"));

            assertThat(change.before()).containsEntry("pool.acquire-timeout", "30s");
            assertThat(change.after()).containsEntry("pool.acquire-timeout", "100ms");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> lease(null)).isInstanceOf(AcquisitionTimeoutException.class)
                    .hasMessageContaining("within 100 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5)); // not the old 30 s
            // the pipeline's deadline stage bounds an acquisition that names no timeout (as a JDBC getConnection()
            // through the pipeline is) by the new value too: under a 20 s deadline, the wait is the new 100 ms (the
            // pool's refusal), neither the deadline's 20 s nor the old 30 s
            long t1 = System.nanoTime();
            assertThatThrownBy(() -> pool().acquire(null, ResourceContext.GLOBAL.withDeadline(
                    io.nebula.resource.Deadline.after(Duration.ofSeconds(20)))))
                    .isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> assertThat(e.reason())
                            .isEqualTo(AcquisitionTimeoutException.Reason.POOL_EXHAUSTED));
            assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(5));
            assertThat(before).isNotDone(); // it waits on, with the 30 s it began with
            held.close();
            assertThat(before.get(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            thread.shutdownNow();
        }
        assertThat(pool().config().acquireTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(adminRecords()).singleElement().satisfies(r -> assertThat(r.detail())
                .contains("action=CONFIGURE", "pool.acquire-timeout=30s", "pool.acquire-timeout=100ms"));
        assertThat(announced()).extracting(AdminChange::action).containsExactly(AdminAction.CONFIGURE);

        assertThatThrownBy(() -> admin.apply("db", Map.of("pool.acquire-timeout", "soon")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.db.pool.acquire-timeout: must be a duration such as 500ms, 30s,"
                        + " 5m or PT30S, was 'soon'");
        assertThat(pool().config().acquireTimeout()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aTenantScopedResourcesLivePoolsAndThoseOpenedLaterWaitTheNewAcquireTimeout() {
        ResourceAdmin admin = admin("scope=tenant", "pool.min-size=0", "pool.max-size=1", "pool.acquire-timeout=30s");
        ResourceContext globex = new ResourceContext("globex", null, null, null);
        leases.add(db().acquire(null, ACME));

        admin.apply("db", Map.of("pool.acquire-timeout", "100ms"));

        leases.add(db().acquire(null, globex)); // its pool opens after the change
        for (ResourceContext tenant : List.of(ACME, globex)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> db().acquire(null, tenant)).isInstanceOf(AcquisitionTimeoutException.class)
                    .hasMessageContaining("within 100 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aBadQuotaIsRefusedUnderItsFullKey() {
        ResourceAdmin admin = admin("scope=tenant", "pool.min-size=0");

        assertThatThrownBy(() -> admin.tenantQuota("db", "acme", Map.of("tenant.quota.max-concurrent-leases", "-1",
                "tenant.quota.max-acquisitions-per-second", "x")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .satisfies(e -> assertThat(((ConfigurationInvalidException) e).problems()).extracting(ConfigProblem::key)
                        .containsExactlyInAnyOrder("nebula.resource.db.tenant.quota.max-concurrent-leases",
                                "nebula.resource.db.tenant.quota.max-acquisitions-per-second"));
        assertThat(announced()).isEmpty();
    }

    @Test
    void refreshCredentialsReadsTheSourceNowAndRotates(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("password"), "one");
        ResourceAdmin admin = admin("pool.min-size=0", "password=unused", "credentials.source=directory",
                "credentials.directory=" + dir, "credentials.refresh-interval=0s");
        lease(null).close();
        CredentialedProvider<?> credentialed = (CredentialedProvider<?>) pool().provider();
        Path next = dir.resolve("password.next");
        Files.writeString(next, "two");
        Files.move(next, dir.resolve("password"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertThat(credentialed.rotations()).isZero();

        admin.refreshCredentials("db");

        assertThat(credentialed.rotations()).isEqualTo(1);
        assertThat(adminRecords()).singleElement().satisfies(r -> assertThat(r.detail())
                .contains("REFRESH_CREDENTIALS").doesNotContain("two"));
    }

    @Test
    void aKeyThatCannotChangeAtRunTimeIsAProblemNamingItAndNothingOfTheCallIsApplied() {
        ResourceAdmin admin = admin("pool.min-size=0", "pool.max-size=1");

        assertThatThrownBy(() -> admin.apply("db", Map.of("pool.max-size", "4", "health.quarantine-after", "1")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .satisfies(e -> assertThat(((ConfigurationInvalidException) e).problems()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.key()).isEqualTo("nebula.resource.db.health.quarantine-after");
                            assertThat(p.message()).contains("cannot change at run time");
                        }));
        assertThat(pool().snapshot().maxSize()).isEqualTo(1);
    }

    @Test
    void retrySettingsChangeTheLivePipelineAndAreRefusedAsConfigurationWouldRefuseThem() {
        ResourceAdmin admin = admin("pool.min-size=0", "retry.max-retries=0");
        Lease<?> out = lease(null);
        assertThat(pool().stages()).doesNotContain("retry");

        AdminChange change = admin.apply("db", Map.of("retry.max-retries", "2", "retry.delay", "5ms"));

        assertThat(pool().stages()).contains("retry");
        assertThat(out.isOpen()).isTrue();
        assertThat(change.before()).containsEntry("retry.max-retries", "0").containsEntry("retry.delay", "200ms");
        assertThat(change.after()).containsEntry("retry.delay", "5ms");
        assertThatThrownBy(() -> admin.apply("db", Map.of("retry.max-retries", "-1")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.db.retry.max-retries");
        assertThat(pool().stages()).contains("retry");

        admin.apply("db", Map.of("retry.max-retries", "0"));

        assertThat(pool().stages()).doesNotContain("retry");
    }

    @Test
    void circuitBreakerSettingsChangeTheLiveBreakerWhichKeepsItsStateAndEnabledIsNotChangeable() {
        ResourceAdmin admin = admin("pool.min-size=0", "pool.acquire-timeout=100ms", "retry.max-retries=0",
                "circuit-breaker.request-volume-threshold=2", "circuit-breaker.failure-ratio=0.5",
                "circuit-breaker.delay=1m");
        Fake.failing.set(true);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> lease(null)).isNotInstanceOf(CircuitOpenException.class);
        }
        CircuitState circuit = pool().circuit().orElseThrow();
        assertThat(circuit.state()).isEqualTo(CircuitState.Position.OPEN);

        AdminChange change = admin.apply("db", Map.of("circuit-breaker.request-volume-threshold", "10",
                "circuit-breaker.failure-ratio", "1", "circuit-breaker.delay", "2h",
                "circuit-breaker.success-threshold", "3"));

        assertThat(circuit.state()).as("an open circuit stays open").isEqualTo(CircuitState.Position.OPEN);
        assertThat(circuit.nextProbe()).as("the new delay counts from when it opened")
                .isAfter(java.time.Instant.now().plus(Duration.ofHours(1)));
        assertThatThrownBy(() -> lease(null)).isInstanceOf(CircuitOpenException.class);
        assertThat(change.before()).containsEntry("circuit-breaker.delay", "1m")
                .containsEntry("circuit-breaker.success-threshold", "1");
        assertThat(change.after()).containsEntry("circuit-breaker.delay", "2h")
                .containsEntry("circuit-breaker.request-volume-threshold", "10");
        assertThatThrownBy(() -> admin.apply("db", Map.of("circuit-breaker.failure-ratio", "2")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.db.circuit-breaker.failure-ratio")
                .hasMessageContaining("must be between 0 and 1");
        assertThatThrownBy(() -> admin.apply("db", Map.of("circuit-breaker.enabled", "false")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.db.circuit-breaker.enabled")
                .hasMessageContaining("cannot change at run time");

        admin.resetCircuit("db");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> lease(null)).isNotInstanceOf(CircuitOpenException.class);
        }
        assertThat(circuit.state()).as("two failures do not fill the new window of ten")
                .isEqualTo(CircuitState.Position.CLOSED);
    }

    @Test
    void theAttemptTimeoutChangesTheLiveGuardAndIsRefusedAsConfigurationWouldRefuseIt() {
        ResourceAdmin admin = admin("pool.min-size=0", "retry.max-retries=0");
        assertThat(pool().stages()).doesNotContain("attempt guard");

        AdminChange change = admin.apply("db", Map.of("timeout", "250ms"));

        assertThat(pool().stages()).contains("attempt guard");
        assertThat(guarded).containsExactly(Duration.ofMillis(250));
        assertThat(change.after()).containsEntry("timeout", "250ms");
        assertThat(lease(null).isOpen()).isTrue();
        assertThatThrownBy(() -> admin.apply("db", Map.of("timeout", "soon")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.db.timeout");
        assertThat(guarded).hasSize(1);

        admin.apply("db", Map.of("timeout", "0"));

        assertThat(pool().stages()).doesNotContain("attempt guard");
    }

    @Test
    void theAttemptTimeoutOfAResourceWithABulkheadChanges() {
        ResourceAdmin admin = admin("pool.min-size=0", "bulkhead.max-concurrent=2");
        assertThat(pool().stages()).contains("bulkhead", "retry").doesNotContain("attempt guard");
        assertThat(guarded).isEmpty();

        admin.apply("db", Map.of("timeout", "1s", "retry.max-retries", "0"));

        assertThat(guarded).containsExactly(Duration.ofSeconds(1));
        assertThat(pool().stages()).contains("attempt guard", "bulkhead").doesNotContain("retry");
    }

    @Test
    void theBulkheadChangesOnTheLivePoolWithTheAcquisitionsUnderWayCountedAndIsAuditedAndAnnounced() throws Exception {
        ResourceAdmin admin = admin("pool.min-size=0", "retry.max-retries=0", "bulkhead.max-concurrent=1").as("alice");
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
        Fake.held = new java.util.concurrent.CountDownLatch(1);
        try {
            java.util.concurrent.Future<?> first = threads.submit(() -> db().acquire(Duration.ofSeconds(10),
                    ResourceContext.GLOBAL).close());
            awaitCreating(1);
            assertThatThrownBy(() -> lease(Duration.ofSeconds(1))).isInstanceOf(io.nebula.resource.BulkheadFullException.class)
                    .hasMessageContaining("nebula.resource.db.bulkhead.max-concurrent");

            AdminChange change = admin.apply("db", Map.of("bulkhead.max-concurrent", "2"));

            java.util.concurrent.Future<?> second = threads.submit(() -> db().acquire(Duration.ofSeconds(10),
                    ResourceContext.GLOBAL).close());
            awaitCreating(2);
            assertThatThrownBy(() -> lease(Duration.ofSeconds(1))).as("the first is still counted")
                    .isInstanceOf(io.nebula.resource.BulkheadFullException.class)
                    .hasMessageContaining("2 acquisitions are under way");
            Fake.held.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            assertThat(change.before()).containsEntry("bulkhead.max-concurrent", "1");
            assertThat(change.after()).containsEntry("bulkhead.max-concurrent", "2");
            assertThat(announced()).containsExactly(change);
            assertThat(adminRecords()).singleElement().satisfies(r -> assertThat(r.detail())
                    .contains("bulkhead.max-concurrent=1", "bulkhead.max-concurrent=2"));

            admin.apply("db", Map.of("bulkhead.max-concurrent", "0"));
            assertThat(pool().stages()).doesNotContain("bulkhead");
        } finally {
            Fake.held.countDown();
            Fake.held = null;
            threads.shutdownNow();
        }
    }

    private static void awaitCreating(int n) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Fake.creating.get() >= n);
    }

    @Test
    void aBulkheadChangeAConfigurationWouldRefuseIsRefusedNamingItsKeys() {
        ResourceAdmin admin = admin("pool.min-size=0");

        assertThatThrownBy(() -> admin.apply("db", Map.of("bulkhead.max-concurrent", "-1", "bulkhead.queue", "-2")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .satisfies(e -> assertThat(((ConfigurationInvalidException) e).problems())
                        .extracting(p -> p.key() + ": " + p.message()).containsExactlyInAnyOrder(
                                "nebula.resource.db.bulkhead.max-concurrent: must be 0 (no bulkhead) or more, was -1",
                                "nebula.resource.db.bulkhead.queue: must be 0 or more, was -2"));
        assertThat(pool().stages()).doesNotContain("bulkhead");
        assertThat(announced()).isEmpty();
    }

    @Test
    void theAttemptTimeoutOfAResourceWhoseProviderReadsTheSameKeyCannotChange() {
        kind = "admin-timed";
        ResourceAdmin admin = admin("pool.min-size=0");
        assertThat(pool().stages()).contains("retry");

        assertThatThrownBy(() -> admin.apply("db", Map.of("timeout", "2s", "retry.max-retries", "0")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .satisfies(e -> assertThat(((ConfigurationInvalidException) e).problems()).singleElement()
                        .satisfies(p -> {
                            assertThat(p.key()).isEqualTo("nebula.resource.db.timeout");
                            assertThat(p.message()).contains("kind admin-timed");
                        }));
        assertThat(pool().stages()).contains("retry");
    }

    @Test
    void theHealthCheckIntervalAndDepthChangeTheLiveSchedule() throws Exception {
        ResourceAdmin admin = admin("pool.min-size=1", "health.interval=1h", "health.depth=shallow");
        Lease<?> out = lease(null);
        Fake.checks.clear(); // the check of the instance made at start

        AdminChange change = admin.apply("db", Map.of("health.interval", "20ms", "health.depth", "deep"));

        assertThat(change.before()).containsEntry("health.interval", "1h").containsEntry("health.depth", "shallow");
        awaitChecks(3); // an hour's interval would have run none
        assertThat(Fake.checks).contains(CheckDepth.DEEP);
        assertThat(out.isOpen()).isTrue();

        admin.apply("db", Map.of("health.interval", "0"));
        int after = Fake.checks.size();
        Thread.sleep(200); // ten of the old intervals: at most the check under way may still end
        assertThat(Fake.checks.size()).isLessThanOrEqualTo(after + 1);
        assertThatThrownBy(() -> admin.apply("db", Map.of("health.interval", "5ms")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.db.health.interval");
        assertThatThrownBy(() -> admin.apply("db", Map.of("health.quarantine-after", "1")))
                .isInstanceOf(ConfigurationInvalidException.class)
                .hasMessageContaining("nebula.resource.db.health.quarantine-after");
    }

    private static void awaitChecks(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Fake.checks.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(Fake.checks.size()).as("checks run").isGreaterThanOrEqualTo(n);
    }

    @Test
    void anUnknownResourceIsRefused() {
        ResourceAdmin admin = admin("pool.min-size=0");
        assertThatThrownBy(() -> admin.pause("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }
}
