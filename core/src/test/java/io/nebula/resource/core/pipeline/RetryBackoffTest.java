package io.nebula.resource.core.pipeline;

import io.nebula.resource.ResourceContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The retry's waits, as docs/resilience.md states them ({@code retry.delay}, {@code retry.max-delay},
 * {@code retry.jitter}): the n-th retry waits {@code delay * 2^(n-1)} moved by a uniform draw within
 * {@code ± jitter}, never more than {@code max-delay}, and a wait below zero is none. Over many acquisitions whose
 * every attempt is refused, on a fake clock that only the retry's sleep moves: the waits are read from when the
 * attempts began. The jitter is drawn by the stage's own random ({@link RetryStage.Waiting#REAL}) and, for a
 * reproducible run, by a seeded one.
 */
class RetryBackoffTest {

    private static final int RUNS = 2_000;
    /** What every attempt fails with: one instance, as filling in a stack trace per attempt is most of the run. */
    private static final IOException REFUSED = new IOException("connection refused");

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private static ResiliencePolicy policy(int maxRetries, long delay, long maxDelay, long jitter) {
        return new ResiliencePolicy(maxRetries, Duration.ofMillis(delay), Duration.ofMillis(maxDelay),
                Duration.ofMillis(jitter), Duration.ofDays(1), false, 20, 0.5, Duration.ofSeconds(5), 1,
                Duration.ZERO, 0, 0);
    }

    /** Draws with {@code draw} and sleeps on the fake clock. */
    private RetryStage.Waiting waiting(LongUnaryOperator draw) {
        return new RetryStage.Waiting() {
            @Override
            public long jitter(long bound) {
                return draw.applyAsLong(bound);
            }

            @Override
            public void sleep(long millis) {
                assertThat(millis).as("a sleep is of a positive wait").isPositive();
                now.addAndGet(Duration.ofMillis(millis).toNanos());
            }
        };
    }

    private RetryStage.Waiting realDraw() {
        return waiting(RetryStage.Waiting.REAL::jitter);
    }

    private RetryStage.Waiting seededDraw(long seed) {
        Random random = new Random(seed);
        return waiting(bound -> random.nextLong(-bound, bound + 1));
    }

    /** One acquisition whose every attempt is refused: the waits between its attempts, in milliseconds. */
    private List<Long> waitsOfOneRefusedAcquisition(ResiliencePolicy policy, RetryStage.Waiting waiting) {
        List<Long> began = new ArrayList<>();
        RetryStage<String> stage = new RetryStage<>((timeout, ctx) -> {
            began.add(now.get());
            throw REFUSED;
        }, "r", policy, e -> true, () -> false, now::get, now::get, Duration.ofDays(1), waiting);

        assertThatThrownBy(() -> stage.acquire(null, ResourceContext.GLOBAL)).isInstanceOf(IOException.class);
        assertThat(began).as("the first attempt and every retry").hasSize(policy.maxRetries() + 1);
        List<Long> waits = new ArrayList<>();
        for (int i = 1; i < began.size(); i++) {
            waits.add(Duration.ofNanos(began.get(i) - began.get(i - 1)).toMillis());
        }
        return waits;
    }

    /** The wait of the n-th retry (from 1) without its jitter, as documented: delay doubled n - 1 times. */
    private static double base(ResiliencePolicy policy, int n) {
        return policy.delay().toMillis() * Math.pow(2, n - 1);
    }

    private static double clamp(double wait, ResiliencePolicy policy) {
        return Math.max(0, Math.min(policy.maxDelay().toMillis(), wait));
    }

    /** The least and the most the n-th retry may wait. */
    private static double[] bounds(ResiliencePolicy policy, int n) {
        long jitter = policy.jitter().toMillis();
        return new double[]{clamp(base(policy, n) - jitter, policy), clamp(base(policy, n) + jitter, policy)};
    }

