package io.nebula.resource.provider.http;

import io.nebula.resource.ResourceSettings;
import io.nebula.resource.provider.contract.ProviderContract;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The provider contract against a real HTTP server on loopback. */
class HttpContractTest extends ProviderContract<HttpEndpoint> {

    private static final String TOKEN = "Bearer http-S3cret-Token";
    private static TestServer server;

    @BeforeAll
    static void startServer() throws IOException {
        server = new TestServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected ResourceProvider<HttpEndpoint> provider() {
        return new HttpProvider();
    }

    @Override
    protected ResourceSettings settings() {
        return ResourceSettings.of("payments-api", "http", Map.of("url", server.url("/api"),
                "headers.Authorization", TOKEN, "health-path", "/health"));
    }

    @Override
    protected String secretValue() {
        return TOKEN;
    }

    @Override
    protected InvalidSettings invalidSettings() {
        return new InvalidSettings(ResourceSettings.of("payments-api", "http", Map.of("url", "ftp://127.0.0.1/api",
                "headers.Authorization", TOKEN, "connect-timeout", "0", "health-method", "POST")),
                Set.of("url", "connect-timeout", "health-method"));
    }

    @Override
    protected Throwable useClosedInstance(HttpEndpoint destroyed) throws InterruptedException {
        try {
            destroyed.client().send(HttpRequest.newBuilder(URI.create(server.url("/api/echo"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }

    @Override
    protected Throwable provokeNonFatalError(HttpEndpoint instance) throws InterruptedException {
        try {
            instance.send(instance.request("slow").timeout(Duration.ofMillis(200)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return null;
        } catch (HttpTimeoutException e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError("expected a timeout", e);
        }
    }

    @Override
    protected void useInstance(HttpEndpoint instance) throws IOException, InterruptedException {
        HttpResponse<String> response = instance.send(instance.request("echo?n=1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("GET /api/echo?n=1").contains("authorization: " + TOKEN);
    }
}
