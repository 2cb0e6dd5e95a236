package io.nebula.resource;

/**
 * One attempt of an acquisition ran longer than the resource's {@code timeout} and was interrupted. A backend
 * that answers this slowly is treated as unavailable: the attempt is retried (within {@code retry.*}) and counts
 * against the circuit breaker. The cause is the timeout library's own error.
 */
public class AttemptTimeoutException extends AcquisitionTimeoutException {
    private static final long serialVersionUID = 1L;

    public AttemptTimeoutException(String resource, String message, Throwable cause) {
        super(resource, Reason.BACKEND_UNAVAILABLE, 0, message, cause);
    }
}
