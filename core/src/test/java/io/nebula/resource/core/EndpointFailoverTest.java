package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Endpoint failover: a DOWN endpoint gets nothing new, its instances go, the others serve, one probe brings it back. */
class EndpointFailoverTest {

    final FakeTicker ticker = new FakeTicker();
    final RecordingListener events = new RecordingListener();
    /** The refills the pool asks for, run by the test when it chooses (on the fake clock). */
    final List<Runnable> refills = new ArrayList<>();
    final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1) {
        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            refills.add(task);
            return null;
        }
    };

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private ResourcePool.Builder<Conn> pool(FakeProvider provider, String... kv) {
        List<String> all = new ArrayList<>(List.of("pool.strategy", "weighted-round-robin", "pool.endpoints", "a:1,b:1",
                "pool.max-size", "4", "pool.backoff-initial", "1s", "pool.backoff-max", "1m"));
        all.addAll(List.of(kv));
        return Pools.direct(provider, ticker, all.toArray(String[]::new)).scheduler(scheduler).listener(events);
    }

    private static Map<String, String> statuses(ResourcePool<?> pool) {
        Map<String, String> m = new TreeMap<>();
        pool.endpoints().forEach(e -> m.put(e.name(), e.status()));
        return m;
    }

    @Test
    void aFailedCreationTakesItsEndpointDownAndTheSameAcquisitionIsServedByTheOther() throws Exception {
        FakeProvider provider = new FakeProvider();
        provider.unreachable.add("a");
        ResourcePool<Conn> pool = pool(provider).build();
        pool.start();

        List<Lease<Conn>> leases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            leases.add(pool.acquire(Duration.ofSeconds(5))); // none fails
        }
        assertThat(leases).extracting(l -> l.get().endpoint).containsOnly("b");
        assertThat(statuses(pool)).containsEntry("a", "DOWN").containsEntry("b", "UP");
        EndpointStatus a = pool.endpoints().get(0);
        assertThat(a.error()).get().isInstanceOf(ConnectException.class);
        assertThat(pool.state()).isEqualTo(ResourceState.DEGRADED);
        leases.forEach(Lease::close);
        pool.close();
    }

    @Test
    void anInstanceFailingValidationTakesItsEndpointDownItsIdleOnesAreRetiredAtOnceAndLeasedOnesOnReturn() {
        FakeProvider provider = new FakeProvider();
        ResourcePool<Conn> pool = pool(provider, "pool.min-size", "4", "pool.warmup", "eager").build();
        pool.start();
        List<Lease<Conn>> leases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            leases.add(pool.acquire());
        }
        Lease<Conn> heldOnA = leases.stream().filter(l -> l.get().endpoint.equals("a")).findFirst().orElseThrow();
        Conn leasedA = heldOnA.get();
        leases.stream().filter(l -> l != heldOnA).forEach(Lease::close); // idle: one on a, two on b

        provider.unreachable.add("a");
        ticker.advance(Duration.ofSeconds(1)); // past pool.validation-bypass: every borrow is validated
        List<Lease<Conn>> after = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            after.add(pool.acquire(Duration.ofSeconds(5)));
        }
        assertThat(after).extracting(l -> l.get().endpoint).containsOnly("b");
        assertThat(statuses(pool)).containsEntry("a", "DOWN");
        assertThat(leasedA.destroyed).as("leased: retired when it comes back").isFalse();

        heldOnA.close();
        assertThat(leasedA.destroyed).isTrue();
        assertThat(provider.created).filteredOn(c -> c.endpoint.equals("a")).allSatisfy(c -> assertThat(c.destroyed).isTrue());
        assertThat(events.evictions).as("the one that failed its check, then the one that came back")
                .containsExactly(EvictionReason.INVALID, EvictionReason.ENDPOINT_DOWN);
        after.forEach(Lease::close);
        pool.close();
    }

    @Test
    void oneProbeAtATimeBringsADownEndpointBackAndNewInstancesGoThereAgain() {
        FakeProvider provider = new FakeProvider();
        List<Runnable> probes = new ArrayList<>();
        boolean[] capture = {false};
        ResourcePool<Conn> pool = pool(provider)
                .creator(task -> {
                    if (capture[0]) {
                        probes.add(task); // run by the test, when it chooses
                    } else {
                        task.run();
                    }
                }).build();
        AbstractPool<Conn> engine = (AbstractPool<Conn>) pool;
        pool.start();
        provider.unreachable.add("a");
        try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(5))) {
            assertThat(l.get().endpoint).isEqualTo("b");
        }
        assertThat(failedCreations(provider)).isEqualTo(1);

        // While DOWN, acquisitions never try it: all on b, no creation against a
        List<Lease<Conn>> leases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            leases.add(pool.acquire(Duration.ofSeconds(5)));
        }
        assertThat(leases).extracting(l -> l.get().endpoint).containsOnly("b");
        leases.forEach(Lease::close);
        assertThat(failedCreations(provider)).isEqualTo(1);

        // The probe waits for its backoff (a second at most), then one runs however often housekeeping comes
        capture[0] = true;
        engine.probeEndpoints(ticker.nanoTime());
        assertThat(probes).as("before the backoff").isEmpty();
        ticker.advance(Duration.ofSeconds(1));
        engine.probeEndpoints(ticker.nanoTime());
        engine.probeEndpoints(ticker.nanoTime());
        assertThat(probes).as("one probe per DOWN endpoint at a time").hasSize(1);
        probes.remove(0).run();
        assertThat(failedCreations(provider)).as("the probe failed: still DOWN").isEqualTo(2);
        assertThat(statuses(pool)).containsEntry("a", "DOWN");

        provider.unreachable.remove("a");
        ticker.advance(Duration.ofSeconds(1));
        engine.probeEndpoints(ticker.nanoTime());
        assertThat(probes).hasSize(1);
        capture[0] = false;
        probes.remove(0).run();
        assertThat(statuses(pool)).containsEntry("a", "UP").containsEntry("b", "UP");
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
        assertThat(provider.created).filteredOn(c -> "a".equals(c.endpoint))
                .as("the pool was full (four on b): the probe's instance was made and let go at once")
                .singleElement().satisfies(c -> assertThat(c.destroyed).isTrue());

        // New instances go to a again as the pool makes them
        pool.resize(0, 8);
        leases.clear();
        for (int i = 0; i < 8; i++) {
            leases.add(pool.acquire(Duration.ofSeconds(5)));
        }
        Map<String, Integer> served = new TreeMap<>();
        leases.forEach(l -> served.merge(l.get().endpoint, 1, Integer::sum));
        assertThat(served).as("the new instances went to a, evening the mix").containsEntry("a", 4).containsEntry("b", 4);
        leases.forEach(Lease::close);
        pool.close();
    }

    private static int failedCreations(FakeProvider provider) {
        return provider.creations.get() - provider.created.size();
    }

    @Test
    void withEveryEndpointDownAcquisitionsFailAtOnceAndTheResourceIsFailed() {
        FakeProvider provider = new FakeProvider();
        provider.unreachable.addAll(List.of("a", "b"));
        ResourcePool<Conn> pool = pool(provider).build();
        pool.start();
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE));
        assertThat(statuses(pool)).containsEntry("a", "DOWN").containsEntry("b", "DOWN");
        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);
        int attempts = provider.creations.get();
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(5))).isInstanceOf(AcquisitionTimeoutException.class);
        assertThat(provider.creations.get()).as("refused at once, no creation: the probes are the endpoints'")
                .isEqualTo(attempts);

        provider.unreachable.remove("b");
        ticker.advance(Duration.ofSeconds(1));
        refills.get(refills.size() - 1).run();
        assertThat(statuses(pool)).containsEntry("b", "UP").containsEntry("a", "DOWN");
        assertThat(pool.state()).isEqualTo(ResourceState.DEGRADED);
        try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(5))) {
            assertThat(l.get().endpoint).isEqualTo("b");
        }
        pool.close();
    }

    @Test
    void theHealthCheckShowsEachEndpointAndIsDegradedWhileOneIsDown() {
        FakeProvider provider = new FakeProvider();
        ResourcePool<Conn> pool = pool(provider).build();
        pool.start();
        provider.unreachable.add("a");
        pool.acquire(Duration.ofSeconds(5)).close();
        pool.acquire(Duration.ofSeconds(5)).close();
        HealthStatus h = pool.check(CheckDepth.SHALLOW);
        assertThat(h.status()).isEqualTo(HealthStatus.Status.DEGRADED);
        assertThat(h.details()).containsEntry("endpoint.b", "UP");
        assertThat((String) h.details().get("endpoint.a"))
                .startsWith("DOWN for ").endsWith("java.net.ConnectException: Connection refused: a");
        pool.close();
    }

    @Test
    void residentEndpointLostByItsInstanceIsRetiredAndLeasesGoToTheOtherUntilTheProbeBringsItBack() {
        FakeProvider provider = new FakeProvider(Topology.RESIDENT);
        ResourcePool<Conn> pool = pool(provider).build();
        pool.start();
        Map<String, Conn> byEndpoint = new TreeMap<>();
        for (int i = 0; i < 2; i++) {
            try (Lease<Conn> l = pool.acquire()) {
                byEndpoint.put(l.get().endpoint, l.get());
            }
        }
        Conn a = byEndpoint.get("a");
        Lease<Conn> onA = pool.acquire(); // the cursor is back on a
        assertThat(onA.get()).isSameAs(a);

        provider.unreachable.add("a");
        provider.signals.get(a).unavailable(new ConnectException("connection to a lost"));
        assertThat(statuses(pool)).containsEntry("a", "DOWN");
        assertThat(pool.state()).isEqualTo(ResourceState.DEGRADED);
        for (int i = 0; i < 10; i++) {
            try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(5))) {
                assertThat(l.get().endpoint).isEqualTo("b");
            }
        }
        assertThat(a.destroyed).as("retired; destroyed with its last lease").isFalse();
        onA.close();
        assertThat(a.destroyed).isTrue();

        provider.unreachable.remove("a");
        ticker.advance(Duration.ofSeconds(1));
        refills.get(refills.size() - 1).run();
        assertThat(statuses(pool)).containsEntry("a", "UP");
        Map<String, Integer> served = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(5))) {
                served.merge(l.get().endpoint, 1, Integer::sum);
            }
        }
        assertThat(served).containsEntry("a", 5).containsEntry("b", 5);
        pool.close();
    }

    @Test
    void aResidentAcquisitionWhoseEndpointCannotBeReachedIsServedByTheOther() {
        FakeProvider provider = new FakeProvider(Topology.RESIDENT);
        provider.unreachable.add("a");
        ResourcePool<Conn> pool = pool(provider).build();
        pool.start();
        for (int i = 0; i < 4; i++) {
            try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(5))) {
                assertThat(l.get().endpoint).isEqualTo("b");
            }
        }
        assertThat(statuses(pool)).containsEntry("a", "DOWN").containsEntry("b", "UP");
        assertThat(provider.creations).as("a tried once, then left to its probe").hasValue(2);
        pool.close();
    }
}
