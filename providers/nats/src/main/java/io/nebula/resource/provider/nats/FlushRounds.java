package io.nebula.resource.provider.nats;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The flushes of every user of a resource's shared connection, sent as one PING at a time.
 *
 * <p>jnats counts a flush's PING against {@code max-pings-out} as it counts a keep-alive ping
 * (nats.java issue 291): with more threads flushing at once than that, it takes the healthy connection
 * for stale, logs "Max outgoing Ping count exceeded" and reconnects, which fails every flush in flight.
 * Here the flushes that come while a PING is out wait together for the next one, which this class's
 * own thread sends once the previous one is answered. Whatever a thread published before it called
 * flush is queued before that PING and the server answers in order, so one PONG answers them all: a
 * flush costs at most two round trips, and a connection never has more than one flush PING out.
 */
final class FlushRounds implements AutoCloseable {

    /** One jnats flush: a PING, and the wait for its PONG. */
    interface Ping {
        void flush(Duration timeout) throws TimeoutException, InterruptedException;
    }

    private final String resource;
    private final Ping ping;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition gathered = lock.newCondition();
    /** The flushes waiting for the next PING; null when none waits. Guarded by {@link #lock}. */
    private Round next;
    /** Guarded by {@link #lock}. */
    private boolean closed;

    FlushRounds(String resource, Ping ping) {
        this.resource = resource;
        this.ping = ping;
        Thread pinger = new Thread(this::sendRounds, "nebula-nats-flush-" + resource);
        pinger.setDaemon(true); // parked between rounds; must not keep a JVM alive whose connection was never closed
        pinger.start();
    }

    /**
     * Returns once the server answered a PING sent after this call began. As in jnats, a timeout
     * that is null, zero or negative waits for ever.
     */
    void flush(Duration timeout) throws TimeoutException, InterruptedException {
        boolean forEver = timeout == null || timeout.isZero() || timeout.isNegative();
        long deadline = System.nanoTime() + (forEver ? 0 : timeout.toNanos());
        Round round;
        lock.lock();
        try {
            if (closed) {
                round = null;
            } else {
                if (next == null) {
                    next = new Round();
                    gathered.signal();
                }
                round = next;
                round.join(forEver, deadline);
            }
        } finally {
            lock.unlock();
        }
        if (round == null) {
            ping.flush(timeout); // the connection is closed: jnats says so in its own words
            return;
        }
        try {
            if (forEver) {
                round.answered.get();
            } else {
                round.answered.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            throw notAnswered(timeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException t && t.getMessage() == null) {
                throw notAnswered(timeout); // jnats' wait ended with the round's, which is no earlier than this flush's
            }
            throw failed(e.getCause());
        }
    }

    /** How many flushes wait for the next PING (the one after the PING that is out, if any). */
    int waiting() {
        lock.lock();
        try {
            return next == null ? 0 : next.members;
        } finally {
            lock.unlock();
        }
    }

    /** Flushes waiting for a PING not yet sent fail as jnats fails a flush of a closed connection. */
    @Override
    public void close() {
        Round orphaned;
        lock.lock();
        try {
            closed = true;
            orphaned = next;
            next = null;
            gathered.signal();
        } finally {
            lock.unlock();
        }
        if (orphaned != null) {
            orphaned.answered.completeExceptionally(new TimeoutException("Attempted to flush while closed"));
        }
    }

    private void sendRounds() {
        for (Round round = nextRound(); round != null; round = nextRound()) {
            try {
                Duration timeout = round.timeout(System.nanoTime());
                if (timeout == null) {
                    throw new TimeoutException("every flush of the round gave up before its PING was sent");
                }
                ping.flush(timeout);
                round.answered.complete(null);
            } catch (Exception e) { // jnats' TimeoutException, or whatever it throws of a connection in trouble
                round.answered.completeExceptionally(e);
            } finally {
                if (!round.answered.isDone()) { // an Error escaped: no flush may wait for a round that is gone
                    round.answered.completeExceptionally(new IllegalStateException("the flush thread of resource '"
                            + resource + "' failed"));
                }
            }
        }
    }

    /** Parks until a flush waits, and takes its round: a flush that comes from now on waits for the next. */
    private Round nextRound() {
        lock.lock();
        try {
            while (next == null && !closed) {
                gathered.awaitUninterruptibly(); // only close() ends this thread
            }
            Round round = next;
            next = null;
            return round;
        } finally {
            lock.unlock();
        }
    }

    private TimeoutException notAnswered(Duration timeout) {
        boolean forEver = timeout == null || timeout.isZero() || timeout.isNegative();
        return new TimeoutException("the server did not answer a flush of resource '" + resource + "'"
                + (forEver ? "" : " within " + timeout.toMillis() + "ms"));
    }

    private TimeoutException failed(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            throw r; // as jnats threw it, so that isFatal reads it the same
        }
        if (cause instanceof Error e) {
            throw e;
        }
        TimeoutException timeout = new TimeoutException("a flush of resource '" + resource + "' failed: "
                + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
        timeout.initCause(cause);
        return timeout;
    }

    /** The flushes that one PING answers. Fields guarded by the lock of {@link FlushRounds}. */
    private static final class Round {

        final CompletableFuture<Void> answered = new CompletableFuture<>();
        int members;
        boolean forEver;
        long latestDeadline;

        void join(boolean memberForEver, long deadline) {
            if (members == 0 || deadline - latestDeadline > 0) {
                latestDeadline = deadline;
            }
            forEver |= memberForEver;
            members++;
        }

        /** Long enough for the member that waits longest; null when every member's time is up. */
        Duration timeout(long now) {
            if (forEver) {
                return Duration.ZERO; // jnats waits for ever
            }
            long left = latestDeadline - now;
            return left > 0 ? Duration.ofNanos(left) : null;
        }
    }
}
