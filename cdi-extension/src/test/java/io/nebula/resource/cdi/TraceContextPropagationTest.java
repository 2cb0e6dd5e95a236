package io.nebula.resource.cdi;

import com.sun.net.httpserver.HttpServer;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.cdi.integration.telemetry.TraceContext;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.TestConfig;
import io.nebula.resource.cdi.testing.TestTelemetry;
import io.nebula.resource.provider.http.HttpEndpoint;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outgoing requests of an {@code http} resource carry the W3C trace context of the caller's span, so the
 * server's span joins the caller's trace: against a real server on the loopback interface that records the
 * {@code traceparent} header it receives. Runs in its own JVM, with the HTTP provider on the class path.
 */
@ExtendWith(TestTelemetry.Reset.class)
@NebulaWeldTest
@TestConfig("nebula.resource.payments-api.kind=http") // its url, with the server's port, is a system property
class TraceContextPropagationTest {

    private static final String URL = "nebula.resource.payments-api.url";
    private static HttpServer server;
    private static final List<String> received = new CopyOnWriteArrayList<>();

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(NebulaWeld.container(TestTelemetry.Producer.class)).build();

    @Inject
    @NebulaResource("payments-api")
    Instance<HttpEndpoint> payments;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        System.setProperty(URL, "http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
        server.createContext("/", exchange -> {
            received.add(String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
        System.clearProperty(URL);
    }

    @Test
    void requestsCarryTheCallersTraceContext() throws Exception {
        Span parent = TestTelemetry.openTelemetry().getTracer("test").spanBuilder("charge order 42").startSpan();
        HttpResponse<Void> response;
        try (Scope ignored = parent.makeCurrent()) {
            HttpEndpoint endpoint = payments.get();
            response = endpoint.send(endpoint.request("charges").build(), HttpResponse.BodyHandlers.discarding());
            assertThat(TraceContext.headers()).as("available to other clients too")
                    .containsEntry("traceparent", received.get(received.size() - 1));
        } finally {
            parent.end();
        }
        assertThat(response.statusCode()).isEqualTo(204);
        String traceparent = received.get(received.size() - 1);
        assertThat(traceparent).startsWith("00-" + parent.getSpanContext().getTraceId() + "-")
                .endsWith("-" + parent.getSpanContext().getTraceFlags().asHex());
    }

    @Test
    void withoutACurrentSpanNothingIsAdded() throws Exception {
        HttpEndpoint endpoint = payments.get();
        endpoint.send(endpoint.request("charges").build(), HttpResponse.BodyHandlers.discarding());
        assertThat(received.get(received.size() - 1)).isEqualTo("null");
        assertThat(TraceContext.headers()).isEmpty();
    }
}
