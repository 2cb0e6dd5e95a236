package io.nebula.resource.sample.workflows;

import io.nebula.resource.AcquisitionTimeoutException;
import io.nebula.resource.CircuitOpenException;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceClosedException;
import io.nebula.resource.ResourceException;
import io.nebula.resource.admin.AdminAction;
import io.nebula.resource.admin.ResourcePausedException;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Why an action failed, when the reason is a resource it could not have: the run is then answered with 503 (the
 * service is unavailable for now, not broken) naming the resource and the reason.
 *
 * @param resource the resource's name
 * @param reason   {@code CIRCUIT_OPEN}; an {@link AcquisitionTimeoutException}'s reason ({@code BACKEND_UNAVAILABLE},
 *                 {@code POOL_EXHAUSTED}, {@code QUARANTINED}, {@code POOL_DRAINING}); {@code CLOSED}; {@code PAUSED} or
 *                 {@code DRAINED} (an operator's hold, {@link ResourcePausedException}); or {@code DOWN}
 *                 when a connection broke in the action's hands and the resource's health says it is down
 * @param message  the exception's message, or for {@code DOWN} the resource's health message (the backend's error)
 */
public record Unavailable(String resource, String reason, String message) {

    /** SQLState class 08, "connection exception": the connection could not be made, or was lost. */
    private static final String CONNECTION_EXCEPTION_CLASS = "08";

    /**
     * Whether {@code error}, the failure of an action declaring {@code declared}, is the unavailability of one of them.
     * First what the extension says, typed and naming the resource: an open circuit, an acquisition that failed with
     * its reason, a closed resource, anywhere in the causes (a JDBC {@code getConnection()} wraps them in an
     * {@code SQLException}). Then a driver's own connection failure (a connection that broke in use), which names no
     * resource: it is put down to the first declared resource whose health is DOWN, if any.
     *
     * @param health a resource's health now, cascaded through its dependencies
     */
    static Optional<Unavailable> of(Throwable error, List<String> declared, Function<String, HealthStatus> health) {
        boolean connectionLost = false;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable e = error; e != null && seen.put(e, Boolean.TRUE) == null; e = e.getCause()) {
            if (e instanceof ResourceException r && r.resource() != null) {
                String reason = reason(r);
                if (reason != null) {
                    return Optional.of(new Unavailable(r.resource(), reason, r.getMessage()));
                }
            }
            if (e instanceof SQLException sql && sql.getSQLState() != null
                    && sql.getSQLState().startsWith(CONNECTION_EXCEPTION_CLASS)) {
                connectionLost = true;
            }
        }
        if (!connectionLost) {
            return Optional.empty();
        }
        for (String resource : declared) {
            HealthStatus status = health.apply(resource);
            if (status != null && status.status() == HealthStatus.Status.DOWN) {
                return Optional.of(new Unavailable(resource, "DOWN", status.message().orElse(null)));
            }
        }
        return Optional.empty();
    }

    private static String reason(ResourceException e) {
        if (e instanceof CircuitOpenException) {
            return "CIRCUIT_OPEN";
        }
        if (e instanceof AcquisitionTimeoutException t) {
            return t.reason().name();
        }
        if (e instanceof ResourceClosedException) {
            return "CLOSED";
        }
        if (e instanceof ResourcePausedException p) { // an operator's hold: unavailable until resumed
            return p.action() == AdminAction.DRAIN ? "DRAINED" : "PAUSED";
        }
        return null; // a quota, a missing tenant, a configuration: the request's or the application's error
    }
}
