package io.nebula.resource.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The one timer only times; what it times runs on the workers, one run at a time per task. */
class EngineThreadsTest {

    private static final Duration OFTEN = Duration.ofMillis(5);
    private final List<Future<?>> tasks = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void cancel() {
        release.countDown();
        tasks.forEach(t -> t.cancel(false));
    }

    @Test
    void aTaskWaitingOnItsBackendNeitherHoldsTheTimerNorRunsTwice() throws InterruptedException {
        AtomicInteger blockedStarts = new AtomicInteger();
        CountDownLatch blocked = new CountDownLatch(1);
        tasks.add(EngineThreads.every(EngineThreads.timer(), OFTEN, () -> {
            blockedStarts.incrementAndGet();
            blocked.countDown();
            await(release);
        }, e -> { }));
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();

        CountDownLatch others = new CountDownLatch(20);
        tasks.add(EngineThreads.every(EngineThreads.timer(), OFTEN, others::countDown, e -> { }));

        assertThat(others.await(10, TimeUnit.SECONDS)).as("another task's turns while the first one waits").isTrue();
        assertThat(blockedStarts).as("turns of the waiting task that came due while it ran are skipped").hasValue(1);
    }

    @Test
    void aTaskThatThrowsRunsAgainAndItsFailuresAreReported() throws InterruptedException {
        CountDownLatch failures = new CountDownLatch(3);
        tasks.add(EngineThreads.every(EngineThreads.timer(), OFTEN, () -> {
            throw new IllegalStateException("backend said no");
        }, e -> {
            if (e instanceof IllegalStateException) {
                failures.countDown();
            }
        }));
        assertThat(failures.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
