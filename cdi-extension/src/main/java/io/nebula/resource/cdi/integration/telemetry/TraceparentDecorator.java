package io.nebula.resource.cdi.integration.telemetry;

import io.nebula.resource.spi.RequestDecorator;

import java.net.http.HttpRequest;

/**
 * Puts the W3C trace context of the sending thread's current span on every request an {@code http} resource
 * sends, so the server's span joins the caller's trace. Registered for the HTTP provider's
 * {@code ServiceLoader}; references no OpenTelemetry type, so it loads where OpenTelemetry is absent (and then
 * adds nothing). A {@code traceparent} the application set itself is kept.
 */
public final class TraceparentDecorator implements RequestDecorator {

    @Override
    public void decorate(String resource, HttpRequest request, HttpRequest.Builder builder) {
        if (request.headers().firstValue("traceparent").isPresent()) {
            return;
        }
        TraceContext.current().injectTraceContext(builder::setHeader);
    }
}
