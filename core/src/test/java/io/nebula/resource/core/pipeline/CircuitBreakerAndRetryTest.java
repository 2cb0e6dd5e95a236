package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The breaker and retry of the synchronous path against what SmallRye Fault Tolerance did: above all what the
 * fast path (a success in a closed circuit, recorded by nothing) could get wrong.
 */
class CircuitBreakerAndRetryTest {

    private static final Duration DELAY = Duration.ofMillis(400);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> transitions = new ArrayList<>();
    private final CircuitState circuit = new CircuitState("ledger", DELAY, Clock.systemUTC(),
            (from, to) -> transitions.add(CircuitState.describe(from) + "->" + to.describe()));

    /** Refuses a password error, as a provider does, and retries anything else. */
    private static final ResourceProvider<Object> PROVIDER = new ResourceProvider<>() {
        @Override
        public String kind() {
            return "test";
        }

        @Override
        public Class<Object> type() {
            return Object.class;
        }

        @Override
        public Object create(io.nebula.resource.ResourceSettings settings) {
            return new Object();
        }

        @Override
        public HealthStatus check(Object instance, CheckDepth depth) {
            return HealthStatus.up();
        }

        @Override
        public void destroy(Object instance) {
        }

        @Override
        public boolean isRetryable(Throwable error) {
            return !(error instanceof SecurityException);
        }
    };

    private static ResiliencePolicy policy(int maxRetries, int volume, double ratio, int successThreshold) {
        return new ResiliencePolicy(maxRetries, Duration.ofMillis(1), Duration.ofMillis(4), Duration.ZERO,
                Duration.ofSeconds(10), true, volume, ratio, DELAY, successThreshold, Duration.ZERO, 0, 0);
    }

    private ResourceGuard guard(ResiliencePolicy policy) {
        return new ResourceGuard(policy, circuit);
    }

    /** The breaker and the retry stages, as the pipeline assembles them, on the test's clock. */
    private final class ResourceGuard {
        private final ResiliencePolicy policy;
        private final CircuitState circuit;
        private final Failures failures = new Failures(PROVIDER);
        private final CircuitBreaker breaker;

        ResourceGuard(ResiliencePolicy policy, CircuitState circuit) {
            this.policy = policy;
            this.circuit = circuit;
            this.breaker = new CircuitBreaker(policy, failures::countsAgainstCircuit, circuit, now::get);
        }

        CircuitState circuit() {
            return circuit;
        }

        <T> T acquire(Acquisition<T> attempt) throws Exception {
            return acquire(attempt, null);
        }

        <T> T acquire(Acquisition<T> attempt, Duration timeout) throws Exception {
            Acquisition<T> stage = attempt;
            if (policy.maxRetries() > 0) {
                stage = new RetryStage<>(stage, "r", policy, failures::retryable, () -> false, now::get, now::get,
                        Duration.ofSeconds(30));
            }
            return new CircuitBreakerStage<>(stage, breaker, circuit, failures).acquire(timeout, ResourceContext.GLOBAL);
        }
    }

    private static final Acquisition<String> OK = (timeout, ctx) -> "connection";
    private static final Acquisition<String> DOWN = (timeout, ctx) -> {
        throw new IOException("connection refused");
    };

    private <T> T acquire(ResourceGuard guard, Acquisition<T> attempt) throws Exception {
        return guard.acquire(attempt);
    }

