package io.nebula.resource.provider.http;

import io.nebula.resource.spi.RequestDecorator;
import java.net.http.HttpRequest;

/**
 * Stands in for a telemetry layer: registered through META-INF/services, it puts the "current span"
 * of the sending thread on outgoing requests as a W3C traceparent.
 */
public final class TraceparentDecorator implements RequestDecorator {

    static final ThreadLocal<String> CURRENT_SPAN = new ThreadLocal<>();

    @Override
    public void decorate(String resource, HttpRequest request, HttpRequest.Builder builder) {
        String span = CURRENT_SPAN.get();
        if (span != null) {
            builder.setHeader("traceparent", span);
        }
    }
}
