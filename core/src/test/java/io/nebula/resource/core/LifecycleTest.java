package io.nebula.resource.core;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.InstanceState;
import io.nebula.resource.Lease;
import io.nebula.resource.PoolSnapshot;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceState;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.nebula.resource.ResourceState.CREATED;
import static io.nebula.resource.ResourceState.DEGRADED;
import static io.nebula.resource.ResourceState.DRAINING;
import static io.nebula.resource.ResourceState.FAILED;
import static io.nebula.resource.ResourceState.INITIALIZING;
import static io.nebula.resource.ResourceState.READY;
import static io.nebula.resource.ResourceState.TERMINATED;
import static io.nebula.resource.core.FakeProvider.Conn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LifecycleTest {

    final FakeProvider provider = new FakeProvider();
    final FakeTicker ticker = new FakeTicker();
    final RecordingListener events = new RecordingListener();

    @Test
    void theResourceTableAllowsExactlyTheDocumentedTransitions() {
        List<String> legal = new ArrayList<>();
        for (ResourceState from : ResourceState.values()) {
            for (ResourceState to : ResourceState.values()) {
                if (ResourceStateMachine.allowed(from, to)) {
                    legal.add(from + "->" + to);
                }
            }
        }
        assertThat(legal).containsExactlyInAnyOrder(
                "CREATED->INITIALIZING", "CREATED->DRAINING",
                "INITIALIZING->READY", "INITIALIZING->DEGRADED", "INITIALIZING->FAILED", "INITIALIZING->DRAINING",
                "READY->DEGRADED", "READY->FAILED", "READY->DRAINING",
                "DEGRADED->READY", "DEGRADED->FAILED", "DEGRADED->DRAINING",
                "FAILED->READY", "FAILED->DEGRADED", "FAILED->DRAINING",
                "DRAINING->TERMINATED");
    }

    @Test
    void anIllegalResourceTransitionThrowsAndALostRaceReturnsFalse() {
        List<String> seen = new ArrayList<>();
        ResourceStateMachine m = new ResourceStateMachine((f, t) -> seen.add(f + "->" + t));
        assertThatThrownBy(() -> m.transition(CREATED, READY)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Illegal resource transition CREATED → READY");
        assertThat(m.transition(CREATED, INITIALIZING)).isTrue();
        assertThat(m.transition(CREATED, INITIALIZING)).as("not in CREATED any more").isFalse();
        assertThat(m.moveTo(READY)).isTrue();
        assertThat(m.moveTo(DRAINING)).isTrue();
        assertThat(m.moveTo(READY)).as("no way back from draining").isFalse();
        assertThatThrownBy(() -> m.transition(TERMINATED, READY)).isInstanceOf(IllegalStateException.class);
        assertThat(seen).containsExactly("CREATED->INITIALIZING", "INITIALIZING->READY", "READY->DRAINING");
    }

    @Test
    void theInstanceTableAllowsExactlyTheDocumentedTransitions() {
        List<String> legal = new ArrayList<>();
        for (InstanceState from : InstanceState.values()) {
            for (InstanceState to : InstanceState.values()) {
                if (InstanceStateMachine.allowed(from, to)) {
                    legal.add(from + "->" + to);
                }
            }
        }
        assertThat(legal).containsExactlyInAnyOrder("IDLE->IN_USE", "IN_USE->IDLE", "IDLE->VALIDATING",
                "VALIDATING->IDLE", "VALIDATING->IN_USE", "VALIDATING->EVICTED", "IDLE->EVICTED", "IN_USE->EVICTED",
                "EVICTED->DESTROYED");
        Slot<String> slot = new Slot<>("x", 0, 0, false, 0, 0, InstanceState.IDLE);
        assertThatThrownBy(() -> slot.cas(InstanceState.IDLE, InstanceState.DESTROYED))
                .isInstanceOf(IllegalStateException.class).hasMessage("Illegal instance transition IDLE → DESTROYED");
        assertThat(slot.cas(InstanceState.IN_USE, InstanceState.IDLE)).as("it is IDLE, not IN_USE").isFalse();
        assertThat(slot.cas(InstanceState.IDLE, InstanceState.IN_USE)).isTrue();
        assertThat(slot.state()).isEqualTo(InstanceState.IN_USE);
    }

    @Test
    void listenersHearEveryStepOfAnAcquisitionWithItsContext() {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker).listener(events).build();
        ResourceContext acme = new ResourceContext("acme", "billing", null, null);
        Lease<Conn> l = pool.acquire(Duration.ofSeconds(1), acme);
        ticker.advance(Duration.ofMillis(25));
        l.close();
        pool.close();
        assertThat(events.events).containsExactly(
                "beforeAcquire acme", "state CREATED->INITIALIZING", "state INITIALIZING->READY",
                "create", "instance IDLE->IN_USE", "acquire acme",
                "release 25ms", "instance IN_USE->IDLE",
                "state READY->DRAINING", "instance IDLE->EVICTED", "eviction CLOSE", "destroy",
                "instance EVICTED->DESTROYED", "state DRAINING->TERMINATED");
    }

    @Test
    void aListenerThatThrowsDoesNotBreakThePool() {
        PoolListener broken = new PoolListener() {
            @Override
            public void onAcquire(String pool, ResourceContext ctx, long waitNanos) {
                throw new IllegalStateException("metrics backend down");
            }
        };
        ResourcePool<Conn> pool = Pools.direct(provider, ticker).listener(broken).listener(events).build();
        try (Lease<Conn> l = pool.acquire()) {
            assertThat(l.get()).isNotNull();
        }
        assertThat(events.named("acquire")).containsExactly("acquire null");
        pool.close();
    }

    @Test
    void aHealthCheckMovesTheResourceBetweenReadyDegradedAndFailed() {
        ResourcePool<Conn> pool = Pools.direct(provider, ticker).build();
        pool.start();
        HealthStatus up = pool.check(CheckDepth.DEEP);
        assertThat(up.status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(up.details()).containsEntry("idle", 1).containsEntry("max", 10);
        assertThat(pool.state()).isEqualTo(READY);

        provider.created.iterator().next().broken = true;
        assertThat(pool.check(CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(pool.state()).isEqualTo(FAILED);
        assertThat(provider.destroyed).hasSize(1);

        provider.failure = new ConnectException("Connection refused");
        HealthStatus down = pool.check(CheckDepth.SHALLOW);
        assertThat(down.status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(down.message()).hasValueSatisfying(m -> assertThat(m).contains("Connection refused"));

        provider.failure = null;
        ticker.advance(Duration.ofMinutes(1));
        assertThat(pool.check(CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(pool.state()).isEqualTo(READY);
        pool.close();
    }

    @Test
    void aSharedResourceIsCheckedThroughItsInstance() {
        FakeProvider bounded = new FakeProvider(Topology.BOUNDED);
        ResourcePool<Conn> pool = Pools.direct(bounded, ticker).build();
        assertThat(pool.check(CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.UP);
        bounded.created.iterator().next().broken = true;
        assertThat(pool.check(CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(pool.state()).isEqualTo(FAILED);
        assertThat(pool.check(CheckDepth.DEEP).status()).as("a new instance replaced the broken one")
                .isEqualTo(HealthStatus.Status.UP);
        assertThat(pool.state()).isEqualTo(READY);
        pool.close();
    }

    @Test
    void aDegradedCheckDegradesTheResource() {
        FakeProvider slow = new FakeProvider() {
            @Override
            public HealthStatus check(Conn instance, CheckDepth depth) {
                return HealthStatus.degraded("replication lag 30 s");
            }
        };
        ResourcePool<Conn> pool = Pools.direct(slow, ticker).build();
        pool.start();
        assertThat(pool.check(CheckDepth.DEEP).status()).isEqualTo(HealthStatus.Status.DEGRADED);
        assertThat(pool.state()).isEqualTo(DEGRADED);
        pool.close();
    }

    @Test
    void anInstanceUnderAHealthCheckIsNoLease() throws Exception {
        CountDownLatch checking = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        FakeProvider held = new FakeProvider() {
            @Override
            public HealthStatus check(Conn instance, CheckDepth depth) {
                checking.countDown();
                try {
                    answer.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return HealthStatus.up();
            }
        };
        ResourcePool<Conn> pool = Pools.direct(held, ticker).build();
        pool.acquire().close();
        Thread checker = new Thread(() -> pool.check(CheckDepth.DEEP), "health-check");
        checker.start();
        try {
            assertThat(checking.await(20, TimeUnit.SECONDS)).isTrue();
            PoolSnapshot during = pool.snapshot();
            assertThat(during.active()).as("the check borrowed the instance; no application holds a lease").isZero();
            assertThat(during.idle()).as("counted as idle, as PoolSnapshot says: size = active + idle").isEqualTo(1);
            assertThat(during.size()).isEqualTo(1);
        } finally {
            answer.countDown();
            checker.join(20_000);
        }
        assertThat(pool.snapshot()).isEqualTo(new PoolSnapshot(1, 0, 1, 0, 0, 10));
        pool.close();
    }
}
