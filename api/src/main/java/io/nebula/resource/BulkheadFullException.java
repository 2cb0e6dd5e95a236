package io.nebula.resource;

/**
 * The resource's bulkhead ({@code bulkhead.max-concurrent}, {@code bulkhead.queue}) had no place for another
 * acquisition. Like an exhausted pool, it says nothing about the backend: not retried, not counted by the circuit
 * breaker.
 */
public class BulkheadFullException extends AcquisitionTimeoutException {
    private static final long serialVersionUID = 1L;

    public BulkheadFullException(String resource, String message, Throwable cause) {
        super(resource, Reason.POOL_EXHAUSTED, 0, message, cause);
    }
}
