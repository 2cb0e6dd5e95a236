package io.nebula.resource.benchmarks.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The sample on an Open Liberty server of the soak's own ({@value #NAME}, in the runtime the soak unpacked), not the
 * sample's interactive or test server: the sample's {@code server.xml} and packaged WAR, a free HTTP port, the
 * {@code services} profile, and system properties that point its resources at the fault proxies. The server is
 * started in the background with {@code bin/server start}; its JVM is known by the pid Liberty writes, and is what
 * the probe attaches to and what {@link #stop()} ends.
 */
final class LibertyServer {

    static final String NAME = "nebulaSoak";

    private final Path wlp;
    private final Path serverDir;
    private final int httpPort;
    private long pid = -1;

    private LibertyServer(Path wlp, int httpPort) {
        this.wlp = wlp;
        this.serverDir = wlp.resolve("usr/servers").resolve(NAME);
        this.httpPort = httpPort;
    }

    /**
     * Writes the server: the sample's {@code server.xml}, the WAR in {@code apps/}, {@code bootstrap.properties}
     * (port, profile, telemetry exported nowhere), {@code jvm.options} ({@code -Xmx}, soft references cleared by every
     * full GC, and one {@code -D} per configuration override) and, when {@code executorThreads > 0}, an override that fixes Liberty's default executor
     * at that many threads. Replaces the files of an earlier run; its logs stay until Liberty rotates them.
     */
    static LibertyServer prepare(Path wlp, Path serverXml, Path war, Map<String, String> config, int executorThreads)
            throws IOException {
        if (!Files.isExecutable(wlp.resolve("bin/server"))) {
            throw new IllegalArgumentException("--wlp=" + wlp + " holds no Open Liberty runtime (no bin/server)");
        }
        LibertyServer server = new LibertyServer(wlp, freePort());
        Files.createDirectories(server.serverDir.resolve("apps"));
        Files.copy(serverXml, server.serverDir.resolve("server.xml"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(war, server.serverDir.resolve("apps/liberty-sample.war"), StandardCopyOption.REPLACE_EXISTING);
        // Spans and metrics are created as in the sample but exported nowhere: the logging exporter would write a line
        // per span, tens of megabytes a minute under load, into the server's log.
        Files.writeString(server.serverDir.resolve("bootstrap.properties"), String.join("\n",
                "http.port=" + server.httpPort,
                "mp.config.profile=services",
                "otel.sdk.disabled=false",
                "otel.service.name=nebula-liberty-sample",
                "otel.traces.exporter=none",
                "otel.metrics.exporter=none",
                "otel.logs.exporter=none", ""));
        // A forced full GC clears every softly reachable object only with this policy; by default one that was used in
        // the last (free heap in MiB) seconds survives, and caches held that way would make the heap after GC wander
        // with the load. A leak is strongly reachable, and stays.
        StringBuilder options = new StringBuilder("-Xmx1g\n-XX:SoftRefLRUPolicyMSPerMB=0\n");
        config.forEach((key, value) -> options.append("-D").append(key).append('=').append(value).append('\n'));
        Files.writeString(server.serverDir.resolve("jvm.options"), options);
        // Liberty's default executor starts at two threads per core and grows by measured throughput. Each
        // process-payments request holds one of its threads while the sample calls its own payments API, whose
        // request needs another (and, over the HTTP/2 upgrade the JDK client asks for, a third while the upgrade
        // waits for the connection's first frame): on two cores it stalls for seconds to minutes, and the soak would
        // measure that stall, not leaks (docs/reliability.md). A fixed size keeps the thread count readable too.
        Path overrides = server.serverDir.resolve("configDropins/overrides");
        Files.createDirectories(overrides);
        Path executor = overrides.resolve("soak-executor.xml");
        if (executorThreads > 0) {
            Files.writeString(executor, "<server>\n    <!-- written by the soak (benchmarks/run soak): docs/reliability.md -->\n"
                    + "    <executor coreThreads=\"" + executorThreads + "\" maxThreads=\"" + executorThreads + "\"/>\n</server>\n");
        } else {
            Files.deleteIfExists(executor);
        }
        return server;
    }

    URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    long pid() {
        return pid;
    }

    Path log() {
        return serverDir.resolve("logs/messages.log");
    }

    /** Starts the server and waits until the sample answers {@code GET /health/ready} with 200. */
    void start(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int exit = server("start", timeout);
        pid = readPid().orElseThrow(() -> new IOException("bin/server start " + NAME + " exited " + exit
                + " and wrote no pid file; see " + log()));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IOException("the server's JVM (pid " + pid + ") ended while starting; see " + log());
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(uri("/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
                last = ready.statusCode() + " " + ready.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IOException("the sample was not ready within " + SoakPlan.format(timeout) + " (last: " + last + "); see " + log());
    }

    /**
     * Stops the server with {@code bin/server stop}, then ends its JVM by its pid if it is still there. Safe to call
     * twice, and when the server never started.
     */
    void stop() {
        if (pid < 0) {
            return;
        }
        Optional<ProcessHandle> jvm = ProcessHandle.of(pid);
        if (jvm.isEmpty() || !jvm.get().isAlive()) {
            pid = -1;
            return;
        }
        try {
            server("stop", Duration.ofSeconds(60));
        } catch (IOException | InterruptedException e) {
            System.err.println("soak: bin/server stop " + NAME + " failed: " + e);
        }
        jvm.filter(ProcessHandle::isAlive).ifPresent(p -> {
            System.err.println("soak: the server's JVM (pid " + pid + ") outlived bin/server stop; ending it");
            p.destroy();
            try {
                p.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
        pid = -1;
    }

    private Optional<Long> readPid() throws IOException {
        Path file = wlp.resolve("usr/servers/.pid").resolve(NAME + ".pid");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(Files.readString(file).trim()));
    }

    private int server(String action, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(wlp.resolve("bin/server").toString(), action, NAME))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(serverDir.resolve("soak-server-command.log").toFile()));
        // The server runs on the soak's own JDK, whatever JAVA_HOME the caller has.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("JVM_ARGS");
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroy();
            throw new IOException("bin/server " + action + " " + NAME + " did not return within " + SoakPlan.format(timeout));
        }
        return process.exitValue();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the server", e);
        }
    }
}
