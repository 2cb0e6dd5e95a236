package io.nebula.resource.cluster.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of the test's own (the shared one on 5432 must never stop): the machine's PostgreSQL 15
 * binaries, run as the {@code postgres} user through {@code runuser}, with its data directory and socket under
 * {@code nebula.test.postgres.dir} (default {@code <java.io.tmpdir>/nebula-private-postgres}, made with
 * {@code initdb -A trust} the first time) on port {@code nebula.test.postgres.port} (default 55432), listening on
 * 127.0.0.1 only. It can be stopped ({@code pg_ctl stop -m fast}: sessions terminated, a clean shutdown) and started
 * again; {@link #close()} stops it ({@code -m immediate}) whatever happened, and kills its postmaster by the pid in
 * its {@code postmaster.pid} if {@code pg_ctl} could not.
 */
final class PrivatePostgres implements AutoCloseable {

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final int PORT = Integer.getInteger("nebula.test.postgres.port", 55432);
    static final Path DIR = Path.of(System.getProperty("nebula.test.postgres.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "nebula-private-postgres").toString()));

    private final Path data = DIR.resolve("data");

    /** Whether this machine can run one: the binaries and {@code runuser} are there. */
    static boolean available() {
        return Files.isExecutable(BIN.resolve("pg_ctl")) && Files.isExecutable(BIN.resolve("initdb"))
                && (Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser")));
    }

    PrivatePostgres() throws IOException, InterruptedException {
        Files.createDirectories(DIR);
        run(List.of("chown", "postgres", DIR.toString()));
        if (!Files.exists(data.resolve("PG_VERSION"))) {
            asPostgres(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres",
                    "--no-sync"));
        }
        stopQuietly("immediate"); // a server a killed earlier run left behind
        start();
    }

    /**
     * Starts it and returns once it accepts connections ({@code pg_ctl -w}). Tried up to five times, a second apart: the
     * port lies in Linux's ephemeral range, and a client socket of any process may hold it as its local port for a
     * moment (seen: "could not bind IPv4 address: Address already in use" with no server on it).
     */
    void start() throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "30", "-l",
                        DIR.resolve("postgres.log").toString(), "-o",
                        "-p " + PORT + " -k " + DIR + " -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off",
                        "start"));
                return;
            } catch (IllegalStateException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }

    /** Stops it with {@code mode} ({@code fast}, {@code immediate}) and returns once it is down ({@code pg_ctl -w}). */
    void stop(String mode) throws IOException, InterruptedException {
        asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "30", "-m", mode, "stop"));
    }

    private void stopQuietly(String mode) throws IOException, InterruptedException {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                stop(mode);
            } catch (IllegalStateException e) {
                killByPid();
            }
        }
    }

    private void killByPid() throws IOException, InterruptedException {
        Path pidFile = data.resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            String pid = Files.readAllLines(pidFile).get(0).trim();
            run(List.of("kill", "-9", pid));
        }
    }

    private static void asPostgres(List<String> command) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        c.addAll(command);
        run(c);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + out);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stopQuietly("immediate");
    }
}
