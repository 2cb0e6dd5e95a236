package io.nebula.resource.core.pipeline;

import io.nebula.resource.CircuitOpenException;

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

    /** Where the circuit stands: SmallRye Fault Tolerance's three states, under its names. */
    public enum Position {
        CLOSED, OPEN, HALF_OPEN
    }

    private final String resource;
    private volatile Duration delay; // changed with circuit-breaker.delay
    private final Clock clock;
    private final BiConsumer<Position, CircuitState> onChange;
    private volatile Position state = Position.CLOSED;
    private volatile Instant openedAt;
    private volatile Throwable lastError;
    private volatile Runnable refresh = () -> { };
    private volatile Runnable whenOpened = () -> { };
    private volatile boolean changing;

    /**
     * @param delay    how long the circuit stays open ({@code circuit-breaker.delay})
     * @param onChange told {@code (from, this)} on each change, for logs
     */
    public CircuitState(String resource, Duration delay, Clock clock,
                        BiConsumer<Position, CircuitState> onChange) {
        this.resource = resource;
        this.delay = delay;
        this.clock = clock;
        this.onChange = onChange;
    }

    /** An operator changed {@code circuit-breaker.delay}: the next probe of an open circuit is this long after it opened. */
    void delay(Duration delay) {
        this.delay = delay;
    }

    /** The breaker's catch-up on time passed, run before the state is read. */
    void observe(Runnable refresh) {
        this.refresh = refresh;
    }

    /** Run each time the circuit opens, after {@code onChange}: the prober that looks for the backend's return. */
    void whenOpened(Runnable action) {
        this.whenOpened = action;
    }

    /** The breaker's state-change callback. */
    void changed(Position to) {
        Position from = state;
        if (to == Position.OPEN) {
            openedAt = clock.instant();
        }
        state = to;
        changing = true; // the callback reads the state: no move to half-open in the middle of telling "open"
        try {
            onChange.accept(from, this);
        } finally {
            changing = false;
        }
        if (to == Position.OPEN) {
            whenOpened.run();
        }
    }

    void failed(Throwable error) {
        lastError = error;
    }

    public Position state() {
        if (state == Position.OPEN && !changing) {
            refresh.run();
        }
        return state;
    }

    /** When an open circuit lets a probe through; {@code null} unless open. */
    public Instant nextProbe() {
        Instant opened = openedAt;
        return state == Position.OPEN && opened != null ? opened.plus(delay) : null;
    }

    public Throwable lastError() {
        return lastError;
    }

    /** The error of an acquisition refused because the circuit is open; its cause is the last backend error. */
    CircuitOpenException refusal() {
        return new CircuitOpenException(resource, nextProbe(), lastError);
    }

    /** {@code closed}, {@code open}, {@code half-open}: for health reports and logs. */
    public String describe() {
        return describe(state());
    }

    /** {@code nebula.resource.circuit.state}: 0 closed, 1 half-open, 2 open. */
    public int code() {
        return switch (state()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }

    /** {@code closed}, {@code open}, {@code half-open}. */
    public static String describe(Position state) {
        return switch (state) {
            case CLOSED -> "closed";
            case OPEN -> "open";
            case HALF_OPEN -> "half-open";
        };
    }
}
