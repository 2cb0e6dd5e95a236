package io.nebula.resource.provider.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real HTTP server on loopback, port chosen by the system, serving under {@code /api/}:
 * {@code health} (204), {@code broken} (503), {@code secured} (401), {@code moved} (302 to health),
 * {@code echo} (the request line and headers as text), {@code slow} (answers when released).
 */
final class TestServer implements AutoCloseable {

    final List<String> healthMethods = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);

    TestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/api/health", exchange -> {
            healthMethods.add(exchange.getRequestMethod());
            respond(exchange, 204, "");
        });
        server.createContext("/api/broken", exchange -> respond(exchange, 503, "down for maintenance"));
        server.createContext("/api/secured", exchange -> respond(exchange, 401, "who are you?"));
        server.createContext("/api/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "/api/health");
            respond(exchange, 302, "");
        });
        server.createContext("/api/echo", exchange -> respond(exchange, 200, describe(exchange)));
        server.createContext("/other/echo", exchange -> respond(exchange, 200, describe(exchange)));
        server.createContext("/api/slow", exchange -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "finally");
        });
        server.createContext("/", exchange -> respond(exchange, 404, "no such thing"));
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private static String describe(HttpExchange exchange) {
        Map<String, List<String>> headers = exchange.getRequestHeaders();
        return exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n" + headers.entrySet().stream()
                .map(h -> h.getKey().toLowerCase() + ": " + String.join(",", h.getValue()))
                .sorted().collect(Collectors.joining("\n"));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean empty = bytes.length == 0 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, empty ? -1 : bytes.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
