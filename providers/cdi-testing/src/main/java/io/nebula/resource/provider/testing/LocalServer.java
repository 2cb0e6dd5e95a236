package io.nebula.resource.provider.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A local server the tests use, stopped and started with the commands that run it on the project's
 * machines (see {@code .ci/services}). Other tests, of this build and of others, share these servers:
 * an {@link Outage} always ends with the server started again and answering, even when the test fails.
 *
 * <pre>{@code
 * try (LocalServer.Outage outage = LocalServer.POSTGRESQL.stop()) {
 *     ... // the server is down
 *     outage.end(); // started again, and answering
 *     ...
 * } // ended here at the latest
 * }</pre>
 */
public enum LocalServer {

    POSTGRESQL(5432,
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -n1) main stop -m fast",
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -n1) main start",
            "pg_isready -q -h 127.0.0.1 -p 5432"),

    REDIS(6379,
            "redis-cli -p 6379 shutdown nosave",
            "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no"
                    + " --dir /var/lib/redis --logfile /var/log/redis/ci.log",
            "test \"$(redis-cli -p 6379 ping)\" = PONG");

    private static final System.Logger LOG = System.getLogger(LocalServer.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final int port;
    private final String stop;
    private final String start;
    private final String ready;

    LocalServer(int port, String stop, String start, String ready) {
        this.port = port;
        this.stop = stop;
        this.start = start;
        this.ready = ready;
    }

    /** Whether the server answers its own protocol's readiness probe. */
    public boolean isReady() {
        return run(ready, Duration.ofSeconds(10)).exit() == 0;
    }

    /** Whether anything accepts connections on the server's port. */
    public boolean isListening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts the server when it is not running (a fresh machine, or a test that could not restart it), and waits until it answers. */
    public void ensureRunning() {
        if (!isReady()) {
            startAndAwait();
        }
    }

    /**
     * Stops the server and waits until its port refuses connections.
     *
     * @return the outage, which the caller ends (in a {@code finally}, or as a resource)
     */
    public Outage stop() {
        Outage outage = new Outage();
        long start = System.nanoTime();
        try {
            Result result = run(stop, Duration.ofSeconds(60));
            if (result.exit() != 0) {
                throw new IllegalStateException(this + " did not stop (exit " + result.exit() + "): " + result.output());
            }
            await("port " + port + " of " + this + " closed").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).until(() -> !isListening());
            LOG.log(System.Logger.Level.INFO, "{0} stopped in {1} ms", this, (System.nanoTime() - start) / 1_000_000);
            return outage;
        } catch (RuntimeException | Error e) {
            outage.close();
            throw e;
        }
    }

    private void startAndAwait() {
        long begin = System.nanoTime();
        Result result = run(start, START_TIMEOUT);
        await(this + " answering after: " + start + " (exit " + result.exit() + ": " + result.output() + ")")
                .atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(this::isReady);
        LOG.log(System.Logger.Level.INFO, "{0} started and answering in {1} ms", this, (System.nanoTime() - begin) / 1_000_000);
    }

    /** A stopped server, started again by {@link #end()} or, at the latest, by {@link #close()}. */
    public final class Outage implements AutoCloseable {

        private boolean ended;

        private Outage() {
        }

        /** Starts the server again and waits until it answers; does nothing the second time. */
        public void end() {
            if (!ended) {
                ended = true;
                startAndAwait();
            }
        }

        @Override
        public void close() {
            end();
        }
    }

    private record Result(int exit, String output) {
    }

    /** Runs a shell command; its output goes to a file rather than a pipe, which a daemon it starts would hold open. */
    private static Result run(String command, Duration timeout) {
        Path output = null;
        try {
            output = Files.createTempFile("nebula-local-server", ".log");
            Process process = new ProcessBuilder(List.of("/bin/sh", "-c", command))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + timeout + ": " + command);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("could not run: " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running: " + command, e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }
}
