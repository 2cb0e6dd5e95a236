package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.BulkheadFullException;
import io.nebula.resource.ResourceContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The bulkhead stage: SmallRye's refusals and queue, and limits changed while calls are under way without losing count
 * of them. Every call is held inside {@link Held} until the test lets it go; nothing waits on a timing.
 */
class BulkheadStageTest {

    private static final Duration WAIT = Duration.ofSeconds(10); // a bound for a loaded machine, never reached

    /** The innermost step: counts the calls inside it and holds each until {@link #release} lets one go. */
    private static final class Held implements Acquisition<String> {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final AtomicInteger entered = new AtomicInteger();
        final Semaphore gate = new Semaphore(0);

        @Override
        public String acquire(Duration timeout, ResourceContext ctx) throws InterruptedException {
            int now = inside.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            entered.incrementAndGet();
            try {
                if (!gate.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new AssertionError("never released");
                }
                return "ok";
            } finally {
                inside.decrementAndGet();
            }
        }

        void release(int n) {
            gate.release(n);
        }
    }

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Held held = new Held();

    @AfterEach
    void stop() {
        held.release(1000);
        threads.shutdownNow();
    }

    private Future<String> call(BulkheadStage<String> stage) {
        return threads.submit(() -> stage.acquire(Duration.ofSeconds(1), ResourceContext.GLOBAL));
    }

    private void awaitEntered(int n) {
        await().atMost(WAIT).until(() -> held.entered.get() == n);
    }

    private static void awaitWaiting(Bulkhead bulkhead, int n) {
        await().atMost(WAIT).until(() -> bulkhead.waiting() == n);
    }

    @Test
    void aFullBulkheadWithoutAQueueRefusesAtOnceNamingItsKeys() throws Exception {
        Bulkhead bulkhead = new Bulkhead(1, 0);
        BulkheadStage<String> stage = new BulkheadStage<>(held, bulkhead, "ledger");
        Future<String> first = call(stage);
        awaitEntered(1);

        assertThatThrownBy(() -> stage.acquire(Duration.ofSeconds(1), ResourceContext.GLOBAL))
                .isInstanceOfSatisfying(BulkheadFullException.class, e -> {
                    assertThat(e.reason()).isEqualTo(AcquisitionTimeoutException.Reason.POOL_EXHAUSTED);
                    assertThat(e).hasMessage("NEBULA-3002 Could not acquire 'ledger': 1 acquisitions are under way"
                            + " and 0 waiting (nebula.resource.ledger.bulkhead.max-concurrent, .bulkhead.queue)");
                });

        held.release(1);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(bulkhead.running()).isZero();
    }

    @Test
    void aQueuedCallerWaitsForAPlaceAndOneMoreIsRefused() throws Exception {
        Bulkhead bulkhead = new Bulkhead(1, 1);
        BulkheadStage<String> stage = new BulkheadStage<>(held, bulkhead, "ledger");
        Future<String> first = call(stage);
        awaitEntered(1);
        Future<String> second = call(stage);
        awaitWaiting(bulkhead, 1);

        assertThatThrownBy(() -> stage.acquire(Duration.ofSeconds(1), ResourceContext.GLOBAL))
                .isInstanceOf(BulkheadFullException.class).hasMessageContaining("1 waiting");
        assertThat(held.entered.get()).as("the queued caller waits").isEqualTo(1);

        held.release(1);
        awaitEntered(2);
        held.release(1);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(held.most.get()).isEqualTo(1);
        assertThat(bulkhead.running()).isZero();
        assertThat(bulkhead.waiting()).isZero();
    }