    private boolean refused(ResourceGuard guard) {
        try {
            acquire(guard, OK);
            return false;
        } catch (CircuitOpenException e) {
            return true;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFailureAfterManyFastSuccessesIsJudgedInAWindowOfTheLatestAcquisitions() throws Exception {
        ResourceGuard guard = guard(policy(0, 4, 0.5, 1));
        for (int i = 0; i < 1000; i++) {
            assertThat(acquire(guard, OK)).isEqualTo("connection");
        }
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        assertThat(circuit.state()).as("one failure among the last four").isEqualTo(CircuitState.Position.CLOSED);
        // three successes and the failure: the window of four is [F, S, S, S]; the fourth success pushes F out
        for (int i = 0; i < 4; i++) {
            acquire(guard, OK);
        }
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        assertThat(circuit.state()).as("the first failure left the window").isEqualTo(CircuitState.Position.CLOSED);
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        assertThat(circuit.state()).as("two failures among the last four").isEqualTo(CircuitState.Position.OPEN);
        assertThat(transitions).containsExactly("closed->open");
    }

    @Test
    void successesCountTowardsFillingTheWindowSoASuccessCanOpenIt() throws Exception {
        ResourceGuard guard = guard(policy(0, 4, 0.5, 1));
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        acquire(guard, OK);
        assertThat(circuit.state()).as("the window is not full yet").isEqualTo(CircuitState.Position.CLOSED);
        acquire(guard, OK);
        assertThat(circuit.state()).as("full, with two failures of four: opened by a success, as SmallRye does")
                .isEqualTo(CircuitState.Position.OPEN);
    }

    @Test
    void theBreakerOpensExactlyWhereSmallRyesRollingWindowDoes() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            int volume = 1 + random.nextInt(8);
            double ratio = random.nextInt(5) / 4.0;
            double failureShare = random.nextDouble();
            int calls = 60;
            boolean[] fails = new boolean[calls];
            for (int i = 0; i < calls; i++) {
                fails[i] = random.nextDouble() < failureShare;
            }
            int expected = smallRyeOpensAt(fails, volume, (int) Math.ceil(ratio * volume));

            ResourceGuard guard = new ResourceGuard(policy(0, volume, ratio, 1),
                    new CircuitState("ledger", DELAY, Clock.systemUTC(), (from, to) -> { }));
            int opened = -1;
            for (int i = 0; i < calls && opened < 0; i++) {
                try {
                    acquire(guard, fails[i] ? DOWN : OK);
                } catch (IOException expectedFailure) {
                    // counted
                }
                if (guard.circuit().state() == CircuitState.Position.OPEN) {
                    opened = i;
                }
            }
            assertThat(opened).as("round %d: volume %d, ratio %s, outcomes %s", round, volume, ratio,
                    java.util.Arrays.toString(fails)).isEqualTo(expected);
        }
    }

