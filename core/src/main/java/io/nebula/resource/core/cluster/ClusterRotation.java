package io.nebula.resource.core.cluster;

import io.nebula.resource.core.EngineThreads;
import io.nebula.resource.core.credential.CredentialedProvider;
import io.nebula.resource.core.credential.RotationAnnouncer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Credential rotation across the nodes (#13 point 4, docs/cluster.md). A rotation this node sees itself (its
 * credential watch, a creation, an operator's credential refresh) is published as a {@link RotationSignal} on the
 * cluster's signals; a node that hears one from another node re-reads the credential source of every pool of that
 * resource at once, without waiting for its own watch, and the pools whose values changed rotate as they would
 * locally (a JDBC pool flushes its old-credential connections gracefully). A source that still returns the values in
 * force (a secret store that has not propagated the new one to this node yet) is read again every
 * {@value #RETRY_MILLIS} ms, {@value #READS} reads in all, within the second the issue allows; then the node logs
 * {@code NEBULA-4608} and leaves it to its own watch.
 *
 * <p>Never blocks the thread that rotated nor the subscription's: publishing and re-reading run on the engine's
 * workers. Redis down: the announcement is lost ({@code NEBULA-4609}) and every node rotates on its own polling, as
 * without a cluster.
 */
public final class ClusterRotation implements RotationAnnouncer {

    private static final System.Logger LOG = System.getLogger("io.nebula.resource.core.cluster");
    /** Reads of the source after hearing a rotation, the first at once. */
    static final int READS = 5;
    static final long RETRY_MILLIS = 200;
    /**
     * A pool that rotated this long before the announcement was heard took the new values already (its own watch
     * polled the same source first): nothing is left to do there.
     */
    private static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ClusterSignals signals;
    private final LongSupplier millis;
    private final ScheduledExecutorService timer;
    private final Executor workers;
    private final ConcurrentMap<String, Set<CredentialedProvider<?>>> pools = new ConcurrentHashMap<>();
    /** Resources whose re-reading is under way: announcements heard meanwhile are covered by it. */
    private final Set<String> rereading = ConcurrentHashMap.newKeySet();

    /** @param millis the clock of the generations, {@code System::currentTimeMillis} */
    public ClusterRotation(ClusterSignals signals, LongSupplier millis) {
        this(signals, millis, EngineThreads.timer(), EngineThreads.workers());
    }

    ClusterRotation(ClusterSignals signals, LongSupplier millis, ScheduledExecutorService timer, Executor workers) {
        this.signals = Objects.requireNonNull(signals, "signals");
        this.millis = millis;
        this.timer = timer;
        this.workers = workers;
    }

    /** Hears and announces the rotations of {@code pool}, a pool of {@code resource}, until {@link #leave}. */
    public void join(String resource, CredentialedProvider<?> pool) {
        pools.computeIfAbsent(resource, r -> ConcurrentHashMap.newKeySet()).add(pool);
        pool.announceTo(this);
    }

    /** The pool closed. */
    public void leave(String resource, CredentialedProvider<?> pool) {
        pool.announceTo(null);
        Set<CredentialedProvider<?>> of = pools.get(resource);
        if (of != null) {
            of.remove(pool);
        }
    }

    /** Publishes that {@code resource}'s credentials rotated on this node, on a worker. */
    @Override
    public void announce(String resource) {
        RotationSignal signal = new RotationSignal(resource, signals.nodeId(), millis.getAsLong());
        try {
            workers.execute(() -> publish(signal));
        } catch (RejectedExecutionException e) {
            publish(signal);
        }
    }

    private void publish(RotationSignal signal) {
        try {
            signals.publishRotation(signal);
        } catch (ClusterUnavailableException e) {
            LOG.log(WARNING, "NEBULA-4609 Could not tell the cluster that the credentials of resource '"
                    + signal.resource() + "' rotated on node '" + signal.node() + "' (" + e.getMessage() + "); the"
                    + " other nodes rotate when their own credential watch sees it (credentials.refresh-interval)");
        }
    }

    /** What the subscription delivers: another node's rotation makes this one re-read at once. */
    void received(RotationSignal signal) {
        if (signal.node().equals(signals.nodeId()) || !rereading.add(signal.resource())) {
            return; // its own, applied when it was sent; or a re-reading under way covers it
        }
        long heard = System.nanoTime();
        List<CredentialedProvider<?>> left = new ArrayList<>(pools.getOrDefault(signal.resource(), Set.of()));
        run(() -> reread(signal, heard, left, 1, 0));
    }

    private void reread(RotationSignal signal, long heard, List<CredentialedProvider<?>> left, int read, int rotated) {
        int now = rotated;
        for (var it = left.iterator(); it.hasNext(); ) {
            CredentialedProvider<?> pool = it.next();
            boolean done;
            try {
                done = pool.refreshUnannounced();
            } catch (RuntimeException e) {
                done = false; // read again, and NEBULA-4608 if it keeps failing
            }
            if (done) {
                now++;
                it.remove();
            } else if (pool.rotations() > 0 && pool.rotatedAtNanos() - (heard - RECENT_NANOS) >= 0) {
                it.remove(); // its own watch rotated it already, just before or since the announcement
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heard);
        if (left.isEmpty()) {
            rereading.remove(signal.resource());
            int n = now;
            LOG.log(INFO, () -> "NEBULA-4607 Node '" + signal.node() + "' rotated the credentials of resource '"
                    + signal.resource() + "' (generation " + signal.generation() + "): node '" + signals.nodeId()
                    + "' re-read them at once and is up to date, " + n + " pool(s) with new values (connections opened with"
                    + " the old ones close when idle or given back), " + ms + " ms after hearing it");
            return;
        }
        if (read >= READS) {
            rereading.remove(signal.resource());
            LOG.log(WARNING, "NEBULA-4608 Node '" + signal.node() + "' rotated the credentials of resource '"
                    + signal.resource() + "' (generation " + signal.generation() + "), but on node '"
                    + signals.nodeId() + "' the credential source of " + left.size() + " pool(s) still returns the"
                    + " ones in force after " + read + " reads in " + ms + " ms (the secret store has not propagated"
                    + " the new ones here yet, or could not be read); their own watch rotates them when it sees the"
                    + " change (credentials.refresh-interval)");
            return;
        }
        int r = now;
        try {
            timer.schedule(() -> run(() -> reread(signal, heard, left, read + 1, r)), RETRY_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            rereading.remove(signal.resource()); // the engine is stopping
        }
    }

    /** On a worker: a secret store may be slow, and the timer and the subscription's thread must stay free. */
    private void run(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }
}
