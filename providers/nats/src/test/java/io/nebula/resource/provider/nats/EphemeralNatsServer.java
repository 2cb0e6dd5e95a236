package io.nebula.resource.provider.nats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real nats-server of the tests' own, on a free loopback port, for what the shared server must
 * not be put through: required credentials, being stopped and started again. Starts in milliseconds.
 */
final class EphemeralNatsServer implements AutoCloseable {

    private static final String BINARY = "/usr/sbin/nats-server";

    private static final Pattern SUBSCRIPTIONS = Pattern.compile("\"subscriptions\":\\s*(\\d+)");

    private final int port;
    private final int monitorPort;
    private final List<String> authArgs;
    private Process process;

    private EphemeralNatsServer(int port, int monitorPort, List<String> authArgs) {
        this.port = port;
        this.monitorPort = monitorPort;
        this.authArgs = authArgs;
    }

    static EphemeralNatsServer launch(String... authArgs) throws IOException, InterruptedException {
        EphemeralNatsServer server = new EphemeralNatsServer(freePort(), freePort(), List.of(authArgs));
        server.start();
        return server;
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    void start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BINARY, "-a", "127.0.0.1", "-p", String.valueOf(port),
                "-m", String.valueOf(monitorPort)));
        command.addAll(authArgs);
        process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!accepts()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                stop();
                throw new IOException("nats-server did not start on port " + port);
            }
            Thread.sleep(20);
        }
    }

    /** How many subscriptions the server holds, from its monitoring endpoint. */
    long subscriptions() throws IOException, InterruptedException {
        HttpResponse<String> varz = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + "/varz")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = SUBSCRIPTIONS.matcher(varz.body());
        if (!m.find()) {
            throw new IOException("no subscription count in /varz: " + varz.body());
        }
        return Long.parseLong(m.group(1));
    }

    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
