package io.nebula.resource.faults;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.Action;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.Lease;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceState;
import io.nebula.resource.cdi.ScopeHandle;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Issue 17 point 2: what an application gets from a resource of one kind when it cannot have it, one test per row of
 * the table in docs/resilience.md, each failure produced for real (a {@link io.nebula.resource.testing.FaultProxy}
 * in front of the real local server, never the server stopped). This class holds the lease path every kind shares —
 * {@code Resources.acquire}, {@code ManagedResource.acquire}, an {@code @Action} naming the resource — whose errors
 * are Nebula's own; a subclass per kind says what its backend's error is and overrides a row where its kind differs.
 */
abstract class FailureTable {

    static final String RESOURCE = "r";
    /** Long enough for a first connection on a loaded machine; the refusals that wait for it wait this long. */
    static final Duration ACQUIRE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration SETUP = Duration.ofSeconds(10);

    /** The kind's keys, without {@code nebula.resource.r.}; {@code {proxy}} stands for the proxy's host and port. */
    abstract Map<String, String> kindKeys();

    /** The local server's port, or {@code 0} for a kind without a server (then {@link #takeTheBackendAway} does it). */
    abstract int serverPort();

    /** The type leases are taken as. */
    abstract Class<?> leaseType();

    /** The backend's own error when it cannot be reached: the cause of {@code BACKEND_UNAVAILABLE} and of an open circuit. */
    abstract Class<? extends Throwable> backendError();

    /** For a kind without a proxy: makes its backend unreachable. */
    void takeTheBackendAway(Rig rig) {
        rig.proxy.down();
    }

    /** Undoes {@link #takeTheBackendAway}. */
    void bringTheBackendBack(Rig rig) {
        rig.proxy.up();
    }

    Rig rig(String... keys) throws Exception {
        Map<String, String> all = new HashMap<>(kindKeys());
        all.put("pool.acquire-timeout", ACQUIRE_TIMEOUT.toMillis() + "ms");
        for (int i = 0; i < keys.length; i += 2) {
            all.put(keys[i], keys[i + 1]);
        }
        return new Rig(RESOURCE, serverPort(), all, Act.class);
    }

    /** An application bean whose method names the resource in {@code @Action}. */
    static class Act {
        static final AtomicInteger RAN = new AtomicInteger();

        @Action(resources = RESOURCE)
        public void run() {
            RAN.incrementAndGet();
        }
    }

    /**
     * A lease for a test to hold, given long enough for a first connection on a loaded machine (or for the health
     * check that may be making it): a setup step, not the refusal under test.
     */
    Lease<?> lease(Rig rig) {
        return rig.resources().acquire(RESOURCE, leaseType(), SETUP);
    }

    Throwable acquiring(Rig rig) {
        return catchThrowable(() -> rig.resources().acquire(RESOURCE, leaseType()).close());
    }

    /** An {@code @Action} naming the resource: its refusal, with the method not run. */
    Throwable actionRefused(Rig rig) {
        int before = Act.RAN.get();
        Throwable refused = catchThrowable(() -> rig.bean(Act.class).run());
        assertThat(Act.RAN.get()).as("the @Action method ran").isEqualTo(before);
        return refused;
    }

