package io.nebula.resource;

import java.time.Instant;

/**
 * The resource's circuit breaker is open: acquisitions fail at once until it probes again. In a cluster
 * ({@code nebula.cluster.resource}, docs/cluster.md) the circuit may have been opened by another node that saw the
 * backend down: {@link #seenBy()} names it.
 */
public class CircuitOpenException extends ResourceException {
    private static final long serialVersionUID = 1L;

    private final Instant nextProbe;
    private final String seenBy;

    public CircuitOpenException(String resource, Instant nextProbe, Throwable lastError) {
        super(resource, "Circuit of resource '" + resource + "' is open"
                + (nextProbe == null ? "" : "; it will probe again at " + nextProbe), lastError);
        this.nextProbe = nextProbe;
        this.seenBy = null;
    }

    /**
     * The circuit of the cluster's known-down gate: {@code seenBy} is the node that saw the backend down, named in
     * {@code message}; {@code cause} may be {@code null} (the error that node saw stays on that node).
     */
    public CircuitOpenException(String resource, String message, String seenBy, Throwable cause) {
        super(resource, message, cause);
        this.nextProbe = null;
        this.seenBy = seenBy;
    }

    /** When the circuit lets a probe through, if known. */
    public Instant nextProbe() {
        return nextProbe;
    }

    /**
     * The id of the cluster's node ({@code nebula.cluster.node-id}) that saw the backend down and opened the
     * cluster's gate; {@code null} when this node's own circuit refused.
     */
    public String seenBy() {
        return seenBy;
    }
}
