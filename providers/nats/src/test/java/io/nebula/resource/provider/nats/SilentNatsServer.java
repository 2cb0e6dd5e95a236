package io.nebula.resource.provider.nats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A server that speaks just enough NATS for one client to connect, then answers nothing: a server
 * that went away without closing the connection. A real nats-server cannot be made to leave a
 * PING unanswered while its connection stays open.
 */
final class SilentNatsServer implements AutoCloseable {

    private static final String INFO = "INFO {\"server_id\":\"silent\",\"version\":\"2.10.0\",\"proto\":1,"
            + "\"headers\":true,\"max_payload\":1048576}\r\n";

    private final ServerSocket socket;

    private SilentNatsServer() throws IOException {
        socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread server = new Thread(this::serveOne, "silent-nats-server");
        server.setDaemon(true);
        server.start();
    }

    static SilentNatsServer start() throws IOException {
        return new SilentNatsServer();
    }

    String url() {
        return "nats://127.0.0.1:" + socket.getLocalPort();
    }

    /** Answers the PING of the client's handshake, and no other. */
    private void serveOne() {
        try (Socket client = socket.accept()) {
            OutputStream out = client.getOutputStream();
            out.write(INFO.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("PING")) {
                    out.write("PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    break;
                }
            }
            while (in.read() != -1) {
                // whatever else the client sends is read and dropped, until it goes away
            }
        } catch (IOException e) {
            // closed by the test, or by the client
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
