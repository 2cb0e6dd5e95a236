package io.nebula.resource.cluster.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The backend of {@link LineBackendProvider}, in the test's JVM: answers {@code ok} to each connection while up; while
 * {@link #down()}, holds each connection {@value #DOWN_HOLD_MS} ms then closes it without an answer, and records when
 * each such attempt began and ended (nanoTime, which on Linux is CLOCK_MONOTONIC and so comparable with the nodes'
 * processes). A stopped server would refuse the connection instead, and nothing could count the attempts; holding
 * each a little makes two attempts that overlap visible as such.
 */
final class LineBackend implements AutoCloseable {

    static final long DOWN_HOLD_MS = 20;

    /** One attempt made while down: [start, end] in nanoTime. */
    record Attempt(long start, long end, String who) {
    }

    private final ServerSocket server;
    private final AtomicBoolean down = new AtomicBoolean();
    private final List<Attempt> attempts = new ArrayList<>();
    private final Thread acceptor;

    LineBackend() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        acceptor = acceptEach(server, "line-backend", this::answer);
    }

    int port() {
        return server.getLocalPort();
    }

    void down() {
        down.set(true);
    }

    void up() {
        down.set(false);
    }

    /** The attempts made while down, in the order they ended. */
    List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    /** A daemon thread that hands each connection {@code server} accepts to {@code handler} on a daemon thread of its own, until it is closed. */
    static Thread acceptEach(ServerSocket server, String name, java.util.function.Consumer<Socket> handler) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> handler.accept(s), name + "-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, name);
        acceptor.setDaemon(true);
        acceptor.start();
        return acceptor;
    }

    private void answer(Socket s) {
        long start = System.nanoTime();
        try (s) {
            if (down.get()) {
                s.setSoTimeout(1000);
                String who = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                Thread.sleep(DOWN_HOLD_MS);
                synchronized (attempts) {
                    attempts.add(new Attempt(start, System.nanoTime(), who));
                }
                return;
            }
            OutputStream out = s.getOutputStream();
            out.write("ok\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
