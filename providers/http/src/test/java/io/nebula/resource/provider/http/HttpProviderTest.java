package io.nebula.resource.provider.http;

import io.nebula.resource.spi.RequestDecorator;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP kind against a real server on loopback: paths, headers, decorators, health, closing. */
class HttpProviderTest {

    private static TestServer server;
    private final HttpProvider provider = new HttpProvider();
    private final List<HttpEndpoint> created = new ArrayList<>();

    @BeforeAll
    static void startServer() throws IOException {
        server = new TestServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void destroy() {
        created.forEach(provider::destroy);
    }

    private HttpEndpoint create(String... keyValues) {
        Map<String, String> values = new HashMap<>(Map.of("url", server.url("/api")));
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        HttpEndpoint endpoint = provider.create(ResourceSettings.of("payments-api", "http", values));
        created.add(endpoint);
        return endpoint;
    }

    private static String echo(HttpEndpoint endpoint, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = endpoint.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    // --- the shared client //

    @Test
    void oneSharedClientIsTheHttpClientView() throws Exception {
        HttpEndpoint endpoint = create();
        assertThat(provider.topology()).isEqualTo(Topology.RESIDENT);
        assertThat(provider.views()).containsExactly(HttpClient.class);
        HttpClient view = provider.view(endpoint, HttpClient.class);
        assertThat(view).isSameAs(endpoint.client()).isSameAs(provider.view(endpoint, HttpClient.class));

        // Many callers at once over the one client.
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(view.sendAsync(endpoint.request("echo?call=" + i).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < calls.size(); i++) {
            assertThat(calls.get(i).get().body()).startsWith("GET /api/echo?call=" + i + "\n");
        }
    }

    @Test
    void timeoutsReachTheClientAndTheRequests() {
        HttpEndpoint endpoint = create("connect-timeout", "3s", "request-timeout", "7s");
        assertThat(endpoint.client().connectTimeout()).contains(Duration.ofSeconds(3));
        assertThat(endpoint.request("echo").build().timeout()).contains(Duration.ofSeconds(7));
    }

    // --- paths //

    @Test
    void pathsResolveBelowTheBaseUrl() {
        HttpEndpoint endpoint = create();
        String base = server.url("/api/");
        assertThat(endpoint.baseUri()).hasToString(base);
        assertThat(endpoint.request("orders/42").build().uri()).hasToString(base + "orders/42");
        assertThat(endpoint.request("/orders/42").build().uri()).hasToString(base + "orders/42");
        assertThat(endpoint.request("orders?status=open").build().uri()).hasToString(base + "orders?status=open");
        assertThat(endpoint.request("").build().uri()).hasToString(base);
        assertThat(endpoint.request(server.url("/other/echo")).build().uri()).hasToString(server.url("/other/echo"));
    }

    @Test
    void requestsToAnotherOriginAreRefused() {
        HttpEndpoint endpoint = create("headers.Authorization", "Bearer Origin-Secret-6");
        for (String elsewhere : List.of("https://evil.example.com/steal", "//evil.example.com/steal",
                "https://127.0.0.1:" + server.port() + "/api/echo", "http://localhost:" + server.port() + "/api/echo")) {
            assertThatThrownBy(() -> endpoint.request(elsewhere)).as(elsewhere)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'payments-api' sends only to http://127.0.0.1:" + server.port())
                    .hasMessageNotContaining("Origin-Secret-6");
        }
        HttpRequest foreign = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/api/echo")).build();
        assertThatThrownBy(() -> endpoint.client().send(foreign, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> endpoint.request("a b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid path");
    }

    // --- headers //

    @Test
    void defaultHeadersGoOnEveryRequestAndCanBeOverridden() throws Exception {
        HttpEndpoint endpoint = create("headers.Authorization", "Bearer t-1", "headers.Accept", "application/json");

        assertThat(echo(endpoint, endpoint.request("echo").build()))
                .contains("authorization: Bearer t-1", "accept: application/json");
        assertThat(echo(endpoint, endpoint.request("echo").setHeader("Accept", "text/plain").build()))
                .contains("accept: text/plain").doesNotContain("application/json");
    }

    @Test
    void requestsBuiltWithoutTheEndpointGetItsHeadersThroughTheClientView() throws Exception {
        HttpEndpoint endpoint = create("headers.Authorization", "Bearer t-2");
        HttpRequest plain = HttpRequest.newBuilder(URI.create(server.url("/api/echo"))).build();

        HttpResponse<String> response = endpoint.client().send(plain, HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).contains("authorization: Bearer t-2");
        assertThat(response.request().timeout()).contains(Duration.ofSeconds(30));
    }

    @Test
    void toStringShowsNoHeaderValue() {
        HttpEndpoint endpoint = create("headers.Authorization", "Bearer Shown-Secret-8");
        assertThat(endpoint.toString()).isEqualTo("HttpEndpoint[payments-api, " + server.url("/api/") + "]");
        assertThat(endpoint.client().toString()).doesNotContain("Shown-Secret-8");
    }

    // --- decorators //

    @Test
    void aServiceLoadedDecoratorAddsTheCurrentTraceparent() throws Exception {
        HttpEndpoint endpoint = create();
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        TraceparentDecorator.CURRENT_SPAN.set(traceparent);
        try {
            assertThat(echo(endpoint, endpoint.request("echo").build())).contains("traceparent: " + traceparent);
        } finally {
            TraceparentDecorator.CURRENT_SPAN.remove();
        }
        assertThat(echo(endpoint, endpoint.request("echo").build())).doesNotContain("traceparent");
    }

    @Test
    void anEndpointsOwnDecoratorsRunAfterTheServiceLoadedOnesAndCanBeRemoved() throws Exception {
        HttpEndpoint endpoint = create();
        List<String> seen = new CopyOnWriteArrayList<>();
        RequestDecorator tenant = (resource, request, builder) -> {
            seen.add(resource + " " + request.method() + " " + request.uri().getPath());
            builder.setHeader("X-Tenant", "acme");
        };
        endpoint.addDecorator(tenant);
        assertThat(echo(endpoint, endpoint.request("echo").build())).contains("x-tenant: acme");
        assertThat(seen).containsExactly("payments-api GET /api/echo");

        endpoint.removeDecorator(tenant);
        assertThat(echo(endpoint, endpoint.request("echo").build())).doesNotContain("x-tenant");
    }

    @Test
    void aFailingDecoratorIsLoggedAndTheRequestStillGoesOut() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("io.nebula.resource.provider.http");
        log.addHandler(handler);
        try {
            HttpEndpoint endpoint = create();
            endpoint.addDecorator((resource, request, builder) -> {
                throw new IllegalStateException("no span");
            });
            assertThat(echo(endpoint, endpoint.request("echo").build())).startsWith("GET /api/echo");
            assertThat(records).anySatisfy(r -> {
                assertThat(r.getMessage()).startsWith("NEBULA-2601").contains("'payments-api'");
                assertThat(r.getThrown()).hasMessage("no span");
            });
        } finally {
            log.removeHandler(handler);
        }
    }

    // --- health //

    @Test
    void shallowCheckUsesTheHealthMethodAndDeepCheckAGet() {
        HttpEndpoint endpoint = create("health-path", "health?verbose=no");
        server.healthMethods.clear();

        HealthStatus shallow = provider.check(endpoint, CheckDepth.SHALLOW);
        HealthStatus deep = provider.check(endpoint, CheckDepth.DEEP);

        assertThat(shallow.status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(shallow.details()).containsEntry("status", 204).containsEntry("url", server.url("/api/health"));
        assertThat(deep.status()).isEqualTo(HealthStatus.Status.UP);
        assertThat(server.healthMethods).containsExactly("HEAD", "GET");
    }

    @Test
    void serverErrorsAreDownClientErrorsDegradedRedirectsUp() {
        assertThat(provider.check(create("health-path", "broken"), CheckDepth.SHALLOW))
                .satisfies(h -> assertThat(h.status()).isEqualTo(HealthStatus.Status.DOWN))
                .satisfies(h -> assertThat(h.message()).contains("HEAD broken answered 503"));
        assertThat(provider.check(create("health-path", "secured", "health-method", "GET"), CheckDepth.SHALLOW))
                .satisfies(h -> assertThat(h.status()).isEqualTo(HealthStatus.Status.DEGRADED))
                .satisfies(h -> assertThat(h.message().orElseThrow())
                        .contains("GET secured answered 401", "nebula.resource.payments-api.health-path"));
        assertThat(provider.check(create("health-path", "moved"), CheckDepth.SHALLOW).details())
                .containsEntry("status", 302);
        assertThat(provider.check(create("health-path", "moved"), CheckDepth.SHALLOW).status())
                .isEqualTo(HealthStatus.Status.UP);
    }

    @Test
    void redirectsAreFollowedOnlyWhenAskedTo() throws Exception {
        HttpEndpoint endpoint = create("follow-redirects", "normal");
        HttpResponse<String> response = endpoint.send(endpoint.request("moved").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.uri()).hasToString(server.url("/api/health"));
    }

    @Test
    void anUnreachableServerIsDownAndItsErrorsAreNotFatal() throws IOException {
        int closedPort;
        try (TestServer gone = new TestServer()) {
            closedPort = gone.port();
        }
        HttpEndpoint endpoint = provider.create(ResourceSettings.of("gone-api", "http",
                Map.of("url", "http://127.0.0.1:" + closedPort + "/api", "connect-timeout", "2s")));
        created.add(endpoint);

        HealthStatus status = provider.check(endpoint, CheckDepth.SHALLOW);
        assertThat(status.status()).isEqualTo(HealthStatus.Status.DOWN);
        assertThat(status.error()).hasValueSatisfying(e -> assertThat(e).contains("ConnectException"));

        assertThatThrownBy(() -> endpoint.send(endpoint.request("echo").build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class)
                .satisfies(e -> assertThat(provider.isFatal(e)).isFalse())
                .satisfies(e -> assertThat(provider.isRetryable(e)).isTrue());
    }

    // --- closing //

    @Test
    void aClosedEndpointRefusesEveryUseFatally() {
        HttpEndpoint endpoint = create();
        provider.destroy(endpoint);

        assertThat(endpoint.isClosed()).isTrue();
        assertThat(provider.recycle(endpoint)).isFalse();
        assertThat(endpoint.toString()).endsWith(", closed]");
        for (Runnable use : List.<Runnable>of(() -> endpoint.request("echo"), () -> endpoint.client().newWebSocketBuilder(),
                () -> endpoint.sendAsync(HttpRequest.newBuilder(endpoint.baseUri()).build(),
                        HttpResponse.BodyHandlers.discarding()))) {
            assertThatThrownBy(use::run).isInstanceOf(IllegalStateException.class)
                    .hasMessage("HTTP resource 'payments-api' is closed")
                    .satisfies(e -> assertThat(provider.isFatal(e)).isTrue());
        }
        assertThat(provider.isFatal(new IllegalStateException("something else"))).isFalse();
        assertThat(provider.isFatal(new HttpTimeoutException("slow"))).isFalse();
    }
}
