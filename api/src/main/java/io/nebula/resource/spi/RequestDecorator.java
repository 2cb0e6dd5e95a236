package io.nebula.resource.spi;

import java.net.http.HttpRequest;

/**
 * Adds to every request an HTTP resource (the {@code http} provider) sends, just before it is sent: the hook through which a
 * telemetry layer puts the W3C {@code traceparent} header of the current span on outgoing calls.
 *
 * <p>Decorators come from two places: implementations registered in
 * {@code META-INF/services/io.nebula.resource.spi.RequestDecorator} (found with
 * {@link java.util.ServiceLoader} through the thread context class loader when a resource is
 * created; they apply to every HTTP resource), and {@code HttpEndpoint.addDecorator} for one
 * resource. They run in that order, on the thread that sends, after the default headers were added,
 * for requests sent through {@code HttpEndpoint.send}, {@code sendAsync} or the
 * endpoint's {@code HttpClient}. A decorator that throws is logged
 * ({@code NEBULA-2601}) and skipped: telemetry never fails a request.
 */
@FunctionalInterface
public interface RequestDecorator {

    /**
     * @param resource the name of the resource sending
     * @param request  the request as the application built it (method, URI, headers)
     * @param builder  a copy of it that is sent: set headers here ({@code builder.setHeader("traceparent", ...)})
     */
    void decorate(String resource, HttpRequest request, HttpRequest.Builder builder);
}
