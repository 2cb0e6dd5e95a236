package io.nebula.resource.cdi.resilience;

import io.nebula.resource.CircuitOpenException;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * What one pool's circuit breaker is doing, as told by the breaker's state-change callback: its state, when
 * it opened (so an open circuit can say when it probes again) and the last backend error it counted. Reading
 * the state lets the breaker move an open circuit whose delay is over to half-open first, so an observer (a
 * health report) sees it half-open without an acquisition having come.
 */
public final class CircuitState {

    private final String resource;
    private final Duration delay;
    private final Clock clock;
    private final BiConsumer<CircuitBreakerState, CircuitState> onChange;
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
    private volatile Instant openedAt;
    private volatile Throwable lastError;
    private volatile Runnable refresh = () -> { };
    private volatile boolean changing;

    /**
     * @param delay    how long the circuit stays open ({@code circuit-breaker.delay})
     * @param onChange told {@code (from, this)} on each change, for logs
     */
    public CircuitState(String resource, Duration delay, Clock clock,
                        BiConsumer<CircuitBreakerState, CircuitState> onChange) {
        this.resource = resource;
        this.delay = delay;
        this.clock = clock;
        this.onChange = onChange;
    }

    /** The breaker's catch-up on time passed, run before the state is read. */
    void observe(Runnable refresh) {
        this.refresh = refresh;
    }

    /** The breaker's state-change callback. */
    void changed(CircuitBreakerState to) {
        CircuitBreakerState from = state;
        if (to == CircuitBreakerState.OPEN) {
            openedAt = clock.instant();
        }
        state = to;
        changing = true; // the callback reads the state: no move to half-open in the middle of telling "open"
        try {
            onChange.accept(from, this);
        } finally {
            changing = false;
        }
    }

    void failed(Throwable error) {
        lastError = error;
    }

    public CircuitBreakerState state() {
        if (state == CircuitBreakerState.OPEN && !changing) {
            refresh.run();
        }
        return state;
    }

    /** When an open circuit lets a probe through; {@code null} unless open. */
    public Instant nextProbe() {
        Instant opened = openedAt;
        return state == CircuitBreakerState.OPEN && opened != null ? opened.plus(delay) : null;
    }

    public Throwable lastError() {
        return lastError;
    }

    /** The error of an acquisition refused because the circuit is open; its cause is the last backend error. */
    CircuitOpenException refusal(Throwable openException) {
        Throwable last = lastError;
        CircuitOpenException e = new CircuitOpenException(resource, nextProbe(), last != null ? last : openException);
        if (last != null) {
            e.addSuppressed(openException);
        }
        return e;
    }

    /** {@code closed}, {@code open}, {@code half-open}: for health reports and logs. */
    public String describe() {
        return describe(state());
    }

    /** {@code closed}, {@code open}, {@code half-open}. */
    public static String describe(CircuitBreakerState state) {
        return switch (state) {
            case CLOSED -> "closed";
            case OPEN -> "open";
            case HALF_OPEN -> "half-open";
        };
    }
}
