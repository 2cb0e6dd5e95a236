package io.nebula.resource.provider.http;

import com.sun.net.httpserver.HttpServer;
import io.nebula.resource.Deadline;
import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, point 3: a request sent by a thread with a deadline tells the server what is left of it, in the
 * {@code Nebula-Deadline-Ms} header. Against a real server on loopback that records the header of every request.
 */
class DeadlineHeaderTest {

    private HttpServer server;
    private final List<Optional<String>> received = new CopyOnWriteArrayList<>();
    private final HttpProvider provider = new HttpProvider();
    private HttpEndpoint endpoint;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/work", exchange -> {
            received.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Nebula-Deadline-Ms")));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        endpoint = provider.create(ResourceSettings.of("payments-api", "http",
                Map.of("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/api")));
    }

    @AfterEach
    void stop() {
        provider.destroy(endpoint);
        server.stop(0);
    }

    private void send() throws IOException, InterruptedException {
        assertThat(endpoint.send(endpoint.request("work").build(), BodyHandlers.discarding()).statusCode()).isEqualTo(204);
    }

    /** A deadline of {@code budget} of which {@code spent} is already gone. */
    private static Deadline spent(Duration spent, Duration budget) {
        return Deadline.after(budget, System.nanoTime() - spent.toNanos());
    }

    @Test
    void withoutADeadlineNoHeaderIsSent() throws Exception {
        send();

        assertThat(received).containsExactly(Optional.empty());
    }

    @Test
    void theServerIsToldWhatIsLeftOfTheDeadlineNotTheWholeBudget() throws Exception {
        try (Deadline.Binding b = spent(Duration.ofMillis(500), Duration.ofSeconds(2)).bind()) {
            send();
        }
        send();

        assertThat(received).hasSize(2);
        assertThat(received.get(0)).hasValueSatisfying(ms -> assertThat(Long.parseLong(ms)).isBetween(0L, 1500L));
        assertThat(received.get(1)).as("the binding closed").isEmpty();
    }

    @Test
    void aDeadlineThatHasPassedIsSentAsZero() throws Exception {
        try (Deadline.Binding b = spent(Duration.ofSeconds(3), Duration.ofSeconds(1)).bind()) {
            send();
        }

        assertThat(received).containsExactly(Optional.of("0"));
    }

    @Test
    void theClientViewAndAsynchronousSendsCarryItAndAValueTheApplicationSetIsKept() throws Exception {
        try (Deadline.Binding b = spent(Duration.ZERO, Duration.ofSeconds(1)).bind()) {
            endpoint.client().send(endpoint.request("work").build(), BodyHandlers.discarding());
            endpoint.sendAsync(endpoint.request("work").build(), BodyHandlers.discarding()).get(10, TimeUnit.SECONDS);
            endpoint.send(endpoint.request("work").header("Nebula-Deadline-Ms", "42").build(), BodyHandlers.discarding());
        }

        assertThat(received).hasSize(3);
        assertThat(received.subList(0, 2)).allSatisfy(v -> assertThat(v).hasValueSatisfying(
                ms -> assertThat(Long.parseLong(ms)).isBetween(0L, 1000L)));
        assertThat(received.get(2)).hasValue("42");
    }
}
