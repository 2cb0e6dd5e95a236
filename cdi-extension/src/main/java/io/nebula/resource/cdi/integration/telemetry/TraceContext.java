package io.nebula.resource.cdi.integration.telemetry;

import io.nebula.resource.core.telemetry.Telemetry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The W3C trace context of the current span, for any client that sends messages: the HTTP provider puts it on
 * every request (through {@link TraceparentDecorator}), and others can put it on theirs (an AMQP message's
 * headers, a NATS message's). Empty when no span is current or nothing is traced.
 *
 * <pre>{@code
 * TraceContext.headers().forEach(props.getHeaders()::put);
 * }</pre>
 */
public final class TraceContext {

    private static volatile Telemetry current = Telemetry.NONE;

    private TraceContext() {
    }

    /** {@code traceparent} (and {@code tracestate} when there is one) of the current span. */
    public static Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>(2);
        current.injectTraceContext(headers::put);
        return headers;
    }

    /** The running application's telemetry; {@link Telemetry#NONE} when it stopped. */
    public static void use(Telemetry telemetry) {
        current = telemetry;
    }

    static Telemetry current() {
        return current;
    }
}
