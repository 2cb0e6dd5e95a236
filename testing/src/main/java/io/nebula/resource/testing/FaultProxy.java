package io.nebula.resource.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in the test's own JVM, placed between a resource and its server, that can be told to fail the way
 * networks and servers fail: stop as a stopped server does, slow down, reset connections. Point the resource at
 * {@link #port()} on the loopback address instead of at the server; the server itself is never touched, so a test
 * can take "the database" away while other tests on the machine keep using it.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start("127.0.0.1", 5432)) {
 *     // nebula.resource.orders-db.url=jdbc:postgresql://127.0.0.1:<proxy.port()>/orders
 *     proxy.down();                              // refused at once, live connections cut
 *     proxy.up();                                // the same port accepts again
 *     proxy.latency(Duration.ofMillis(200), Duration.ZERO);  // 200 ms more on the way to the server
 *     proxy.reset();                             // every live connection gets a TCP RST
 * }
 * }</pre>
 *
 * <p>Each accepted connection opens one connection to the server, so {@link #connections()} is the number of
 * server connections the resource holds through the proxy, and {@link #peakConnections()} the most it ever held at
 * once. Every method is thread-safe. The proxy uses two platform daemon threads per connection and direction (one
 * reads, one writes when the data is due), so it is meant for tests, not for load.
 */
public final class FaultProxy implements AutoCloseable {

    private static final int BACKLOG = 128;

    private final InetSocketAddress server;
    private final int port;
    private final Duration connectTimeout;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger peak = new AtomicInteger();
    private volatile long toServerNanos;
    private volatile long toClientNanos;
    private ServerSocket listener; // guarded by this; null while down
    private Thread acceptor; // the thread accepting on listener; guarded by this
    private boolean closed; // guarded by this

    private FaultProxy(int port, InetSocketAddress server, Duration connectTimeout) throws IOException {
        this.server = server;
        this.connectTimeout = connectTimeout;
        this.port = listen(port);
    }

    /**
     * Starts a proxy to {@code host:port} on a free port of the loopback address ({@link #port()}).
     *
     * @throws IOException when no port could be bound
     */
    public static FaultProxy start(String host, int port) throws IOException {
        return start(0, host, port);
    }

    /**
     * Starts a proxy to {@code host:port} on {@code listenPort} of the loopback address, for a configuration that
     * must name its port before the test runs.
     *
     * @param listenPort the port to accept on, or {@code 0} for a free one
     * @throws IOException when {@code listenPort} could not be bound (another process holds it)
     */
    public static FaultProxy start(int listenPort, String host, int port) throws IOException {
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listenPort must be between 0 and 65535, was " + listenPort);
        }
        return new FaultProxy(listenPort, new InetSocketAddress(Objects.requireNonNull(host, "host"), port),
                Duration.ofSeconds(5));
    }

    /** The host to point a resource at: the loopback address, {@code 127.0.0.1} (or {@code ::1} on an IPv6-only host). */
    public String host() {
        return InetAddress.getLoopbackAddress().getHostAddress();
    }

    /** The port the proxy accepts on, the same before and after a {@link #down()}. */
    public int port() {
        return port;
    }

    /** Whether the proxy accepts connections: after {@link #start}, {@link #up()}; not after {@link #down()}, {@link #close()}. */
    public synchronized boolean isUp() {
        return listener != null;
    }

    /**
     * Takes the server away, as stopping it would: the port stops listening, so a new connection is refused at once
     * ({@code ConnectException: Connection refused}), and every live connection is closed on both sides (the client
     * reads an end of stream, as from a server that shut down). Does nothing when already down.
     */
    public void down() {
        ServerSocket was;
        Thread accepting;
        synchronized (this) {
            was = listener;
            accepting = acceptor;
            listener = null;
            acceptor = null;
        }
        if (was != null) {
            closeQuietly(was);
            // The JDK closes a socket that another thread is blocked accepting on only once that thread has woken up;
            // until then the kernel still completes handshakes on the port. Wait for it, so that once down() returns,
            // every new connection is refused.
            awaitEnd(accepting);
        }
        for (Link link : links) {
            link.close(false);
        }
    }

    /**
     * Brings the server back: the same {@link #port()} accepts again, and each new connection is forwarded to the
     * server. Does nothing when already up.
     *
     * @throws UncheckedIOException when the port cannot be bound again (another process took it meanwhile)
     * @throws IllegalStateException after {@link #close()}
     */
    public void up() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the proxy to " + server + " is closed");
            }
            if (listener != null) {
                return;
            }
            try {
                listen(port);
            } catch (IOException e) {
                throw new UncheckedIOException("could not listen on port " + port + " again", e);
            }
        }
    }

    /**
     * Resets every live connection: the client and the server each receive a TCP RST ({@code SocketException:
     * Connection reset}), as when a firewall or a load balancer drops a connection. New connections are accepted
     * as before.
     */
    public void reset() {
        for (Link link : links) {
            link.close(true);
        }
    }

    /**
     * Delays the data of every connection, live and new: each chunk read from the client reaches the server
     * {@code toServer} later, and each chunk read from the server reaches the client {@code toClient} later. Data
     * keeps its order; a round trip takes {@code toServer + toClient} more. {@link Duration#ZERO} for both ends the
     * delay; data already on its way keeps the delay it was read with.
     */
    public void latency(Duration toServer, Duration toClient) {
        if (toServer.isNegative() || toClient.isNegative()) {
            throw new IllegalArgumentException("latency cannot be negative: " + toServer + ", " + toClient);
        }
        toServerNanos = toServer.toNanos();
        toClientNanos = toClient.toNanos();
    }

    /** The connections open through the proxy now, each one connection to the server. */
    public int connections() {
        return links.size();
    }

    /** The most connections that were open through the proxy at once since it started. */
    public int peakConnections() {
        return peak.get();
    }

    /** Stops the proxy for good: as {@link #down()}, and {@link #up()} is refused afterwards. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        down();
    }

    @Override
    public String toString() {
        return "FaultProxy[" + host() + ":" + port + " -> " + server + (isUp() ? "" : ", down") + ", connections="
                + connections() + "]";
    }

    long delayNanos(boolean toServer) {
        return toServer ? toServerNanos : toClientNanos;
    }

    /** Binds {@code at} (0: a free port), starts accepting on it, and returns the port bound. Caller holds the lock or constructs. */
    private int listen(int at) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true); // bind again at once, although connections of the last listener are in TIME_WAIT
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), at), BACKLOG);
        } catch (IOException e) {
            closeQuietly(socket);
            throw e;
        }
        Thread accepting = new Thread(() -> accept(socket), "fault-proxy-" + socket.getLocalPort() + "-accept");
        accepting.setDaemon(true);
        synchronized (this) {
            listener = socket;
            acceptor = accepting;
        }
        accepting.start();
        return socket.getLocalPort();
    }

    private static void awaitEnd(Thread accepting) {
        if (accepting == null || accepting == Thread.currentThread()) {
            return;
        }
        try {
            accepting.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept(ServerSocket socket) {
        while (true) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // down() or close() closed the listener
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(server, (int) connectTimeout.toMillis());
            } catch (IOException e) {
                // the server itself is not there: the client learns it as it would without the proxy
                Link.abort(client);
                closeQuietly(upstream);
                continue;
            }
            Link link = new Link(this, client, upstream);
            links.add(link);
            peak.accumulateAndGet(links.size(), Math::max);
            synchronized (this) {
                if (listener != socket) { // went down while this one connected: cut it as down() cut the others
                    link.close(false);
                    continue;
                }
            }
            link.start();
        }
    }

    void forget(Link link) {
        links.remove(link);
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing is all that is left to do
        }
    }
}
