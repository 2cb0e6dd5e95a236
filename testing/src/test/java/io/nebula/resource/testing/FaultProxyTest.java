package io.nebula.resource.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The proxy between a client and an echo server on the loopback address. */
class FaultProxyTest {

    private final List<Socket> clients = new ArrayList<>();
    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void startEchoServerAndProxy() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // the proxy cut or reset the connection
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = FaultProxy.start("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
        for (Socket c : clients) {
            c.close();
        }
    }

    @Test
    void forwardsBothWaysAndCountsTheServerConnections() throws IOException {
        Socket client = connect();
        assertThat(roundTrip(client, "hello")).isEqualTo("hello");
        assertThat(proxy.connections()).isEqualTo(1);
        client.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connections() == 0);
    }

    @Test
    void downRefusesNewConnectionsAtOnceAndCutsLiveOnesAndUpAcceptsOnTheSamePort() throws IOException {
        Socket live = connect();
        assertThat(roundTrip(live, "before")).isEqualTo("before");
        int port = proxy.port();

        proxy.down();

        assertThat(proxy.isUp()).isFalse();
        assertThat(live.getInputStream().read()).as("a live connection is cut: end of stream").isEqualTo(-1);
        assertThat(proxy.connections()).isZero();
        long start = System.nanoTime();
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class).hasMessageContaining("refused");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at once").isLessThan(Duration.ofSeconds(1));

        proxy.up();

        assertThat(proxy.isUp()).isTrue();
        assertThat(proxy.port()).isEqualTo(port);
        assertThat(roundTrip(connect(), "after")).isEqualTo("after");
    }

    @Test
    void resetSendsAnRstOnLiveConnectionsAndKeepsAccepting() throws IOException {
        Socket live = connect();
        assertThat(roundTrip(live, "before")).isEqualTo("before");

        proxy.reset();

        assertThatThrownBy(() -> live.getInputStream().read()).isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
        assertThat(proxy.isUp()).isTrue();
        assertThat(roundTrip(connect(), "after")).isEqualTo("after");
    }

    @Test
    void latencyDelaysEachDirectionAndZeroEndsIt() throws IOException {
        Socket client = connect();
        roundTrip(client, "warm");

        proxy.latency(Duration.ofMillis(400), Duration.ZERO);
        assertThat(timedRoundTrip(client)).as("on the way to the server").isGreaterThanOrEqualTo(Duration.ofMillis(400));

        proxy.latency(Duration.ZERO, Duration.ofMillis(400));
        assertThat(timedRoundTrip(client)).as("on the way back").isGreaterThanOrEqualTo(Duration.ofMillis(400));

        proxy.latency(Duration.ofMillis(300), Duration.ofMillis(300));
        assertThat(timedRoundTrip(client)).as("both ways add up").isGreaterThanOrEqualTo(Duration.ofMillis(600));

        proxy.latency(Duration.ZERO, Duration.ZERO);
        assertThat(timedRoundTrip(client)).isLessThan(Duration.ofMillis(300));
    }

    @Test
    void aServerThatIsNotThereClosesTheClientAtOnce() throws IOException {
        int nothingThere;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothingThere = s.getLocalPort();
        }
        try (FaultProxy toNothing = FaultProxy.start("127.0.0.1", nothingThere);
             Socket client = new Socket(InetAddress.getLoopbackAddress(), toNothing.port())) {
            client.setSoTimeout(5000);
            assertThatThrownBy(() -> {
                if (client.getInputStream().read() == -1) {
                    throw new SocketException("end of stream");
                }
            }).isInstanceOf(SocketException.class);
            assertThat(toNothing.connections()).isZero();
        }
    }

    @Test
    void peakConnectionsIsTheMostOpenAtOnce() throws IOException {
        for (int i = 0; i < 3; i++) {
            roundTrip(connect(), "x");
        }
        assertThat(proxy.connections()).isEqualTo(3);
        for (Socket c : clients) {
            c.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connections() == 0);
        assertThat(proxy.peakConnections()).isEqualTo(3);
    }

    @Test
    void aClosedProxyCannotComeUp() {
        proxy.close();
        proxy.close();
        assertThat(proxy.isUp()).isFalse();
        assertThatThrownBy(proxy::up).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void listensOnTheGivenPort() throws IOException {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        try (FaultProxy onPort = FaultProxy.start(free, "127.0.0.1", echo.getLocalPort());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), free)) {
            assertThat(onPort.port()).isEqualTo(free);
            client.setSoTimeout(5000);
            assertThat(roundTrip(client, "there")).isEqualTo("there");
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(5000);
        clients.add(s);
        return s;
    }

    private static String roundTrip(Socket client, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        client.getOutputStream().write(bytes);
        return new String(client.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII);
    }

    private static Duration timedRoundTrip(Socket client) throws IOException {
        long start = System.nanoTime();
        assertThat(roundTrip(client, "ping")).isEqualTo("ping");
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
