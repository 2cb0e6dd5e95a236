package io.nebula.resource.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One client connection of a {@link FaultProxy} and its connection to the server. Each direction has a reader,
 * which stamps every chunk with the time it is due (now plus the proxy's latency for that direction), and a
 * writer, which passes the chunks on in order once due; so latency delays data without slowing its flow. An end
 * of stream is passed on as a half-close; once both directions ended, or on any error, both sockets are closed.
 */
final class Link {

    private static final int CHUNK = 16 * 1024;
    private static final Chunk END = new Chunk(new byte[0], 0);

    private final FaultProxy proxy;
    private final Socket client;
    private final Socket upstream;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger directionsOpen = new AtomicInteger(2);
    private final Thread[] threads = new Thread[4];

    Link(FaultProxy proxy, Socket client, Socket upstream) {
        this.proxy = proxy;
        this.client = client;
        this.upstream = upstream;
    }

    void start() {
        String name = "fault-proxy-" + client.getLocalPort() + "-" + client.getPort();
        BlockingQueue<Chunk> toServer = new LinkedBlockingQueue<>();
        BlockingQueue<Chunk> toClient = new LinkedBlockingQueue<>();
        threads[0] = thread(name + "-read-client", () -> read(client, toServer, true));
        threads[1] = thread(name + "-write-server", () -> write(toServer, upstream));
        threads[2] = thread(name + "-read-server", () -> read(upstream, toClient, false));
        threads[3] = thread(name + "-write-client", () -> write(toClient, client));
        for (Thread t : threads) {
            t.start();
        }
    }

    /** Closes both sockets, with a TCP RST to each peer when {@code reset}, else with a FIN. Idempotent. */
    void close(boolean reset) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        proxy.forget(this);
        if (reset) {
            abort(client);
            abort(upstream);
        } else {
            FaultProxy.closeQuietly(client);
            FaultProxy.closeQuietly(upstream);
        }
        for (Thread t : threads) {
            if (t != null && t != Thread.currentThread()) {
                t.interrupt(); // a writer waiting for data or for its due time
            }
        }
    }

    /** Closes {@code socket} with a TCP RST rather than a FIN (a zero linger time discards what is unsent). */
    static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed: nothing to reset
        }
        FaultProxy.closeQuietly(socket);
    }

    private void read(Socket from, BlockingQueue<Chunk> queue, boolean toServer) {
        byte[] buffer = new byte[CHUNK];
        try {
            InputStream in = from.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                queue.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + proxy.delayNanos(toServer)));
            }
            queue.add(END);
        } catch (IOException e) {
            close(true); // reset by its peer, or closed by down()/reset(): nothing more passes either way
        }
    }

    private void write(BlockingQueue<Chunk> queue, Socket to) {
        try {
            OutputStream out = to.getOutputStream();
            while (!closed.get()) {
                Chunk chunk = queue.take();
                if (chunk == END) {
                    to.shutdownOutput();
                    if (directionsOpen.decrementAndGet() == 0) {
                        close(false);
                    }
                    return;
                }
                for (long wait; (wait = chunk.due - System.nanoTime()) > 0 && !closed.get(); ) {
                    LockSupport.parkNanos(this, wait);
                }
                out.write(chunk.data);
            }
        } catch (IOException e) {
            close(true);
        } catch (InterruptedException e) {
            // close() stops the writer
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private record Chunk(byte[] data, long due) {
    }
}
