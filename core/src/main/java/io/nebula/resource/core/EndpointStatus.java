package io.nebula.resource.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a resource knows of one of its endpoints ({@code pool.endpoints}): UP or DOWN, for how long, and the error
 * that took it down. Health reports show one per endpoint.
 *
 * @param name  the endpoint's name, as declared in {@code pool.endpoints}
 * @param up    whether new instances and leases go to it
 * @param since how long it has been in this status (measured with the pool's {@code Ticker})
 * @param error the failure that took it DOWN, the latest probe's if one failed since; empty when UP
 */
public record EndpointStatus(String name, boolean up, Duration since, Optional<Throwable> error) {

    public EndpointStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(error, "error");
    }

    static EndpointStatus up(String name, long nanos) {
        return new EndpointStatus(name, true, Duration.ofNanos(Math.max(0, nanos)), Optional.empty());
    }

    static EndpointStatus down(String name, long nanos, Throwable error) {
        return new EndpointStatus(name, false, Duration.ofNanos(Math.max(0, nanos)), Optional.ofNullable(error));
    }

    /** {@code UP} or {@code DOWN}. */
    public String status() {
        return up ? "UP" : "DOWN";
    }
}
