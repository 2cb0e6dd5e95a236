package io.nebula.resource.core.telemetry;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.AttemptTimeoutException;
import io.nebula.resource.BulkheadFullException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.QuotaExceededException;
import io.nebula.resource.ResourceClosedException;

import java.util.Locale;

/**
 * How an acquisition ended, as metrics, spans and logs name it (attribute {@code outcome}). A small fixed set,
 * so the attribute has a bounded number of values.
 */
public enum Outcome {
    /** An instance (or connection) was handed out. */
    SUCCESS,
    /** Every instance was in use until the acquire timeout ran out. */
    EXHAUSTED,
    /** The backend is down or refusing; the error's cause is the backend's. */
    UNAVAILABLE,
    /** The attempt took longer than {@code timeout}. */
    TIMEOUT,
    /** The bulkhead was full. */
    REJECTED,
    /** The circuit breaker is open. */
    CIRCUIT_OPEN,
    /** The resource failed its deep health checks repeatedly. */
    QUARANTINED,
    /** The resource is draining or closed. */
    CLOSED,
    /** A tenant quota was hit. */
    QUOTA,
    /** The caller's deadline left no time to wait, retry or back off further. */
    DEADLINE_EXCEEDED,
    /** Anything else, such as an interrupted wait. */
    ERROR;

    private final String attribute = name().toLowerCase(Locale.ROOT);

    /** The attribute value: {@code success}, {@code circuit_open}, ... */
    public String attribute() {
        return attribute;
    }

    /** The outcome an error stands for. */
    public static Outcome of(Throwable error) {
        if (error == null) {
            return SUCCESS;
        }
        if (error instanceof AttemptTimeoutException) {
            return TIMEOUT;
        }
        if (error instanceof BulkheadFullException) {
            return REJECTED;
        }
        if (error instanceof AcquisitionTimeoutException t) {
            return switch (t.reason()) {
                case POOL_EXHAUSTED -> EXHAUSTED;
                case BACKEND_UNAVAILABLE -> UNAVAILABLE;
                case POOL_DRAINING -> CLOSED;
                case QUARANTINED -> QUARANTINED;
                case DEADLINE_EXCEEDED -> DEADLINE_EXCEEDED;
            };
        }
        if (error instanceof CircuitOpenException) {
            return CIRCUIT_OPEN;
        }
        if (error instanceof ResourceClosedException) {
            return CLOSED;
        }
        if (error instanceof QuotaExceededException) {
            return QUOTA;
        }
        if (error instanceof io.nebula.resource.ResourceException) {
            return ERROR;
        }
        if (error.getCause() instanceof io.nebula.resource.ResourceException refusal) {
            return of(refusal); // a Nebula refusal handed to a driver's caller in the driver's exception type
        }
        return UNAVAILABLE; // a driver's error from the backend itself (a JDBC getConnection)
    }

    /**
     * The {@code error.type} attribute: the backend's error class when the backend is unavailable (its cause),
     * else the error's own class. A class name, so the attribute has a bounded number of values.
     */
    public static String errorType(Throwable error) {
        Throwable e = error;
        if (e instanceof AcquisitionTimeoutException && e.getCause() != null) {
            e = e.getCause();
        }
        return e.getClass().getName();
    }
}
