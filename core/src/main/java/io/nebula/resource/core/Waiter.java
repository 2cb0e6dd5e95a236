package io.nebula.resource.core;

import io.nebula.resource.AcquisitionTimeoutException.Reason;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * A parked acquirer. Its outcome is set once, by CAS: a slot handed to it, a failure, or its own
 * cancellation when it gives up. Whoever loses the CAS knows the other side decided, so a slot is
 * never handed to a waiter that already left, and a waiter never leaves with a slot still on its way.
 */
final class Waiter {

    /** Why a waiter was turned away without a slot; the waiter builds its own exception from it. */
    record Failure(Reason reason, Throwable cause) {
    }

    private static final Object CANCELLED = new Object();
    private static final AtomicReferenceFieldUpdater<Waiter, Object> OUTCOME =
            AtomicReferenceFieldUpdater.newUpdater(Waiter.class, Object.class, "outcome");

    private final Thread thread;
    private volatile Object outcome;

    Waiter(Thread thread) {
        this.thread = thread;
    }

    /** Hands over a slot or a {@link Failure}; {@code false} when the waiter has already left or been served. */
    boolean complete(Object result) {
        if (OUTCOME.compareAndSet(this, null, result)) {
            LockSupport.unpark(thread);
            return true;
        }
        return false;
    }

    /** The waiter gives up; {@code false} when an outcome arrived first and must be taken. */
    boolean cancel() {
        return OUTCOME.compareAndSet(this, null, CANCELLED);
    }

    /** The slot or failure handed over, or {@code null} while waiting. */
    Object outcome() {
        Object o = outcome;
        return o == CANCELLED ? null : o;
    }
}
