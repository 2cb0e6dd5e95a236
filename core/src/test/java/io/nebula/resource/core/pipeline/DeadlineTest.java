package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AcquisitionTimeoutException.Reason;
import io.nebula.resource.Deadline;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.Lease;
import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.telemetry.Outcome;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.HandOutPipeline;
import io.nebula.resource.spi.ResourceProvider;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Issue 15, point 3: an acquisition made for a context with a {@link Deadline} never waits, retries or backs off past
 * it, and fails with {@code DEADLINE_EXCEEDED} saying what was left of it. On the pool's fake clock, which only the
 * fake source moves: each attempt takes the time it says, or what it was told when that is less.
 */
class DeadlineTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<WovenPool<?>> pools = new ArrayList<>();

    private Source source(Sessions sessions, String... keyValues) {
        Map<String, String> keys = new HashMap<>(Map.of("health.interval", "0", "pool.acquire-timeout", "2s",
                "retry.max-retries", "5", "retry.delay", "1ms", "retry.max-delay", "1ms", "retry.jitter", "0",
                "circuit-breaker.enabled", "false"));
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.put(keyValues[i], keyValues[i + 1]);
        }
        WovenPool<Source> pool = WovenPool.builder(sessions, ResourceSettings.of("ledger", "fake", keys)).ticker(now::get).build();
        pools.add(pool);
        pool.start();
        try (Lease<Source> lease = pool.acquire()) {
            return pool.handingOut(lease.get(), () -> sessions.context);
        }
    }

    @AfterEach
    void close() {
        pools.forEach(WovenPool::close);
    }

    private Deadline in(long millis) {
        return Deadline.after(Duration.ofMillis(millis), now.get());
    }

    private Duration elapsedSince(long start) {
        return Duration.ofNanos(now.get() - start);
    }

    @Test
    void theRetryStopsAtTheDeadlineEachAttemptToldWhatIsLeftOfIt() {
        Sessions sessions = new Sessions(Duration.ofMillis(100)); // each attempt refused after 100 ms
        Source source = source(sessions);
        sessions.context = ResourceContext.GLOBAL.withDeadline(in(250));

        long start = now.get();
        AcquisitionTimeoutException e = catchThrowableOfType(source::connect, AcquisitionTimeoutException.class);

        assertThat(sessions.given).as("five retries allowed and a 2 s budget; the deadline has room for two")
                .containsExactly(Duration.ofMillis(250), Duration.ofMillis(150), Duration.ofMillis(50));
        assertThat(elapsedSince(start)).isEqualTo(Duration.ofMillis(250));
        assertThat(e.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        assertThat(e.getMessage()).contains("'ledger'").contains("deadline exceeded: 0 ms of 250 ms left");
        assertThat(e.getCause()).as("what the last attempt met").isInstanceOf(ConnectException.class);
    }

    @Test
    void noBackoffBeginsThatWouldEndPastTheDeadlineAndTheFailureSaysWhatWasLeft() {
        Sessions sessions = new Sessions(Duration.ofMillis(100));
        Source source = source(sessions, "retry.delay", "200ms", "retry.max-delay", "200ms");
        sessions.context = ResourceContext.GLOBAL.withDeadline(in(250));

        long start = now.get();
        AcquisitionTimeoutException e = catchThrowableOfType(source::connect, AcquisitionTimeoutException.class);

        assertThat(sessions.given).as("a wait of 200 ms with 150 ms left is not begun").hasSize(1);
        assertThat(elapsedSince(start)).isEqualTo(Duration.ofMillis(100));
        assertThat(e.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        assertThat(e.getMessage()).contains("deadline exceeded: 150 ms of 250 ms left");
    }

    @Test
    void theWaitForAFreeInstanceIsCutToTheDeadline() {
        Sessions sessions = new Sessions(Duration.ZERO);
        sessions.exhausted = true; // every session in use: an attempt waits as long as it is told, then gives up
        Source source = source(sessions, "retry.max-retries", "0");
        sessions.context = ResourceContext.GLOBAL.withDeadline(in(300));

        long start = now.get();
        AcquisitionTimeoutException e = catchThrowableOfType(source::connect, AcquisitionTimeoutException.class);

        assertThat(sessions.given).as("min(pool.acquire-timeout, what is left)").containsExactly(Duration.ofMillis(300));
        assertThat(elapsedSince(start)).isEqualTo(Duration.ofMillis(300));
        assertThat(e.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        assertThat(e.getMessage()).contains("deadline exceeded: 0 ms of 300 ms left").contains("no session became free");
        assertThat(e.getCause()).isInstanceOfSatisfying(AcquisitionTimeoutException.class,
                exhausted -> assertThat(exhausted.reason()).isEqualTo(Reason.POOL_EXHAUSTED));
    }

    @Test
    void aDeadlineFurtherThanTheBudgetChangesNothing() {
        Sessions sessions = new Sessions(Duration.ZERO);
        sessions.exhausted = true;
        Source source = source(sessions, "retry.max-retries", "0");
        sessions.context = ResourceContext.GLOBAL.withDeadline(in(60_000));

        AcquisitionTimeoutException e = catchThrowableOfType(source::connect, AcquisitionTimeoutException.class);

        assertThat(sessions.given).as("the pool's own timeout").containsExactly((Duration) null);
        assertThat(e.reason()).isEqualTo(Reason.POOL_EXHAUSTED);
    }

    @Test
    void aDeadlineAlreadyPassedFailsAtOnceWithoutAnAttemptAndIsCountedAsSuch() {
        Sessions sessions = new Sessions(Duration.ZERO);
        Source source = source(sessions);
        WovenPool<?> pool = pools.get(0);
        sessions.context = ResourceContext.GLOBAL.withDeadline(in(250));
        now.addAndGet(Duration.ofMillis(400).toNanos());

        AcquisitionTimeoutException e = catchThrowableOfType(source::connect, AcquisitionTimeoutException.class);

        assertThat(e.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        assertThat(e.getMessage()).contains("deadline exceeded: 0 ms of 250 ms left");
        assertThat(sessions.given).as("no attempt").isEmpty();
        assertThat(pool.counts().count(Outcome.DEADLINE_EXCEEDED)).as("metered, outcome=deadline_exceeded").isEqualTo(1);
    }

    @Test
    void aContextTakesTheEarlierOfTwoDeadlines() {
        Sessions sessions = new Sessions(Duration.ZERO);
        sessions.exhausted = true;
        Source source = source(sessions, "retry.max-retries", "0");
        sessions.context = ResourceContext.GLOBAL.withDeadline(in(200)).withDeadline(in(900));

        catchThrowableOfType(source::connect, AcquisitionTimeoutException.class);

        assertThat(sessions.given).containsExactly(Duration.ofMillis(200));
    }

    @Test
    void aRetryCutShortByTheDeadlineCountsAgainstTheCircuitAsTheBackendErrorItStopped() {
        Sessions sessions = new Sessions(Duration.ofMillis(100));
        Source source = source(sessions, "circuit-breaker.enabled", "true", "circuit-breaker.request-volume-threshold", "1");
        sessions.context = ResourceContext.GLOBAL.withDeadline(in(250));

        catchThrowableOfType(source::connect, AcquisitionTimeoutException.class);

        CircuitState circuit = pools.get(0).circuit().orElseThrow();
        assertThat(circuit.state()).isEqualTo(CircuitState.Position.OPEN);
        assertThat(circuit.lastError()).as("the backend's own error").isInstanceOf(ConnectException.class);
    }

    @Test
    void aWaitCutShortByTheDeadlineSaysNothingAboutTheBackend() {
        Sessions sessions = new Sessions(Duration.ZERO);
        sessions.exhausted = true;
        Source source = source(sessions, "retry.max-retries", "0", "circuit-breaker.enabled", "true",
                "circuit-breaker.request-volume-threshold", "1");
        sessions.context = ResourceContext.GLOBAL.withDeadline(in(250));

        catchThrowableOfType(source::connect, AcquisitionTimeoutException.class);

        assertThat(pools.get(0).circuit().orElseThrow().state()).isEqualTo(CircuitState.Position.CLOSED);
    }

    /** A resident source that hands out sessions itself, as a JDBC data source does, behind the pool's pipeline. */
    final class Source {
        private volatile HandOutPipeline.Gate<String> gate;
        private final Sessions sessions;

        Source(Sessions sessions) {
            this.sessions = sessions;
        }

        String connect() throws Exception {
            return gate.get();
        }
    }

    /**
     * Each attempt is refused after {@code attempt}, or after what it was told when that is less; when
     * {@link #exhausted}, it waits for a free session as long as it was told (or the budget, when told nothing) and
     * finds none.
     */
    final class Sessions implements ResourceProvider<Source> {

        final List<Duration> given = Collections.synchronizedList(new ArrayList<>());
        private final Duration attempt;
        volatile boolean exhausted;
        volatile ResourceContext context = ResourceContext.GLOBAL;

        Sessions(Duration attempt) {
            this.attempt = attempt;
        }

        private String open(Duration within) throws Exception {
            given.add(within);
            if (exhausted) {
                now.addAndGet((within != null ? within : Duration.ofSeconds(2)).toNanos());
                throw new AcquisitionTimeoutException("ledger", Reason.POOL_EXHAUSTED, 0, "no session became free", null);
            }
            now.addAndGet((within != null && within.compareTo(attempt) < 0 ? within : attempt).toNanos());
            throw new ConnectException("connection refused");
        }

        @Override
        public String kind() {
            return "fake";
        }

        @Override
        public Class<Source> type() {
            return Source.class;
        }

        @Override
        public Topology topology() {
            return Topology.RESIDENT;
        }

        @Override
        public Source create(ResourceSettings settings) {
            return new Source(this);
        }

        @Override
        public void handOutThrough(Source instance, HandOutPipeline pipeline) {
            instance.gate = pipeline.bounded(this::open);
        }

        @Override
        public HealthStatus check(Source instance, CheckDepth depth) {
            return HealthStatus.up();
        }

        @Override
        public void destroy(Source instance) {
        }
    }
}
