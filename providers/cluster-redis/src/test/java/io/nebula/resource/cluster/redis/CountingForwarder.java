package io.nebula.resource.cluster.redis;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP forwarder in the test's JVM in front of {@link PrivatePostgres}, counting every connection attempt: it reads
 * the client's PostgreSQL startup message (who: its {@code application_name}, {@link PgSessionProvider} sets the node
 * and thread), then connects to the server and relays both ways. When the server refuses (it is stopped), the forwarder
 * holds the client's connection {@value #REFUSED_HOLD_MS} ms and closes it unanswered, as a server that takes a moment
 * to fail would: two attempts that overlap are then seen as such. Each attempt is recorded with when it began and
 * ended (nanoTime: CLOCK_MONOTONIC on Linux, comparable with the nodes' processes) and whether the server accepted it.
 */
final class CountingForwarder implements AutoCloseable {

    static final long REFUSED_HOLD_MS = 20;

    /** One connection attempt: [start, end] in nanoTime; {@code reached}: the server accepted the TCP connection. */
    record Attempt(long start, long end, String who, boolean reached) {
    }

    private final ServerSocket server;
    private final int upstream;
    private final List<Attempt> attempts = new ArrayList<>();

    CountingForwarder(int upstream) throws IOException {
        this.upstream = upstream;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        LineBackend.acceptEach(server, "forwarder", this::forward);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Every attempt so far, in the order they ended. */
    List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    private void forward(Socket client) {
        long start = System.nanoTime();
        String who = "?";
        boolean reached = false;
        try (client) {
            client.setSoTimeout(2000);
            DataInputStream in = new DataInputStream(client.getInputStream());
            int length = in.readInt();
            byte[] rest = new byte[length - 4];
            in.readFully(rest);
            if (length == 8) { // an SSLRequest or GSSENCRequest before the startup message: declined ('N')
                client.getOutputStream().write('N');
                client.getOutputStream().flush();
                length = in.readInt();
                rest = new byte[length - 4];
                in.readFully(rest);
            }
            who = applicationName(rest);
            Socket server;
            try {
                server = new Socket();
                server.connect(new InetSocketAddress("127.0.0.1", upstream), 1000);
            } catch (IOException refused) {
                Thread.sleep(REFUSED_HOLD_MS);
                return;
            }
            reached = true;
            try (server) {
                client.setSoTimeout(0);
                OutputStream up = server.getOutputStream();
                up.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
                up.write(rest);
                up.flush();
                Thread back = new Thread(() -> relay(server, client), "forwarder-back");
                back.setDaemon(true);
                back.start();
                relay(client, server);
                back.join();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client or the server went away
        } finally {
            synchronized (attempts) {
                attempts.add(new Attempt(start, System.nanoTime(), who, reached));
            }
        }
    }

    /** Copies {@code from} to {@code to} until either ends, then shuts both down. */
    private static void relay(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }

    /** The {@code application_name} of a startup message's body (protocol version, then name/value pairs, each NUL-ended). */
    private static String applicationName(byte[] body) {
        String[] parts = new String(body, 4, body.length - 4, StandardCharsets.UTF_8).split("\0");
        for (int i = 0; i + 1 < parts.length; i += 2) {
            if (parts[i].equals("application_name")) {
                return parts[i + 1];
            }
        }
        return "?";
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
