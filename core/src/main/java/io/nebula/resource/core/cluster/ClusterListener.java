package io.nebula.resource.core.cluster;

/**
 * What a telemetry backend hears of this node's cluster step: each call to the backend, each refusal by a
 * {@code cluster.*} limit, each acquisition admitted alone while the backend does not answer, each refusal by the
 * known-down gate. Called on the thread that made the call or is refused, so a backend can mark the acquisition's
 * current span. Never called for an acquisition served from the node's batch of permits: the hit path stays as it is,
 * what it admits is read from the counts ({@link ClusterNode#admittedAlone()}, {@link ClusterNode#roundTrips()}) when
 * collected. Each method must be cheap and must not throw.
 */
public interface ClusterListener {

    /**
     * One call to the backend took {@code nanos}; {@code answered} is false when it did not answer within the bound.
     *
     * @param operation {@code take}, {@code take_window}, {@code give}, {@code hold} or {@code heartbeat}
     */
    default void called(String operation, long nanos, boolean answered) {
    }

    /** An acquisition of {@code resource} ({@code tenant}: its tenant or {@code null}) refused by {@code limit}, a {@code cluster.*} key. */
    default void refused(String resource, String tenant, String limit) {
    }

    /** An acquisition of {@code resource} admitted by the local limits alone: the backend does not answer. */
    default void admittedAlone(String resource, String tenant) {
    }

    /** An acquisition of {@code resource} refused by the known-down gate: node {@code seenBy} saw its backend down. */
    default void gateRefused(String resource, String seenBy, String reason) {
    }
}