    /** SmallRye 6.11's BitsetRollingWindow, sequentially: the call after which the circuit opens, or -1. */
    private static int smallRyeOpensAt(boolean[] fails, int size, int threshold) {
        ArrayDeque<Boolean> window = new ArrayDeque<>();
        long counter = 0;
        for (int i = 0; i < fails.length; i++) {
            window.addLast(fails[i]);
            if (window.size() > size) {
                window.removeFirst();
            }
            counter++;
            long failed = window.stream().filter(f -> f).count();
            if (counter >= size && failed >= threshold) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void anOpenCircuitFailsAtOnceWithTheLastBackendErrorThenProbesAndCloses() throws Exception {
        ResourceGuard guard = guard(policy(0, 2, 0.5, 2));
        AtomicInteger attempts = new AtomicInteger();
        Acquisition<String> counted = (timeout, ctx) -> {
            attempts.incrementAndGet();
            return "connection";
        };
        acquire(guard, OK);
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        assertThat(circuit.state()).isEqualTo(CircuitState.Position.OPEN);

        assertThatThrownBy(() -> acquire(guard, counted)).isInstanceOfSatisfying(CircuitOpenException.class, e -> {
            assertThat(e.resource()).isEqualTo("ledger");
            assertThat(e.nextProbe()).isNotNull();
            assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessage("connection refused");
        });
        assertThat(attempts).as("refused without an attempt").hasValue(0);

        now.addAndGet(DELAY.toNanos() - 1);
        assertThat(refused(guard)).as("just before the delay is over").isTrue();
        now.addAndGet(1);
        assertThat(circuit.state()).as("seen half-open once the delay is over, with no acquisition").isEqualTo(CircuitState.Position.HALF_OPEN);

        acquire(guard, counted);
        assertThat(circuit.state()).as("one success of the two the threshold asks").isEqualTo(CircuitState.Position.HALF_OPEN);
        acquire(guard, counted);
        assertThat(circuit.state()).isEqualTo(CircuitState.Position.CLOSED);
        assertThat(attempts).hasValue(2);
        assertThat(transitions).containsExactly("closed->open", "open->half-open", "half-open->closed");

        // closed again with a new, empty window: one failure in two does not open it before the window is full
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        assertThat(circuit.state()).isEqualTo(CircuitState.Position.CLOSED);
    }

    @Test
    void aHalfOpenCircuitLetsNoMoreProbesThroughThanItsSuccessThresholdAndAFailedProbeOpensItAgain() throws Exception {
        ResourceGuard guard = guard(policy(0, 1, 1.0, 1));
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        now.addAndGet(DELAY.toNanos());

        // a second acquisition while the only probe is out (nested, so no thread is needed) is refused
        List<Throwable> during = new ArrayList<>();
        Acquisition<String> probe = (timeout, ctx) -> {
            try {
                acquire(guard, OK);
            } catch (Exception e) {
                during.add(e);
            }
            throw new IOException("still refused");
        };
        assertThatThrownBy(() -> acquire(guard, probe)).isInstanceOf(IOException.class).hasMessage("still refused");
        assertThat(during).singleElement().isInstanceOf(CircuitOpenException.class);
        assertThat(circuit.state()).as("the failed probe opened it again").isEqualTo(CircuitState.Position.OPEN);
        assertThat(refused(guard)).isTrue();
        assertThat(transitions).containsExactly("closed->open", "open->half-open", "half-open->open");
    }

    @Test
    void anOpenCircuitTakesNewSettingsAndStaysOpenItsNewDelayCountingFromWhenItOpened() throws Exception {
        ResourceGuard guard = guard(policy(0, 1, 1.0, 1));
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        now.addAndGet(DELAY.toNanos() / 2);

        guard.breaker.reconfigure(new ResiliencePolicy(0, Duration.ofMillis(1), Duration.ofMillis(4), Duration.ZERO,
                Duration.ofSeconds(10), true, 5, 0.2, DELAY.multipliedBy(2), 2, Duration.ZERO, 0, 0));

        assertThat(circuit.state()).isEqualTo(CircuitState.Position.OPEN);
        assertThat(refused(guard)).as("open still, past the old delay's half").isTrue();
        now.addAndGet(DELAY.toNanos());
        assertThat(refused(guard)).as("past the old delay, within the new one").isTrue();
        now.addAndGet(DELAY.toNanos() / 2);
        acquire(guard, OK);
        assertThat(circuit.state()).as("one probe of the new threshold's two").isEqualTo(CircuitState.Position.HALF_OPEN);
        acquire(guard, OK);
        assertThat(circuit.state()).isEqualTo(CircuitState.Position.CLOSED);
    }

    @Test
    void aClosedWindowThatShrinksKeepsItsLatestOutcomesAndIsJudgedAtOnceWithTheNewRatio() throws Exception {
        ResourceGuard guard = guard(policy(0, 4, 0.5, 1));
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        acquire(guard, OK);
        acquire(guard, OK);

        guard.breaker.reconfigure(policy(0, 2, 0.5, 1));

        assertThat(circuit.state()).as("the latest two, both successes, are kept").isEqualTo(CircuitState.Position.CLOSED);
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        assertThat(circuit.state()).as("a full window of two with one failure").isEqualTo(CircuitState.Position.OPEN);
    }

    @Test
    void aFullWindowThatHoldsEnoughFailuresForANewRatioOpensAtOnce() throws Exception {
        ResourceGuard other = guard(policy(0, 2, 1.0, 1));
        acquire(other, OK);
        assertThatThrownBy(() -> acquire(other, DOWN)).isInstanceOf(IOException.class);
        assertThat(circuit.state()).isEqualTo(CircuitState.Position.CLOSED);

        other.breaker.reconfigure(policy(0, 2, 0.5, 1));

        assertThat(circuit.state()).as("its full window already holds the new ratio's one failure")
                .isEqualTo(CircuitState.Position.OPEN);
    }

    @Test
    void aBusyPoolIsNoFailureOfTheBackendAndCountsAsASuccess() throws Exception {
        ResourceGuard guard = guard(policy(3, 2, 1.0, 1)); // opens on two failures of the last two
        AtomicInteger attempts = new AtomicInteger();
        Acquisition<String> exhausted = (timeout, ctx) -> {
            attempts.incrementAndGet();
            throw new AcquisitionTimeoutException("ledger", AcquisitionTimeoutException.Reason.POOL_EXHAUSTED, 3, "busy", null);
        };
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> acquire(guard, exhausted)).isInstanceOf(AcquisitionTimeoutException.class);
        }
        assertThat(attempts).as("not retried").hasValue(10);
        assertThat(circuit.state()).isEqualTo(CircuitState.Position.CLOSED);
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        assertThat(circuit.state()).as("one backend failure of two, the other a busy pool").isEqualTo(CircuitState.Position.CLOSED);
        assertThatThrownBy(() -> acquire(guard, DOWN)).isInstanceOf(IOException.class);
        assertThat(circuit.state()).isEqualTo(CircuitState.Position.OPEN);
    }

