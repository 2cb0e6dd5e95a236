package io.nebula.resource.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A {@code redis-server} of the test's own (the shared one must never stop), without persistence, on a given port: it
 * can be killed and started again on that port. {@link #close()} kills it.
 */
final class PrivateRedis implements AutoCloseable {

    private final int port;
    private Process process;

    PrivateRedis(int port) throws IOException {
        this.port = port;
        start();
    }

    void start() throws IOException {
        process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
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
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause()}: it answers again, its data intact. */
    void resume() throws IOException, InterruptedException {
        signal("-CONT");
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
        return RedisClient.create("redis://127.0.0.1:" + port + "/0");
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
