package io.nebula.resource.core;

import io.nebula.resource.HealthStatus;

/**
 * A provider's check answered DOWN: the error an endpoint is marked DOWN with when no exception said why. Without a
 * stack trace: where the check ran says nothing about the backend.
 */
final class CheckFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CheckFailure(HealthStatus status) {
        super("a check answered DOWN: " + status.message().orElse("no reason given"), null, false, false);
    }
}
