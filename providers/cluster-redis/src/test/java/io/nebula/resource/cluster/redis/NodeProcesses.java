package io.nebula.resource.cluster.redis;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Nodes of the cluster, each a JVM of its own running {@link ClusterNodeProcess} on the test's class path with the
 * same properties file; {@link #close()} kills every one still alive (SIGKILL) and waits for it, so no process
 * outlives the test.
 */
final class NodeProcesses implements AutoCloseable {

    /** Light on a 2-core machine shared with other builds. */
    static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final List<Node> nodes = new ArrayList<>();
    private final Path dir;

    NodeProcesses(Path dir) {
        this.dir = dir;
    }

    /** One node: its process, what it said (every line, in order), and the commands sent to it. */
    static final class Node {
        final String id;
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final Writer in;
        private int cursor;

        Node(String id, Process process) {
            this.id = id;
            this.process = process;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process died
                }
            }, "stdout-" + id);
            reader.setDaemon(true);
            reader.start();
        }

        void send(String command) {
            try {
                in.write(command + "\n");
                in.flush();
            } catch (IOException e) {
                throw new IllegalStateException("node " + id + " does not read its commands", e);
            }
        }

        /** The next line (after the last one expected) beginning with {@code prefix}, waiting at most {@code within}. */
        String expect(String prefix, Duration within) {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                for (int i = cursor; i < lines.size(); i++) {
                    if (lines.get(i).startsWith(prefix)) {
                        cursor = i + 1;
                        return lines.get(i);
                    }
                }
                if (!process.isAlive()) {
                    throw new AssertionError("node " + id + " exited (" + process.exitValue() + ") before '" + prefix
                            + "'; it said " + lines);
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            throw new AssertionError("node " + id + " did not say '" + prefix + "' within " + within + "; it said " + lines);
        }

        /** Sends {@code command} and waits for its answer. */
        String ask(String command, String answerPrefix) {
            send(command);
            return expect(answerPrefix, Duration.ofSeconds(30));
        }

        /** Every line said so far that begins with {@code prefix}. */
        List<String> said(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    /**
     * What every node's configuration begins with: the observing Redis ({@code threejvm.observe}) and the cluster's
     * coordination resource at {@code coordinationUrl}, with its heartbeat TTL and Redis timeout; audit and history off.
     */
    static Map<String, String> clusterConfig(String observeUrl, String coordinationUrl, Duration ttl, Duration redisTimeout) {
        Map<String, String> c = new java.util.HashMap<>();
        c.put("threejvm.observe", observeUrl);
        c.put("nebula.audit.enabled", "false");
        c.put("nebula.history.enabled", "false");
        c.put("nebula.resource.coordination.kind", "redis");
        c.put("nebula.resource.coordination.url", coordinationUrl);
        c.put("nebula.cluster.resource", "coordination");
        c.put("nebula.cluster.heartbeat-ttl", ttl.toMillis() + "ms");
        c.put("nebula.cluster.redis-timeout", redisTimeout.toMillis() + "ms");
        return c;
    }

    /**
     * Starts {@code ids.size()} nodes at once, with {@code config} as the properties file and
     * {@code nebula.cluster.node-id} set to each id, plus the node's {@code overrides} (the way to break one node);
     * returns once every one said READY.
     */
    List<Node> start(Map<String, String> config, List<String> ids, Map<String, Map<String, String>> overrides) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("node.properties");
        Properties p = new Properties();
        p.putAll(config);
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "the configuration of every node");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Node> started = new ArrayList<>();
        for (String id : ids) {
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            cmd.addAll(JVM_FLAGS);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(ClusterNodeProcess.class.getName());
            cmd.add(file.toString());
            cmd.add("nebula.cluster.node-id=" + id);
            overrides.getOrDefault(id, Map.of()).forEach((k, v) -> cmd.add(k + "=" + v));
            ProcessBuilder b = new ProcessBuilder(cmd).redirectError(new File(dir.toFile(), id + ".log"));
            Node node = new Node(id, b.start());
            nodes.add(node);
            started.add(node);
        }
        for (Node n : started) {
            n.expect("READY", Duration.ofSeconds(60));
        }
        return started;
    }

    @Override
    public void close() throws InterruptedException {
        for (Node n : nodes) {
            n.process.destroyForcibly();
        }
        for (Node n : nodes) {
            n.process.waitFor();
        }
    }
}
