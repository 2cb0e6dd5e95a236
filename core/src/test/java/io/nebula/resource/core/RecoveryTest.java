package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecoveryTest {

    final FakeProvider provider = new FakeProvider();
    final FakeTicker ticker = new FakeTicker();
    final RecordingListener events = new RecordingListener();

    @Test
    void theBackoffDoublesWithJitterUpToTheMaximum() {
        Recovery r = new Recovery(Duration.ofMillis(100).toNanos(), Duration.ofSeconds(1).toNanos());
        long[] bounds = {100, 200, 400, 800, 1000, 1000};
        for (long upper : bounds) {
            long b = r.onFailure(new ConnectException("refused"), true, 0);
            assertThat(b).isBetween(Duration.ofMillis(upper / 2).toNanos(), Duration.ofMillis(upper).toNanos());
        }
        assertThat(r.tryBeginProbe(Duration.ofMillis(499).toNanos())).isFalse();
        assertThat(r.tryBeginProbe(Duration.ofSeconds(1).toNanos())).isTrue();
        assertThat(r.tryBeginProbe(Duration.ofSeconds(1).toNanos())).as("one prober at a time").isFalse();
        assertThat(r.onSuccess()).isTrue();
        assertThat(r.failing()).isFalse();
    }

    @Test
    void whileTheBackendIsWantedItIsProbedEverySecondWhateverTheBackoff() {
        Recovery r = new Recovery(Duration.ofMinutes(1).toNanos(), Duration.ofMinutes(1).toNanos());
        r.onFailure(new ConnectException("refused"), true, 0);
        assertThat(r.tryBeginProbe(Duration.ofSeconds(1).toNanos())).as("nobody asked: the backoff holds").isFalse();
        r.demanded();
        assertThat(r.nanosUntilNextAttempt(0)).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(r.tryBeginProbe(Duration.ofMillis(999).toNanos())).isFalse();
        assertThat(r.tryBeginProbe(Duration.ofSeconds(1).toNanos())).isTrue();

        r.onFailure(new ConnectException("refused"), true, Duration.ofSeconds(2).toNanos());
        assertThat(r.tryBeginProbe(Duration.ofSeconds(3).toNanos())).as("wanted afresh after each failed probe").isFalse();
    }

    @Test
    void aRefusedCallerMakesTheNextProbeComeWithinASecondOfTheLastFailure() {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.backoff-initial", "1m", "pool.backoff-max", "1m").build();
        pool.start();
        provider.failure = new ConnectException("Connection refused");
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(5))).isInstanceOf(AcquisitionTimeoutException.class);
        provider.failure = null; // the backend is back
        ticker.advance(Duration.ofMillis(500));
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(5))).hasMessageContaining("next attempt in 500 ms");
        ticker.advance(Duration.ofMillis(500));
        try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(5))) {
            assertThat(l.get()).as("a minute's backoff, but a caller wanted it: probed after a second").isNotNull();
        }
        assertThat(provider.creations).hasValue(2);
        pool.close();
    }

    @Test
    void aPoolBelowItsMinimumIsProbedByItsHousekeeperWithinASecond() {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.min-size", "1", "pool.warmup", "eager",
                "pool.backoff-initial", "1m", "pool.backoff-max", "1m").build();
        provider.failure = new ConnectException("Connection refused");
        pool.start();
        provider.failure = null;
        ticker.advance(Duration.ofMillis(999));
        Pools.housekeep(pool);
        assertThat(provider.creations).hasValue(1);
        ticker.advance(Duration.ofMillis(1));
        Pools.housekeep(pool);
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
        assertThat(pool.snapshot().idle()).isEqualTo(1);
        pool.close();
    }

    @Test
    void aPoolBelowItsMinimumProbesASecondAfterAFailureWithoutWaitingForItsHousekeepingRound() {
        List<Runnable> probes = new ArrayList<>();
        List<Long> delays = new ArrayList<>();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
                probes.add(task); // run by the test, at the time it chooses
                delays.add(unit.toNanos(delay));
                return null;
            }
        };
        try {
            ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.min-size", "1", "pool.warmup", "eager",
                    "pool.backoff-initial", "1m", "pool.backoff-max", "1m").scheduler(scheduler).build();
            provider.failure = new ConnectException("Connection refused");
            pool.start();
            assertThat(pool.state()).isEqualTo(ResourceState.FAILED);
            assertThat(delays).as("a minute's backoff, a 30 s housekeeping round; probed after a second")
                    .containsExactly(Duration.ofSeconds(1).toNanos());

            provider.failure = null;
            ticker.advance(Duration.ofSeconds(1));
            probes.get(0).run();
            assertThat(pool.state()).isEqualTo(ResourceState.READY);
            assertThat(pool.snapshot().idle()).isEqualTo(1);
            pool.close();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aDownBackendFailsFastWithItsLastErrorThenRecoversWhenAProbeSucceeds() {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.backoff-initial", "1s", "pool.backoff-max", "1m")
                .listener(events).build();
        pool.start();
        ConnectException refused = new ConnectException("Connection refused");
        provider.failure = refused;
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE);
                    assertThat(e.getCause()).isSameAs(refused);
                })
                .hasMessageStartingWith("NEBULA-0102 Could not acquire 'orders-db': backend unavailable "
                        + "(last error: java.net.ConnectException: Connection refused)");
        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);
        assertThat(pool.lastError()).containsSame(refused);

        // during the backoff nobody touches the backend: no thundering herd
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE))
                    .hasCause(refused).hasMessageContaining("next attempt in");
        }
        assertThat(provider.creations).hasValue(1);

        provider.failure = null;
        ticker.advance(Duration.ofSeconds(1));
        try (Lease<Conn> l = pool.acquire(Duration.ofSeconds(5))) {
            assertThat(l.get()).isNotNull();
        }
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
        assertThat(events.named("state")).containsExactly("state CREATED->INITIALIZING", "state INITIALIZING->READY",
                "state READY->FAILED", "state FAILED->READY");
        pool.close();
    }

    @Test
    void theHousekeeperProbesInTheBackground() {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker, "pool.min-size", "1", "pool.warmup", "eager").build();
        provider.failure = new ConnectException("Connection refused");
        pool.start();
        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);
        provider.failure = null;
        Pools.housekeep(pool); // backoff not over: no attempt
        assertThat(provider.creations).hasValue(1);
        ticker.advance(Duration.ofSeconds(1));
        Pools.housekeep(pool);
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
        assertThat(pool.snapshot().idle()).isEqualTo(1);
        pool.close();
    }

    @Test
    void aSingleProberTestsTheBackendWhileOthersFailFast() throws Exception {
        provider.failure = new ConnectException("Connection refused");
        ResourcePool<Conn> pool = ResourcePool.builder(provider, Pools.settings("orders-db",
                "pool.backoff-initial", "50ms", "pool.backoff-max", "50ms")).build();
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(5))).isInstanceOf(AcquisitionTimeoutException.class);
        Thread.sleep(60); // the backoff is over: the next caller probes
        provider.createMillis = 300;
        int before = provider.creations.get();
        int callers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<Reason> outcomes = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    pool.acquire(Duration.ofSeconds(5)).close();
                } catch (AcquisitionTimeoutException e) {
                    outcomes.add(e.reason());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join(20_000);
        }
        assertThat(provider.creations.get() - before).as("exactly one probe").isEqualTo(1);
        assertThat(outcomes).hasSize(callers).containsOnly(Reason.BACKEND_UNAVAILABLE);
        pool.close();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(5);
    }

    @Test
    void anErrorRetryingCannotFixFailsAtOnceWithThatError() {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker).build();
        SQLInvalidAuthorizationSpecException badPassword =
                new SQLInvalidAuthorizationSpecException("password authentication failed for user \"app\"");
        provider.failure = badPassword;
        provider.retryable = false;
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE))
                .hasCause(badPassword)
                .hasMessageContaining("retrying cannot fix");
        pool.close();
    }

    @Test
    void waitersAreToldWhenCreationFailsAndNothingCanComeBack() throws Exception {
        provider.createMillis = 100;
        provider.failure = new ConnectException("Connection refused");
        ResourcePool<Conn> pool = ResourcePool.builder(provider, Pools.settings("orders-db")).build();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE));
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).as("not the full 20 s").isLessThan(5);
        pool.close();
    }

    @Test
    void aResidentResourceRecoversToo() {
        FakeProvider resident = new FakeProvider(Topology.RESIDENT);
        resident.failure = new ConnectException("Connection refused");
        ResourcePool<Conn> pool = Pools.direct(resident, ticker).build();
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BACKEND_UNAVAILABLE))
                .hasCauseInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(1))).isInstanceOf(AcquisitionTimeoutException.class);
        assertThat(resident.creations).as("no attempt during the backoff").hasValue(1);
        assertThat(pool.state()).isEqualTo(ResourceState.FAILED);
        resident.failure = null;
        ticker.advance(Duration.ofSeconds(1));
        pool.acquire().close();
        assertThat(pool.state()).isEqualTo(ResourceState.READY);
        pool.close();
    }
}
