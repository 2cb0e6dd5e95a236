package io.nebula.resource.event;

import io.nebula.resource.ResourceContext;

import java.time.Duration;
import java.util.Objects;

/**
 * A lease has been held longer than the resource's {@code pool.leak-threshold}. Reported once per lease.
 *
 * @param resource   the resource name
 * @param context    who acquired the lease
 * @param heldFor    how long it had been held when the leak was noticed
 * @param acquiredAt a throwable whose stack trace shows where the lease was acquired; {@code null} when
 *                   the engine did not capture one
 */
public record LeakDetectedEvent(String resource, ResourceContext context, Duration heldFor, Throwable acquiredAt) {

    public LeakDetectedEvent {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(heldFor, "heldFor");
    }
}