    @Test
    void poolExhausted() throws Exception {
        try (Rig rig = rig("pool.max-size", "1")) {
            try (Lease<?> held = lease(rig)) {
                long start = System.nanoTime();
                Throwable refused = acquiring(rig);
                assertThat(refused).isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.POOL_EXHAUSTED);
                    assertThat(e.resource()).isEqualTo(RESOURCE);
                    assertThat(e.getMessage()).startsWith("NEBULA-0101").contains("pool.max-size");
                    assertThat(e.getCause()).isNull();
                });
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited pool.acquire-timeout")
                        .isGreaterThanOrEqualTo(ACQUIRE_TIMEOUT.minusMillis(20));
            }
        }
    }

    @Test
    void backendDown() throws Exception {
        try (Rig rig = rig("circuit-breaker.enabled", "false")) {
            takeTheBackendAway(rig);
            assertThat(acquiring(rig)).isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE);
                assertThat(e.getMessage()).startsWith("NEBULA-0102");
                assertThat(e.getCause()).as("the backend's own error").isInstanceOf(backendError());
            });
            assertThat(actionRefused(rig)).isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE));
        }
    }

    /** Opens the circuit the way an application would: acquisitions that fail against a backend that is down. */
    Rig withAnOpenCircuit() throws Exception {
        Rig rig = rig("circuit-breaker.request-volume-threshold", "1", "circuit-breaker.failure-ratio", "1",
                "circuit-breaker.delay", "60s", "retry.max-retries", "0");
        takeTheBackendAway(rig);
        assertThat(acquiring(rig)).as("the failure that opens the circuit").isInstanceOf(AcquisitionTimeoutException.class);
        return rig;
    }

    @Test
    void circuitOpen() throws Exception {
        try (Rig rig = withAnOpenCircuit()) {
            assertThat(acquiring(rig)).isInstanceOfSatisfying(CircuitOpenException.class, e -> {
                assertThat(e.resource()).isEqualTo(RESOURCE);
                assertThat(e.nextProbe()).isNotNull();
                assertThat(e.getCause()).as("the last backend error, the backend's own").isInstanceOf(backendError());
            });
            assertThat(actionRefused(rig)).isInstanceOf(CircuitOpenException.class);

            bringTheBackendBack(rig);
            await("served again, long before circuit-breaker.delay (60 s): the prober found the backend back")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> acquiring(rig) == null);
        }
    }

    /** Quarantines the resource: its deep checks fail against a backend that is down. */
    Rig withQuarantine() throws Exception {
        // pool.acquire-timeout is also how long a check waits for an instance being made: on a loaded machine a first
        // connection may take seconds, and a check that gave up on it first would quarantine a healthy resource
        Rig rig = rig("health.depth", "deep", "health.quarantine-after", "1", "health.interval", "100ms",
                "circuit-breaker.enabled", "false", "pool.acquire-timeout", SETUP.toMillis() + "ms");
        // started, and checked from now on: the first check may be creating the instance, which a loaded machine
        // may take longer than pool.acquire-timeout to do
        lease(rig).close();
        takeTheBackendAway(rig);
        await("quarantined").atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(rig.readiness("quarantined").orElse(null)));
        return rig;
    }

    @Test
    void quarantined() throws Exception {
        try (Rig rig = withQuarantine()) {
            assertThat(acquiring(rig)).isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.QUARANTINED);
                assertThat(e.getMessage()).startsWith("NEBULA-3202").contains("health.quarantine-after");
                assertThat(e.getCause()).isNull();
            });
            assertThat(actionRefused(rig)).isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.QUARANTINED));

            bringTheBackendBack(rig);
            await("the first passing check lifts the quarantine").atMost(Duration.ofSeconds(10))
                    .until(() -> Boolean.FALSE.equals(rig.readiness("quarantined").orElse(null)));
            assertThat(acquiring(rig)).isNull();
        }
    }

    @Test
    void quota() throws Exception {
        try (Rig rig = rig("scope", "tenant", "tenant.quota.max-concurrent-leases", "1");
             ScopeHandle acme = rig.contexts().enter("acme", "billing", "run-1", null);
             Lease<?> held = lease(rig)) {
            assertThat(acquiring(rig)).isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                assertThat(e.tenant()).isEqualTo("acme");
                assertThat(e.limit()).isEqualTo("tenant.quota.max-concurrent-leases");
                assertThat(e.value()).isEqualTo(1);
                assertThat(e.getMessage()).startsWith("NEBULA-4006");
                assertThat(e.getCause()).isNull();
            });
            assertThat(actionRefused(rig)).isInstanceOf(QuotaExceededException.class);
        }
    }

    /** What the test checks of the lease it holds while the resource drains. */
    void whileDraining(Lease<?> held) throws Exception {
    }

    @Test
    void draining() throws Exception {
        try (Rig rig = rig("pool.drain-grace", "10s")) {
            var resource = rig.managed();
            Lease<?> held = lease(rig);
            rig.stopInTheBackground();
            await("draining").atMost(Duration.ofSeconds(5)).until(() -> resource.state() == ResourceState.DRAINING);
            whileDraining(held);
            assertThat(catchThrowable(() -> resource.acquire(Duration.ofMillis(100)).close()))
                    .isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.POOL_DRAINING);
                        assertThat(e.getMessage()).startsWith("NEBULA-0103");
                        assertThat(e.getCause()).isNull();
                    });
            held.close();
            rig.stopped();
            assertThat(catchThrowable(() -> resource.acquire(Duration.ofMillis(100)).close()))
                    .as("once the pool is closed").isInstanceOf(ResourceClosedException.class);
        }
    }
}
