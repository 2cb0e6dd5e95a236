package io.nebula.resource.provider.redis;

import io.nebula.resource.ResourceSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race inside Lettuce 7 that {@link LettuceProvider#create} works around: a refused handshake can surface
 * as "Connection closed prematurely" when the channel's close wins over the server's reply. The real server
 * loses that race too rarely to test (once in CI, never in 18 local runs), so a peer that plays it on purpose
 * stands in here: it closes the first connection after reading the handshake, as the lost race looks to
 * Lettuce, and refuses the credentials of the second. The wrong-password test against the real Redis is in
 * {@link RedisProviderTest}.
 */
class HandshakeRaceTest {

    private final RedisProvider provider = new RedisProvider();
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocket server;
    private ResourceSettings settings;

    @AfterEach
    void stop() throws IOException {
        if (settings != null) {
            provider.shutdown(settings);
        }
        server.close();
    }

    @Test
    void aHandshakeCutShortIsAskedAgainSoAWrongPasswordIsToldFromALostNetwork() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread peer = new Thread(this::serve, "racing-redis-peer");
        peer.setDaemon(true);
        peer.start();
        settings = LocalRedis.settings("raced", "redis",
                "url", "redis://127.0.0.1:" + server.getLocalPort() + "/0",
                "username", "nebula-nobody", "password", "hunter2-Pass");

        Throwable error = RedisCalls.errorOf(() -> provider.create(settings));

        assertThat(error).isNotNull().hasStackTraceContaining("WRONGPASS");
        assertThat(provider.isRetryable(error)).isFalse();
        assertThat(connections).hasValue(2);
    }

    private void serve() {
        try {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    byte[] handshake = new byte[4096];
                    if (in.read(handshake) < 0) {
                        continue;
                    }
                    if (connections.incrementAndGet() > 1) {
                        socket.getOutputStream().write(
                                "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
                                        .getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                        in.read(handshake); // until the client hangs up
                    }
                }
            }
        } catch (IOException closed) {
            // the test is over
        }
    }
}
