package io.nebula.resource.sample.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The dashboard's files (nebula-resource-dashboard's {@code META-INF/resources}) served from the source tree on a
 * free local port, its JSON answered by the test's handlers: what the page tests against a fixture
 * ({@link DashboardPageIT}, {@link DashboardClusterPageIT}) share. {@code /nebula/...} is the dashboard, any other
 * path the {@code webapp} directory, if one is given.
 */
final class PageFixture implements AutoCloseable {

    static final Path DASHBOARD = Path.of(System.getProperty("dashboard.webapp",
            "../cdi-extension/dashboard/src/main/resources/META-INF/resources")).toAbsolutePath().normalize();
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "css", "text/css", "js", "text/javascript");

    private final HttpServer server;

    /** Serves the page, and the files of {@code webapp} (may be {@code null}) at the other paths. */
    PageFixture(Path webapp) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Path root = path.startsWith("/nebula/") || webapp == null ? DASHBOARD : webapp;
            Path file = root.resolve(path.endsWith("/") ? path.substring(1) + "index.html" : path.substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                send(exchange, 404, "text/plain", "not found");
                return;
            }
            String name = file.getFileName().toString();
            send(exchange, 200, TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream"),
                    Files.readString(file));
        });
        server.start();
    }

    /** Answers the requests under {@code path} (the longest path registered wins). */
    PageFixture answer(String path, HttpHandler handler) {
        server.createContext(path, handler);
        return this;
    }

    /** {@code /nebula/dashboard/} on this server. */
    String dashboard() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/nebula/dashboard/";
    }

    static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** Closes the browser, then stops the server, each even if the other fails; both may be {@code null}. */
    static void close(Browser browser, PageFixture page) {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (page != null) {
                page.close();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
