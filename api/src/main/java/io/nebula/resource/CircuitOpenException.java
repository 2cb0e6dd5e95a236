package io.nebula.resource;

import java.time.Instant;

/** The resource's circuit breaker is open: acquisitions fail at once until it probes again. */
public class CircuitOpenException extends ResourceException {
    private static final long serialVersionUID = 1L;

    private final Instant nextProbe;

    public CircuitOpenException(String resource, Instant nextProbe, Throwable lastError) {
        super(resource, "Circuit of resource '" + resource + "' is open"
                + (nextProbe == null ? "" : "; it will probe again at " + nextProbe), lastError);
        this.nextProbe = nextProbe;
    }

    /** When the circuit lets a probe through, if known. */
    public Instant nextProbe() {
        return nextProbe;
    }
}
