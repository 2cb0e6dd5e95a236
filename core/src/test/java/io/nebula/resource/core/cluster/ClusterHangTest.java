package io.nebula.resource.core.cluster;

import io.nebula.resource.ResourceContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backend that hangs (a Redis stopped with SIGSTOP, a frozen host): every call waits out its whole timeout. The
 * calls of one limit are made one at a time (a lock), so an acquisition that queued behind a hanging call must not make
 * its own call once that one failed: it would wait a second timeout (and the next one a third), past the bound of one
 * {@code nebula.cluster.redis-timeout} per acquisition. Deterministic: the hanging call returns when the test says so,
 * and the second acquisition is known to wait on the lock before it does.
 */
class ClusterHangTest {

    private final ExecutorService threads = Executors.newFixedThreadPool(3);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /**
     * Every call of an operation in {@link #hanging} hangs until {@link #timeOut} is counted down, then fails as a call
     * past its timeout; the others answer at once (a take grants what it asks).
     */
    static final class HangingPermits implements ClusterPermits {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch calling = new CountDownLatch(1);
        final CountDownLatch timeOut = new CountDownLatch(1);
        volatile Set<String> hanging = Set.of("take", "takeInWindow", "give", "hold", "heartbeat");

        private int call(String operation, int answer) {
            if (!hanging.contains(operation)) {
                return answer;
            }
            calls.incrementAndGet();
            calling.countDown();
            try {
                timeOut.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new ClusterUnavailableException("did not answer within the timeout", null);
        }

        @Override
        public int take(String limit, int wanted, int max) {
            return call("take", wanted);
        }

        @Override
        public int takeInWindow(String limit, long window, int wanted, int max) {
            return call("takeInWindow", wanted);
        }

        @Override
        public void give(String limit, int count) {
            call("give", 0);
        }

        @Override
        public void hold(String limit, int held) {
            call("hold", 0);
        }

        @Override
        public void heartbeat() {
            call("heartbeat", 0);
        }

        @Override
        public String nodeId() {
            return "a";
        }

        @Override
        public long roundTrips() {
            return calls.get();
        }

        @Override
        public void close() {
        }
    }

    private static ResourceContext tenant(String t) {
        return new ResourceContext(t, null, null, null);
    }

    /** Waits until {@code t} is parked (on the limit's lock: nothing else parks it in this test). */
    private static void parked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("thread parked on the lock").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    private void queuedBehindAHangingCall(ClusterQuota quota) throws Exception {
        HangingPermits backend = new HangingPermits();
        ClusterNode node = new ClusterNode(backend, Duration.ofSeconds(3), System::currentTimeMillis);
        ClusterLimits limits = node.limits("orders", quota);

        Future<?> first = threads.submit(() -> limits.enter(tenant("acme")));
        assertThat(backend.calling.await(10, TimeUnit.SECONDS)).isTrue();
        Thread[] second = new Thread[1];
        CountDownLatch started = new CountDownLatch(1);
        Future<?> queued = threads.submit(() -> {
            second[0] = Thread.currentThread();
            started.countDown();
            limits.enter(tenant("acme")); // the same limit's lock, held by the hanging call
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        parked(second[0]);

        backend.timeOut.countDown(); // the hanging call fails, as at its timeout
        first.get(10, TimeUnit.SECONDS);
        queued.get(10, TimeUnit.SECONDS);

        // both admitted alone; only the first waited on the backend
        assertThat(node.available()).isFalse();
        assertThat(node.admittedAlone()).isEqualTo(2);
        assertThat(backend.calls).as("calls to the hanging backend").hasValue(1);
        limits.leave(tenant("acme"));
        limits.leave(tenant("acme"));
        assertThat(backend.calls).as("calls to the hanging backend, leases given back").hasValue(1);
    }

    @Test
    void anAcquisitionQueuedBehindAConcurrentLeaseCallThatHangsMakesNoCallOfItsOwnOnceThatOneFailed() throws Exception {
        queuedBehindAHangingCall(new ClusterQuota(0, 3, 0, 8));
    }

    @Test
    void anAcquisitionQueuedBehindARateCallThatHangsMakesNoCallOfItsOwnOnceThatOneFailed() throws Exception {
        queuedBehindAHangingCall(new ClusterQuota(0, 0, 20, 8));
    }

    @Test
    void anAcquisitionQueuedBehindAHeartbeatSyncThatHangsMakesNoCallOfItsOwnOnceThatOneFailed() throws Exception {
        HangingPermits backend = new HangingPermits();
        backend.hanging = Set.of();
        ClusterNode node = new ClusterNode(backend, Duration.ofSeconds(3), System::currentTimeMillis);
        ClusterLimits limits = node.limits("orders", new ClusterQuota(0, 3, 0, 8));
        limits.enter(tenant("acme"));
        limits.enter(tenant("acme")); // the tenant's batch (2) used up: the next lease asks the backend
        backend.hanging = Set.of("take", "hold"); // the heartbeat's beat answers, its sync of acme hangs

        Future<?> beat = threads.submit(node::heartbeat);
        assertThat(backend.calling.await(10, TimeUnit.SECONDS)).isTrue();
        Thread[] second = new Thread[1];
        CountDownLatch started = new CountDownLatch(1);
        Future<?> queued = threads.submit(() -> {
            second[0] = Thread.currentThread();
            started.countDown();
            limits.enter(tenant("acme"));
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        parked(second[0]);

        backend.timeOut.countDown();
        beat.get(10, TimeUnit.SECONDS);
        queued.get(10, TimeUnit.SECONDS);
        assertThat(node.available()).isFalse();
        assertThat(node.admittedAlone()).isEqualTo(1);
        assertThat(backend.calls).as("calls to the hanging backend").hasValue(1);
    }
}
