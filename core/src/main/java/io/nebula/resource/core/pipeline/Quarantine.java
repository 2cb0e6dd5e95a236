package io.nebula.resource.core.pipeline;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.core.telemetry.PoolLog;
import io.nebula.resource.spi.CheckDepth;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps a pool that fails its deep health checks repeatedly from handing out new leases: after
 * {@code health.quarantine-after} consecutive failed deep checks, acquisitions fail at once with
 * {@link AcquisitionTimeoutException} reason {@code QUARANTINED}, until a check passes again. A lease already
 * out is not taken away. Shallow checks never quarantine (a ping says little), but a passing one lifts it.
 *
 * <p>An operator may quarantine the pool by hand ({@code ResourceAdmin.quarantine}), whatever
 * {@code health.quarantine-after} says: that quarantine holds, passing checks or not, until the operator releases it,
 * which lifts a quarantine by checks too.
 */
public final class Quarantine {

    private final String resource;
    private final int after;
    private final PoolLog log;
    private final ReentrantLock lock = new ReentrantLock();
    private int failures;
    private volatile boolean active;
    private volatile String lastStatus;
    private volatile String byHand; // the operator's reason while quarantined by hand

    public Quarantine(String resource, int after, PoolLog log) {
        this.resource = resource;
        this.after = after;
        this.log = log;
    }

    public boolean active() {
        return active || byHand != null;
    }

    /** Whether failed deep checks may quarantine the pool: {@code health.quarantine-after} above 0. */
    boolean byChecks() {
        return after > 0;
    }

    /** Quarantined by an operator, for {@code reason}, until {@link #release}. */
    void byHand(String reason) {
        byHand = reason == null || reason.isBlank() ? "no reason given" : reason;
        log.quarantine(true, 0, "quarantined by an operator: " + byHand);
    }

    /** Lifts the quarantine, by hand or by checks; the count of failed checks starts again. */
    void release() {
        lock.lock();
        try {
            boolean was = active();
            byHand = null;
            active = false;
            failures = 0;
            if (was) {
                log.quarantine(false, 0, "released by an operator");
            }
        } finally {
            lock.unlock();
        }
    }

    /** The error of an acquisition refused while quarantined. */
    public AcquisitionTimeoutException refusal() {
        String reason = byHand;
        if (reason != null) {
            return new AcquisitionTimeoutException(resource, AcquisitionTimeoutException.Reason.QUARANTINED, 0,
                    "NEBULA-3202 Could not acquire '" + resource + "': an operator quarantined it (" + reason + ") and it"
                            + " takes no new leases until it is released (ResourceAdmin.release)", null);
        }
        return new AcquisitionTimeoutException(resource, AcquisitionTimeoutException.Reason.QUARANTINED, 0,
                "NEBULA-3202 Could not acquire '" + resource + "': it failed " + after + " deep health checks in a row"
                        + " (nebula.resource." + resource + "." + HealthPolicy.QUARANTINE_AFTER + ") and takes no new"
                        + " leases until a check passes; last check: " + lastStatus, null);
    }

    /** A check of the pool ended with {@code status}. */
    public void checked(CheckDepth depth, HealthStatus status) {
        lock.lock();
        try {
            lastStatus = status.toString();
            if (status.status() != HealthStatus.Status.DOWN) {
                failures = 0;
                if (active) {
                    active = false;
                    log.quarantine(false, 0, lastStatus);
                }
                return;
            }
            if (depth != CheckDepth.DEEP || after == 0) {
                return;
            }
            failures++;
            if (!active && failures >= after) {
                active = true;
                log.quarantine(true, failures, lastStatus);
            }
        } finally {
            lock.unlock();
        }
    }
}
