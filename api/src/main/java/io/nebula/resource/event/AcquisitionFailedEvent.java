package io.nebula.resource.event;

import io.nebula.resource.ResourceContext;
import io.nebula.resource.ResourceException;

import java.util.Objects;

/**
 * An acquisition failed: the pool was exhausted, the backend down, the circuit open or a quota hit. The
 * exception is the one the caller receives; its type and {@linkplain Throwable#getCause() cause} say which.
 *
 * @param resource  the resource name
 * @param context   who asked: tenant, workflow, execution and action in effect
 * @param exception the failure thrown to the caller
 */
public record AcquisitionFailedEvent(String resource, ResourceContext context, ResourceException exception) {

    public AcquisitionFailedEvent {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(exception, "exception");
    }
}
