package io.nebula.resource.cdi;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nebula.resource.Action;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.provider.http.HttpEndpoint;
import io.nebula.resource.provider.testing.NebulaWeld;
import io.nebula.resource.provider.testing.NebulaWeldTest;
import io.nebula.resource.provider.testing.RuntimeConfig;
import io.nebula.resource.provider.testing.TestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An {@code http} resource through the extension on Weld SE, against a real server on loopback that
 * the test starts: the injected {@link HttpEndpoint} (and its {@code HttpClient} view) sends requests
 * below the configured base URL with the configured default headers.
 *
 * <p>It lives in this module, not in {@code providers/http}: see this module's pom.
 */
@NebulaWeldTest
@TestConfig({
        "nebula.resource.payments-api.kind=http",
        "nebula.resource.payments-api.headers.X-Api-Version=2",
        "nebula.resource.payments-api.request-timeout=5s"})
class HttpInjectionTest {

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> deadlineHeaders = new CopyOnWriteArrayList<>();
    private final HttpServer server = startServer();

    @WeldSetup
    WeldInitiator weld = NebulaWeld.of(Payments.class);

    @Inject
    Payments payments;

    @RuntimeConfig
    Map<String, String> baseUrlOfTheServer() {
        return Map.of("nebula.resource.payments-api.url", base() + "/v1");
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @ApplicationScoped
    static class Payments {

        @Inject
        @NebulaResource("payments-api")
        HttpEndpoint api;

        @Inject
        @NebulaResource("payments-api")
        HttpClient client;

        String order(int id) throws IOException, InterruptedException {
            return api.send(api.request("orders/" + id).build(), HttpResponse.BodyHandlers.ofString()).body();
        }

        /** An action with a time budget: its requests tell the server what is left of it. */
        @Action(timeout = "2s")
        String orderWithin2s(int id) throws IOException, InterruptedException {
            return order(id);
        }

        int status(URI uri) throws IOException, InterruptedException {
            return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    @Test
    void theInjectedEndpointCallsTheServerBelowItsBaseUrlWithItsDefaultHeaders() throws Exception {
        assertThat(payments.order(42)).isEqualTo("order 42, api version 2");
        assertThat(requests).containsExactly("GET /v1/orders/42");
    }

    @Test
    void theHttpClientViewSendsThroughTheSameResource() throws Exception {
        assertThat(payments.status(URI.create(base() + "/v1/orders/7"))).isEqualTo(200);
        assertThat(requests).containsExactly("GET /v1/orders/7");
    }

    @Test
    void anActionsRequestsCarryWhatIsLeftOfItsTimeoutAndOthersNone() throws Exception {
        payments.orderWithin2s(1);
        payments.order(2);

        assertThat(deadlineHeaders).hasSize(2);
        assertThat(Long.parseLong(deadlineHeaders.get(0))).as("Nebula-Deadline-Ms within @Action(timeout = \"2s\")")
                .isBetween(0L, 2000L);
        assertThat(deadlineHeaders.get(1)).as("outside the action").isEqualTo("none");
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code /v1/orders/<id>} with the id and the X-Api-Version header it received. */
    private HttpServer startServer() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            s.createContext("/v1/orders/", exchange -> {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
                String deadline = exchange.getRequestHeaders().getFirst("Nebula-Deadline-Ms");
                deadlineHeaders.add(deadline == null ? "none" : deadline);
                String id = exchange.getRequestURI().getPath().substring("/v1/orders/".length());
                respond(exchange, "order " + id + ", api version " + exchange.getRequestHeaders().getFirst("X-Api-Version"));
            });
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }
}
