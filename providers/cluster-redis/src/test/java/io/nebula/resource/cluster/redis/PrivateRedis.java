package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A {@code redis-server} of the test's own (the shared one must never stop), without persistence, on a given port: it
 * can be killed and started again on that port, or stopped (SIGSTOP) and continued. {@link #close()} continues it if
 * it is stopped, then kills it.
 */
final class PrivateRedis implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;
    private volatile boolean paused;

    /** Started on {@code port}, in {@code dir} (created), where it writes nothing but may be asked to. */
    PrivateRedis(int port, Path dir) throws IOException {
        this.port = port;
        this.dir = Files.createDirectories(dir).toAbsolutePath();
        start();
    }

    /** Its URL, db 0. */
    String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    void start() throws IOException {
        process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (StatefulRedisConnection<String, String> c = client().connect()) {
                return "PONG".equals(c.sync().ping());
            }
        });
    }

    /** SIGKILL, as a crashed server. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGSTOP: the server hangs, its connections stay open and nothing answers (a frozen host, a long pause). */
    void pause() throws IOException, InterruptedException {
        paused = true; // before the signal: a close after a failed one continues it all the same
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause()}: it answers again, its data intact. */
    void resume() throws IOException, InterruptedException {
        signal("-CONT");
        paused = false;
    }

    private void signal(String signal) throws IOException, InterruptedException {
        int status = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (status != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " exited with " + status);
        }
    }

    /** The permits the nodes hold in it, all limits together. */
    long heldPermits() {
        RedisClient client = client();
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            long sum = 0;
            for (String key : c.sync().keys("nebula:cluster:*:leases")) {
                sum += c.sync().hgetall(key).values().stream().mapToLong(Long::parseLong).sum();
            }
            return sum;
        } finally {
            client.shutdown();
        }
    }

    /** The permits the nodes hold of one limit ({@code ledger:tenant:acme:leases}). */
    long heldPermits(String limit) {
        RedisClient client = client();
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().hgetall(RedisClusterPermits.PREFIX + limit).values().stream().mapToLong(Long::parseLong).sum();
        } finally {
            client.shutdown();
        }
    }

    private RedisClient client() {
        return RedisClient.create(url());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (paused) {
                resume();
            }
        } finally {
            kill();
        }
    }
}