    @Test
    void aRaiseAdmitsTheWaitingCallersAtOnceWhileTheCallsUnderWayStayCounted() throws Exception {
        Bulkhead bulkhead = new Bulkhead(1, 2);
        BulkheadStage<String> stage = new BulkheadStage<>(held, bulkhead, "ledger");
        List<Future<String>> calls = new ArrayList<>();
        calls.add(call(stage));
        awaitEntered(1);
        calls.add(call(stage));
        calls.add(call(stage));
        awaitWaiting(bulkhead, 2);

        bulkhead.resize(3, 0);

        awaitEntered(3); // the first still held: both waiting callers ran at once
        assertThat(bulkhead.running()).isEqualTo(3);
        assertThatThrownBy(() -> stage.acquire(Duration.ofSeconds(1), ResourceContext.GLOBAL))
                .as("three under way: the raised limit is reached").isInstanceOf(BulkheadFullException.class)
                .hasMessageContaining("3 acquisitions are under way and 0 waiting");

        held.release(3);
        for (Future<String> f : calls) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        }
        assertThat(bulkhead.running()).isZero();
    }

    @Test
    void aCutLetsTheCallsUnderWayFinishAndAdmitsNoneUntilFewerThanTheNewLimitRun() throws Exception {
        Bulkhead bulkhead = new Bulkhead(3, 0);
        BulkheadStage<String> stage = new BulkheadStage<>(held, bulkhead, "ledger");
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(call(stage));
        }
        awaitEntered(3);

        bulkhead.resize(1, 1);

        assertThatThrownBy(() -> stage.acquire(Duration.ofSeconds(1), ResourceContext.GLOBAL))
                .as("three inside, room for two").isInstanceOf(BulkheadFullException.class)
                .hasMessageContaining("1 acquisitions are under way and 1 waiting");
        held.release(1);
        await().atMost(WAIT).until(() -> bulkhead.running() == 2);
        assertThatThrownBy(() -> stage.acquire(Duration.ofSeconds(1), ResourceContext.GLOBAL))
                .as("two inside, room for two").isInstanceOf(BulkheadFullException.class);
        held.release(1);
        await().atMost(WAIT).until(() -> bulkhead.running() == 1);

        Future<String> queued = call(stage); // two inside now: one runs, this one waits
        awaitWaiting(bulkhead, 1);
        assertThat(held.entered.get()).as("one still under way: the limit of 1 is reached").isEqualTo(3);
        assertThatThrownBy(() -> stage.acquire(Duration.ofSeconds(1), ResourceContext.GLOBAL))
                .as("the queue of 1 is full").isInstanceOf(BulkheadFullException.class);

        held.release(1); // the last of the three ends: the queued caller runs
        awaitEntered(4);
        assertThat(bulkhead.running()).isEqualTo(1);
        held.release(1);
        assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        for (Future<String> f : calls) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        }
        assertThat(bulkhead.running()).isZero();
        assertThat(bulkhead.waiting()).isZero();
    }

    @Test
    void anInterruptedWaitingCallerLeavesItsPlaceAndTheNextWaitingOneStillRuns() throws Exception {
        Bulkhead bulkhead = new Bulkhead(1, 2);
        BulkheadStage<String> stage = new BulkheadStage<>(held, bulkhead, "ledger");
        Future<String> first = call(stage);
        awaitEntered(1);
        Future<String> interrupted = call(stage);
        awaitWaiting(bulkhead, 1);
        Future<String> next = call(stage);
        awaitWaiting(bulkhead, 2);

        interrupted.cancel(true); // what the attempt's timeout does to a caller waiting in the queue
        awaitWaiting(bulkhead, 1);

        held.release(1);
        awaitEntered(2);
        held.release(1);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(bulkhead.running()).isZero();
        assertThat(bulkhead.waiting()).isZero();
        List<Future<String>> again = new ArrayList<>(); // its place was given back: one runs and two wait, as before
        again.add(call(stage));
        awaitEntered(3);
        again.add(call(stage));
        again.add(call(stage));
        awaitWaiting(bulkhead, 2);
        held.release(3);
        for (Future<String> f : again) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        }
    }

    @Test
    void switchedOffTheBulkheadLetsItsWaitingCallersGo() throws Exception {
        Bulkhead bulkhead = new Bulkhead(1, 1);
        BulkheadStage<String> stage = new BulkheadStage<>(held, bulkhead, "ledger");
        Future<String> first = call(stage);
        awaitEntered(1);
        Future<String> waiting = call(stage);
        awaitWaiting(bulkhead, 1);

        bulkhead.resize(0, 0);

        awaitEntered(2);
        held.release(2);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(bulkhead.running()).isZero();
    }

    /** Many callers through a bulkhead resized back and forth: never more running than the largest limit, none lost. */
    @Test
    void underResizesTheCountIsNeverLost() throws Exception {
        Bulkhead bulkhead = new Bulkhead(2, 1000);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Acquisition<String> quick = (t, c) -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            Thread.yield();
            inside.decrementAndGet();
            return "ok";
        };
        BulkheadStage<String> stage = new BulkheadStage<>(quick, bulkhead, "ledger");
        int callers = 6;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> done = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            done.add(threads.submit(() -> {
                start.await();
                int ok = 0;
                for (int n = 0; n < 2000; n++) {
                    stage.acquire(Duration.ofSeconds(1), ResourceContext.GLOBAL);
                    ok++;
                }
                return ok;
            }));
        }
        start.countDown();
        for (int i = 0; i < 200; i++) {
            bulkhead.resize(1 + i % 3, 1000);
        }
        bulkhead.resize(2, 1000);
        int total = 0;
        for (Future<Integer> f : done) {
            total += f.get(60, TimeUnit.SECONDS);
        }
        assertThat(total).isEqualTo(callers * 2000);
        assertThat(most.get()).isLessThanOrEqualTo(3);
        assertThat(bulkhead.running()).isZero();
        assertThat(bulkhead.waiting()).isZero();
    }
}