    /** Each retry's least and most wait seen over {@code runs} acquisitions, every wait checked against its bounds. */
    private long[][] waitsWithinBounds(ResiliencePolicy policy, RetryStage.Waiting waiting, int runs) {
        long[][] seen = new long[policy.maxRetries()][];
        for (int run = 0; run < runs; run++) {
            List<Long> waits = waitsOfOneRefusedAcquisition(policy, waiting);
            for (int i = 0; i < waits.size(); i++) {
                int n = i + 1;
                double[] bounds = bounds(policy, n);
                assertThat((double) waits.get(i)).as("run %d, retry %d of %s: waits %s", run, n, policy, waits)
                        .isBetween(bounds[0], bounds[1]);
                seen[i] = seen[i] == null ? new long[]{waits.get(i), waits.get(i)}
                        : new long[]{Math.min(seen[i][0], waits.get(i)), Math.max(seen[i][1], waits.get(i))};
            }
        }
        return seen;
    }

    /**
     * The defaults' delay, max-delay and jitter, six retries: 200, 400, 800 and 1600 ms ± 100 ms, then 2 s. The jitter
     * is not only bounded but spread: over the runs each retry's waits reach both ends of its range (a uniform draw
     * over 201 values misses the outer ten on a side in 2000 draws with a chance of e^-100).
     */
    @Test
    void jitterStaysWithinItsDocumentedBoundsOverManyRuns() {
        ResiliencePolicy policy = policy(6, 200, 2_000, 100);
        for (RetryStage.Waiting waiting : List.of(realDraw(), seededDraw(15))) {
            long[][] seen = waitsWithinBounds(policy, waiting, RUNS);
            for (int n = 1; n <= 4; n++) {
                double[] bounds = bounds(policy, n);
                assertThat(seen[n - 1][0]).as("retry %d's shortest wait", n).isLessThanOrEqualTo((long) bounds[0] + 10);
                assertThat(seen[n - 1][1]).as("retry %d's longest wait", n).isGreaterThanOrEqualTo((long) bounds[1] - 10);
            }
            assertThat(seen[4]).as("3200 ms ± 100 ms is past max-delay: 2 s").containsExactly(2_000, 2_000);
            assertThat(seen[5]).as("6400 ms ± 100 ms is past max-delay: 2 s").containsExactly(2_000, 2_000);
        }
    }

    /** A jitter larger than the delay: a draw that would make the first wait negative makes it none. */
    @Test
    void aWaitTheJitterWouldMakeNegativeIsNone() {
        ResiliencePolicy policy = policy(1, 50, 1_000, 100);
        long[][] seen = waitsWithinBounds(policy, seededDraw(16), RUNS);
        assertThat(seen[0]).as("50 ms ± 100 ms: from none to 150 ms").containsExactly(0, 150);
    }

    /**
     * However the delay, the jitter and the number of retries are set, no wait is longer than {@code max-delay}, and
     * none is shorter than the doubled delay less the jitter (or {@code max-delay} less the jitter once the doubling
     * passed it). Cases: the delay equal to the max-delay (allowed); a delay close below it with a larger jitter; the
     * defaults with thirty retries; a hundred retries of 1 ms, which doubles the delay past what a long holds.
     */
    @ParameterizedTest(name = "{0} retries, delay {1} ms, max-delay {2} ms, jitter {3} ms")
    @CsvSource({
            "3, 1000, 1000, 100",
            "5, 1900, 2000, 200",
            "30, 200, 2000, 100",
            "100, 1, 1, 0",
            "100, 1, 5, 2"})
    void theBackoffNeverExceedsMaxDelay(int maxRetries, long delay, long maxDelay, long jitter) {
        ResiliencePolicy policy = policy(maxRetries, delay, maxDelay, jitter);
        long[][] seen = waitsWithinBounds(policy, realDraw(), 20_000 / maxRetries);
        for (long[] retry : seen) {
            assertThat(retry[1]).isLessThanOrEqualTo(maxDelay);
        }
    }
}
