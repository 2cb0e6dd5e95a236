package io.nebula.resource.core;

/**
 * Who else must agree before a failing pool's recovery probe asks the backend. Without a cluster the pool probes
 * alone ({@link #ALONE}); with one, the cluster's known-down gate lets one probe at a time run on all nodes together
 * ({@code ResourceGate.recoveryProbes()}), so the engine's own probe, like the circuit's prober, goes through the
 * cluster's probe claim while the gate is open.
 *
 * <p>The pool asks {@link #claim} only once it has won its own one-probe-at-a-time turn ({@code Recovery}, or, while
 * {@link #knownDown}, being the only creation under way), so at most one claim per pool is outstanding, and it always
 * tells the outcome of a granted claim through {@link #answered}.
 */
public interface ProbeClaim {

    /** Probes on its own: the pool's behaviour without a cluster. */
    ProbeClaim ALONE = new ProbeClaim() {
        @Override
        public boolean claim() {
            return true;
        }

        @Override
        public void answered(boolean up) {
        }
    };

    /**
     * Whether the backend is known down elsewhere (the cluster's gate is open) though this pool has not seen it fail:
     * then what the pool creates on its own (its floor) is one of the cluster's probes too, one at a time, through
     * {@link #claim}.
     */
    default boolean knownDown() {
        return false;
    }

    /**
     * Whether the calling thread's acquisition already holds the cluster's claim (it passed the cluster's gate as its
     * one probe) and its pool has not probed on it yet: the cluster has spaced the probes by its probe interval, so the
     * pool lets this one probe without waiting out its own backoff. Once per claim: a second creation asked for on the
     * same thread (a failed probe's own follow-up) waits out the backoff.
     */
    default boolean heldByCaller() {
        return false;
    }

    /** Whether the pool's recovery probe may ask the backend now; {@code false} skips this turn. */
    boolean claim();

    /**
     * The probe that {@link #claim} let through ended: {@code up} when its creation succeeded; {@code false} too when
     * it could not be started after all.
     */
    void answered(boolean up);
}
