package io.nebula.resource.provider.nats;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Flushes on one connection share one PING at a time, against a fake PING that the test answers. */
class FlushRoundsTest {

    private static final Duration LONG = Duration.ofSeconds(30); // a flush in these tests never waits this long

    private final HeldPings pings = new HeldPings();
    private final FlushRounds rounds = new FlushRounds("events", pings);
    private final ExecutorService flushers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        rounds.close();
        pings.answerAll();
        flushers.shutdownNow();
    }

    @Test
    void aFlushThatComesWhileAPingIsOutWaitsForTheNextPing() throws Exception {
        Future<?> first = flush(LONG);
        HeldPing ping1 = pings.sent();
        Future<?> second = flush(LONG);
        await().atMost(Duration.ofSeconds(10)).until(() -> rounds.waiting() == 1);

        ping1.answer();
        first.get(10, TimeUnit.SECONDS);
        HeldPing ping2 = pings.sent(); // the second flush's publications may have gone after ping 1
        assertThat(second).as("the second flush, before ping 2 is answered").isNotDone();
        ping2.answer();
        second.get(10, TimeUnit.SECONDS);
        assertThat(pings.count()).isEqualTo(2);
    }

    @Test
    void theFlushesThatWaitTogetherShareOnePing() throws Exception {
        Future<?> first = flush(LONG);
        HeldPing ping1 = pings.sent();
        List<Future<?>> waiting = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waiting.add(flush(LONG));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> rounds.waiting() == 8);

        ping1.answer();
        pings.sent().answer();
        first.get(10, TimeUnit.SECONDS);
        for (Future<?> f : waiting) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(pings.count()).as("PINGs for nine flushes").isEqualTo(2);
    }

    @Test
    void manyThreadsFlushingNeverHaveTwoPingsOutAndEachIsAnsweredAfterItBegan() throws Exception {
        AtomicLong clock = new AtomicLong();
        AtomicLong latestAnsweredPingSentAt = new AtomicLong();
        AtomicInteger out = new AtomicInteger();
        AtomicInteger mostOut = new AtomicInteger();
        FlushRounds instant = new FlushRounds("events", timeout -> {
            mostOut.accumulateAndGet(out.incrementAndGet(), Math::max);
            long sentAt = clock.incrementAndGet();
            out.decrementAndGet();
            latestAnsweredPingSentAt.accumulateAndGet(sentAt, Math::max);
        });
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                runs.add(flushers.submit(() -> {
                    start.await();
                    int early = 0;
                    for (int i = 0; i < 500; i++) {
                        long began = clock.incrementAndGet();
                        instant.flush(LONG);
                        early += latestAnsweredPingSentAt.get() > began ? 0 : 1;
                    }
                    return early;
                }));
            }
            start.countDown();
            for (Future<Integer> run : runs) {
                assertThat(run.get(30, TimeUnit.SECONDS)).as("flushes that returned before a PING sent after they began")
                        .isZero();
            }
            assertThat(mostOut.get()).as("PINGs out at once").isEqualTo(1);
        } finally {
            instant.close();
        }
    }

    @Test
    void aFlushGivesUpAtItsOwnTimeoutWhileAPingIsOut() throws Exception {
        flush(LONG);
        pings.sent(); // and never answered in this test

        assertThat(causeOf(flush(Duration.ofMillis(50))))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("the server did not answer a flush of resource 'events' within 50ms");
    }

    @Test
    void thePingWaitsAsLongAsTheFlushThatWaitsLongest() throws Exception {
        flush(LONG);
        HeldPing ping1 = pings.sent();
        flush(Duration.ofSeconds(1));
        flush(Duration.ofSeconds(20));
        await().atMost(Duration.ofSeconds(10)).until(() -> rounds.waiting() == 2);

        ping1.answer();
        assertThat(pings.sent().timeout()).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
    }

    @Test
    void aFlushWithoutTimeoutLetsThePingWaitForEver() throws Exception {
        flush(Duration.ZERO);
        assertThat(pings.sent().timeout()).isEqualTo(Duration.ZERO);
    }

    @Test
    void whatJnatsThrowsReachesEveryFlushOfTheRound() throws Exception {
        Future<?> first = flush(LONG);
        pings.sent().fail(new TimeoutException("Attempted to flush while closed"));
        assertThat(causeOf(first)).isInstanceOf(TimeoutException.class)
                .hasMessage("a flush of resource 'events' failed: Attempted to flush while closed");

        Future<?> timedOut = flush(LONG);
        pings.sent().fail(new TimeoutException()); // jnats' own wait for the PONG ended
        assertThat(causeOf(timedOut)).isInstanceOf(TimeoutException.class)
                .hasMessage("the server did not answer a flush of resource 'events' within 30000ms");

        Future<?> second = flush(LONG);
        IllegalStateException closed = new IllegalStateException("Connection is Closed");
        pings.sent().fail(closed);
        assertThat(causeOf(second)).as("as jnats threw it, for isFatal").isSameAs(closed);
    }

    @Test
    void closingFailsTheFlushesWaitingForTheNextPing() throws Exception {
        flush(LONG);
        HeldPing ping1 = pings.sent();
        Future<?> waiting = flush(LONG);
        await().atMost(Duration.ofSeconds(10)).until(() -> rounds.waiting() == 1);

        rounds.close();
        assertThat(causeOf(waiting)).isInstanceOf(TimeoutException.class).hasMessageContaining("closed");
        ping1.answer();
        assertThat(pings.count()).as("no PING after the close").isEqualTo(1);
    }

    private Future<?> flush(Duration timeout) {
        return flushers.submit(() -> {
            rounds.flush(timeout);
            return null;
        });
    }

    private static Throwable causeOf(Future<?> flush) throws InterruptedException, TimeoutException {
        try {
            flush.get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** One PING of the fake: held until the test answers it or fails it. */
    record HeldPing(Duration timeout, CompletableFuture<Void> outcome) {

        void answer() {
            outcome.complete(null);
        }

        void fail(Exception e) {
            outcome.completeExceptionally(e);
        }
    }

    /** The fake jnats flush: each PING waits until the test answers it. */
    static final class HeldPings implements FlushRounds.Ping {

        private final BlockingQueue<HeldPing> sent = new LinkedBlockingQueue<>();
        private final List<HeldPing> all = new CopyOnWriteArrayList<>();

        @Override
        public void flush(Duration timeout) throws TimeoutException, InterruptedException {
            HeldPing ping = new HeldPing(timeout, new CompletableFuture<>());
            all.add(ping);
            sent.add(ping);
            try {
                ping.outcome().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TimeoutException t) {
                    throw t;
                }
                throw (RuntimeException) e.getCause();
            }
        }

        /** The next PING sent; fails the test if none is sent within ten seconds. */
        HeldPing sent() throws InterruptedException {
            HeldPing ping = sent.poll(10, TimeUnit.SECONDS);
            assertThat(ping).as("a PING sent").isNotNull();
            return ping;
        }

        int count() {
            return all.size();
        }

        void answerAll() {
            all.forEach(HeldPing::answer);
        }
    }
}
