package io.nebula.resource.cluster.redis;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.ResourceProvider;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Kind {@code cluster-test-line}: each instance is one TCP connection to {@link LineBackend} on 127.0.0.1 at the key
 * {@code port}, made when the backend answers {@code ok}. Never reused ({@link #recycle} is false), so every
 * acquisition reaches the backend, and the backend counts exactly the acquisitions (probes included) that tried it.
 */
public class LineBackendProvider implements ResourceProvider<LineBackendProvider.Line> {

    /** One answered connection, closed at once: nothing is kept open. */
    public record Line(int port) {
    }

    @Override
    public String kind() {
        return "cluster-test-line";
    }

    @Override
    public Class<Line> type() {
        return Line.class;
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(ConfigKey.integer("port", 0, "the LineBackend's port on 127.0.0.1"));
    }

    @Override
    public List<ConfigProblem> validate(ResourceSettings settings) {
        return requirePort(settings);
    }

    /** The one problem of a test kind whose only key is {@code port}: none given. */
    static List<ConfigProblem> requirePort(ResourceSettings settings) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (settings.string("port").isEmpty()) {
            problems.add(new ConfigProblem(settings.keyOf("port"), "is required"));
        }
        return problems;
    }

    @Override
    public Line create(ResourceSettings settings) throws IOException {
        int port = Integer.parseInt(settings.string("port").orElseThrow());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(1000);
            // who asks: the backend tells an acquisition's attempt (a load thread) from the pool's own
            s.getOutputStream().write((System.getProperty("nebula.cluster.node-id") + " " + Thread.currentThread().getName()
                    + "\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (!"ok".equals(answer)) {
                throw new IOException("backend on port " + port + " is down");
            }
        }
        return new Line(port);
    }

    @Override
    public HealthStatus check(Line instance, CheckDepth depth) {
        return HealthStatus.up();
    }

    @Override
    public boolean recycle(Line instance) {
        return false;
    }

    @Override
    public void destroy(Line instance) {
    }
}
