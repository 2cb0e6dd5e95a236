package io.nebula.resource.faults;

import com.sun.net.httpserver.HttpServer;
import io.nebula.resource.Lease;
import io.nebula.resource.provider.http.HttpEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * HTTP ({@code http}, one shared client), held as the {@code HttpEndpoint}, against an HTTP server in the test's JVM
 * (there is no local HTTP service) behind the proxy. Making the client connects to nothing, so an acquisition never
 * meets the server: with the server away leases are still served, the circuit never opens, and requests fail with the
 * client's {@code ConnectException}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpFailureTableTest extends ResidentFailureTable<HttpEndpoint> {

    private HttpServer server;

    @BeforeAll
    void startTheServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    void stopTheServer() {
        server.stop(0);
    }

    @Override
    Map<String, String> kindKeys() {
        return Map.of("kind", "http", "url", "http://{proxy}/api", "connect-timeout", "1s", "request-timeout", "1s");
    }

    @Override
    int serverPort() {
        return server.getAddress().getPort();
    }

    @Override
    Class<?> leaseType() {
        return HttpEndpoint.class;
    }

    @Override
    Class<? extends Throwable> backendError() {
        return ConnectException.class;
    }

    @Override
    Class<HttpEndpoint> viewType() {
        return HttpEndpoint.class;
    }

    @Override
    void call(HttpEndpoint instance) throws Exception {
        instance.send(instance.request("orders/42").build(), HttpResponse.BodyHandlers.discarding());
    }

    @Override
    Class<? extends Throwable> clientErrorWhileAway() {
        return ConnectException.class;
    }

    @Override
    Class<? extends Throwable> clientErrorOnceClosed() {
        return IllegalStateException.class;
    }

    /** The lease is served; the request on it fails with the client's error. */
    @Test
    @Override
    void backendDown() throws Exception {
        try (Rig rig = rig("circuit-breaker.enabled", "false")) {
            takeTheBackendAway(rig);
            try (Lease<?> lease = lease(rig)) {
                assertThat(catchThrowable(() -> call((HttpEndpoint) lease.get()))).isInstanceOf(ConnectException.class);
            }
        }
    }

    /** Nothing an acquisition does fails against a server that is away, so the circuit stays closed. */
    @Test
    @Override
    void circuitOpen() throws Exception {
        try (Rig rig = rig("circuit-breaker.request-volume-threshold", "1", "circuit-breaker.failure-ratio", "1",
                "circuit-breaker.delay", "60s", "retry.max-retries", "0")) {
            takeTheBackendAway(rig);
            for (int i = 0; i < 3; i++) {
                assertThat(acquiring(rig)).isNull();
            }
            assertThat(rig.readiness("circuit")).contains("closed");
            assertThat(catchThrowable(() -> rig.bean(Act.class).run())).as("the @Action").isNull();
        }
    }
}
