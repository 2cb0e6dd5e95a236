package io.nebula.resource.core.pipeline;

import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.ResourceState;
import io.nebula.resource.core.ResourcePool;

/**
 * What real acquisitions say about the backend, told to the engine's pool so its lifecycle (and so the resource's
 * readiness) follows at once rather than at the next scheduled check: a failure of the backend (what the circuit
 * counts: unavailable, refusing, an attempt past {@code timeout}, a driver's own error from a hand-out) or a refusal
 * by an open circuit moves the pool {@code FAILED}; the first success after that moves it {@code READY}. A busy
 * pool, a quota, a quarantine or a drain says nothing about the backend and moves nothing.
 *
 * <p>Failures are told by each attempt ({@link #eachAttempt}), so a retried acquisition moves readiness at its first
 * failed attempt. On the hit path this is one read of the pool's state. Scheduled checks still run: they are what
 * notices a backend that nobody uses.
 */
final class AcquisitionHealth {

    private final Failures failures;
    private volatile ResourcePool<?> pool; // set once the engine's pool is built, before any acquisition
    /**
     * Whether a whole acquisition failed with a backend failure (its retries spent), or the circuit opened, since the
     * pool was last anything but {@code FAILED}. A failed attempt that a retry may still make good does not set it,
     * nor does a check or a creation that found the backend down.
     */
    private volatile boolean failedByAcquisitions;
    /** Told why, when acquisitions find the backend down (the cluster's gate); nothing by default. */
    private volatile java.util.function.Consumer<String> onDown = reason -> { };

    AcquisitionHealth(Failures failures) {
        this.failures = failures;
    }

    void pool(ResourcePool<?> pool) {
        this.pool = pool;
    }

    /**
     * Tells {@code action} why, when a whole acquisition spends its retries on a backend failure while the pool was not
     * yet known down by acquisitions ({@code backend unavailable: <error class>}), and each time the circuit opens
     * ({@code circuit opened after <last error class>}): the cluster's gate publishes it. Only class names: a message
     * may carry a URL with a password. An open circuit's refusals tell nothing (they say nothing new).
     */
    void onDown(java.util.function.Consumer<String> action) {
        this.onDown = action;
    }

    /**
     * Whether acquisitions found the backend down and nothing has answered since: the pool is {@code FAILED}
     * because an acquisition spent its retries and failed with a backend failure, or a circuit opened. Not when only
     * a scheduled check or a creation found it down: a blip that a check happened to see is no reason to take
     * the retries from the next caller. Read before every acquisition's first attempt, so the flag first: it is
     * false while acquisitions succeed, and then this is one volatile read.
     */
    boolean backendDown() {
        if (!failedByAcquisitions) {
            return false;
        }
        ResourcePool<?> p = pool;
        return p != null && p.state() == ResourceState.FAILED;
    }

    /** The pool left {@code FAILED}: whatever moves it there next says again why. */
    void leftFailed() {
        if (failedByAcquisitions) {
            failedByAcquisitions = false;
        }
    }

    void succeeded() {
        ResourcePool<?> p = pool;
        // read the state rather than a flag of our own: a success racing a failure then cannot leave the pool
        // FAILED while every later acquisition succeeds
        if (p != null && p.state() == ResourceState.FAILED) {
            p.backendAnswered();
        }
    }

    /** A whole acquisition failed (told by the metering stage as it ends). */
    void failed(Throwable error) {
        tell(error, true);
    }

    private void tell(Throwable error, boolean wholeAcquisition) {
        ResourcePool<?> p = pool;
        if (p == null) {
            return;
        }
        if (error instanceof CircuitOpenException) {
            byAcquisitions();
            p.backendFailed(error);
        } else if (failures.countsAgainstCircuit(error)) {
            boolean newly = wholeAcquisition && !failedByAcquisitions;
            if (wholeAcquisition) {
                byAcquisitions();
            }
            p.backendFailed(Failures.backendError(error));
            if (newly) {
                onDown.accept("backend unavailable: " + Failures.backendError(error).getClass().getName());
            }
        }
    }

    /**
     * {@code innermost} telling each of its own failures at once: below the retry, a first attempt that finds the
     * backend down fails the pool then, not once the retries and their backoff (up to the whole budget) are spent.
     * Successes are told by the metering stage as the acquisition ends, which is at once after the attempt; so on
     * the hit path this adds a call and nothing else. An attempt past {@code timeout} is the attempt guard's, above
     * this: it is told as the acquisition ends.
     */
    <T> Acquisition<T> eachAttempt(Acquisition<T> innermost) {
        return (timeout, ctx) -> {
            try {
                return innermost.acquire(timeout, ctx);
            } catch (Throwable e) {
                try {
                    tell(e, false); // readiness moves now; the retries of later callers go only once this one failed
                } catch (RuntimeException listener) {
                    e.addSuppressed(listener); // the caller learns why it failed, not that a listener did too
                }
                throw Stages.rethrow(e);
            }
        };
    }

    /** The circuit opened: its refusals are coming, and readiness says so now. */
    void circuitOpened(CircuitState circuit) {
        ResourcePool<?> p = pool;
        if (p != null) {
            byAcquisitions();
            p.backendFailed(circuit.refusal());
        }
        Throwable last = circuit.lastError();
        onDown.accept(last == null ? "circuit opened" : "circuit opened after " + last.getClass().getName());
    }

    /** Set before the pool moves, so a caller that sees it {@code FAILED} by acquisitions sees this too. */
    private void byAcquisitions() {
        if (!failedByAcquisitions) { // read first: under an outage every failed caller comes here
            failedByAcquisitions = true;
        }
    }
}