    @Test
    void aFirstAttemptThatFailsIsRetriedAndTheBreakerCountsOneSuccessfulAcquisition() throws Exception {
        ResourceGuard guard = guard(policy(3, 1, 1.0, 1));
        AtomicInteger attempts = new AtomicInteger();
        Acquisition<String> flaky = (timeout, ctx) -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("connection refused");
            }
            return "connection";
        };
        assertThat(acquire(guard, flaky)).isEqualTo("connection");
        assertThat(attempts).hasValue(3);
        assertThat(circuit.state()).as("a window of one holding the acquisition's success, not its attempts' failures")
                .isEqualTo(CircuitState.Position.CLOSED);
    }

    @Test
    void retriesStopAtMaxRetriesWithTheLastError() {
        ResourceGuard guard = guard(policy(2, 20, 0.5, 1));
        AtomicInteger attempts = new AtomicInteger();
        Acquisition<String> down = (timeout, ctx) -> {
            throw new IOException("refused " + attempts.incrementAndGet());
        };
        assertThatThrownBy(() -> acquire(guard, down)).isInstanceOf(IOException.class).hasMessage("refused 3");
        assertThat(circuit.lastError()).hasMessage("refused 3");
    }

    @Test
    void anErrorTheProviderCallsPermanentIsNotRetried() {
        ResourceGuard guard = guard(policy(3, 20, 0.5, 1));
        AtomicInteger attempts = new AtomicInteger();
        Acquisition<String> refused = (timeout, ctx) -> {
            attempts.incrementAndGet();
            throw new SecurityException("password authentication failed");
        };
        assertThatThrownBy(() -> acquire(guard, refused)).isInstanceOf(SecurityException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void noRetryStartsOnceMaxDurationHasPassedSinceTheFirstAttemptBegan() throws Exception {
        ResourceGuard guard = guard(policy(3, 20, 0.5, 1));
        AtomicInteger attempts = new AtomicInteger();
        Acquisition<String> slowFailure = (timeout, ctx) -> {
            attempts.incrementAndGet();
            now.addAndGet(Duration.ofSeconds(10).toNanos()); // the attempt took retry.max-duration
            throw new IOException("connection timed out");
        };
        assertThatThrownBy(() -> acquire(guard, slowFailure)).isInstanceOf(IOException.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void retriesStayWithinTheAcquisitionsBudgetAndEachIsGivenWhatIsLeftOfIt() {
        ResourceGuard guard = guard(policy(3, 20, 0.5, 1));
        List<Duration> given = new ArrayList<>();
        Acquisition<String> slowFailure = (timeout, ctx) -> {
            given.add(timeout);
            now.addAndGet(Duration.ofMillis(900).toNanos()); // each attempt takes 0.9 s of the 2 s budget
            throw new IOException("connection timed out");
        };
        assertThatThrownBy(() -> guard.acquire(slowFailure, Duration.ofSeconds(2))).isInstanceOf(IOException.class);
        assertThat(given).as("three attempts fit in 2 s although max-retries allows a fourth")
                .containsExactly(Duration.ofSeconds(2), Duration.ofMillis(1100), Duration.ofMillis(200));
    }

    @Test
    void aRetryWhoseWaitWouldEndPastTheBudgetIsNotBegun() {
        ResiliencePolicy slowBackoff = new ResiliencePolicy(3, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ZERO,
                Duration.ofSeconds(10), true, 20, 0.5, DELAY, 1, Duration.ZERO, 0, 0);
        ResourceGuard guard = guard(slowBackoff);
        AtomicInteger attempts = new AtomicInteger();
        Acquisition<String> down = (timeout, ctx) -> {
            attempts.incrementAndGet();
            throw new IOException("connection refused");
        };
        assertThatThrownBy(() -> guard.acquire(down, Duration.ofMillis(300))).isInstanceOf(IOException.class)
                .hasMessage("connection refused");
        assertThat(attempts).as("a 500 ms wait cannot end within a 300 ms budget: the caller hears now").hasValue(1);
    }

    @Test
    void anInterruptedThreadIsNotRetried() {
        ResourceGuard guard = guard(policy(3, 20, 0.5, 1));
        AtomicInteger attempts = new AtomicInteger();
        Acquisition<String> interrupted = (timeout, ctx) -> {
            attempts.incrementAndGet();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting");
        };
        try {
            assertThatThrownBy(() -> acquire(guard, interrupted)).isInstanceOf(InterruptedException.class);
            assertThat(attempts).hasValue(1);
        } finally {
            Thread.interrupted();
        }
    }
}
