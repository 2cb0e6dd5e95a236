package io.nebula.resource.core.credential;

import io.nebula.resource.Secret;
import io.nebula.resource.core.EngineThreads;
import io.nebula.resource.spi.CredentialUnavailableException;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * The watch of one {@link CredentialedProvider}: it holds the credential values in force and, every
 * {@code credentials.refresh-interval} once the first instance exists, reads the source again and compares, in
 * constant time; a change makes the provider rotate. Reading to compare is not a use, so it is not audited.
 */
final class CredentialWatch {

    private static final System.Logger LOG = System.getLogger("io.nebula.resource.core.credential");

    private final CredentialedProvider<?> provider;
    private final ScheduledExecutorService scheduler;
    private final ReentrantLock lock = new ReentrantLock(); // guards inForce, watch and shutDown; never held around I/O
    private Map<String, Optional<Secret>> inForce; // null until the first creation
    private ScheduledFuture<?> watch;
    private boolean shutDown;
    private volatile boolean failingToRefresh; // the watch task and the re-reads another node asks for (ClusterRotation)

    /** @param scheduler times the watch; {@code null} for the {@linkplain EngineThreads#timer() engine's timer} */
    CredentialWatch(CredentialedProvider<?> provider, ScheduledExecutorService scheduler) {
        this.provider = provider;
        this.scheduler = scheduler != null ? scheduler : EngineThreads.timer();
    }

    /** Makes {@code values} the ones in force; returns the keys that differ from before (none the first time). */
    Set<String> adopt(Map<String, Optional<Secret>> values) {
        lock.lock();
        try {
            return adoptLocked(values);
        } finally {
            lock.unlock();
        }
    }

    private Set<String> adoptLocked(Map<String, Optional<Secret>> values) {
        Set<String> changed = new TreeSet<>();
        if (inForce != null) {
            values.forEach((key, value) -> {
                if (!value.equals(inForce.getOrDefault(key, Optional.empty()))) { // Secret.equals: constant time
                    changed.add(key);
                }
            });
        }
        inForce = values;
        return changed;
    }

    /**
     * Reads the source again; rotates when a value changed.
     *
     * @param announce whether a rotation is this node's own news, for the cluster to hear ({@link RotationAnnouncer});
     *                 {@code false} when another node announced it
     * @return {@code true} when nothing is left to do: a value changed and the provider rotated, or nothing was made
     *         yet (or the watch stopped); {@code false} when the source returned the values in force or could not be read
     */
    boolean refresh(boolean announce) {
        Map<String, Optional<Secret>> values;
        try {
            values = read();
        } catch (CredentialUnavailableException e) {
            if (!failingToRefresh) {
                failingToRefresh = true;
                LOG.log(WARNING, "NEBULA-4303 Could not read the credentials of " + provider.who + " again to look for a"
                        + " rotation; the ones in force stay (" + e.getMessage() + ")", e.getCause());
            }
            return false;
        }
        if (failingToRefresh) {
            failingToRefresh = false;
            LOG.log(INFO, () -> "NEBULA-4304 The credentials of " + provider.who + " can be read again");
        }
        Set<String> changed;
        lock.lock();
        try {
            if (inForce == null || shutDown) {
                return true; // nothing made yet: the first creation reads them
            }
            changed = adoptLocked(values);
        } finally {
            lock.unlock();
        }
        if (changed.isEmpty()) {
            return false;
        }
        provider.rotate(changed, announce);
        return true;
    }

    /** Every credential key's value, without auditing: reading to compare is not a use. */
    private Map<String, Optional<Secret>> read() {
        Map<String, Optional<Secret>> values = new TreeMap<>();
        for (String key : provider.credentials.keys()) {
            values.put(key, provider.fetch(key));
        }
        return values;
    }

    /** Schedules the watch, once, unless the refresh interval is 0 or the provider was shut down. */
    void start() {
        lock.lock();
        try {
            if (watch != null || shutDown || provider.credentials.refreshInterval().isZero()) {
                return;
            }
            // a secret store may be slow to answer: the re-read runs on the engine's workers, the timer only times it
            watch = EngineThreads.every(scheduler, provider.credentials.refreshInterval(), () -> refresh(true), e -> LOG.log(
                    ERROR, "NEBULA-4308 The credential watch of " + provider.who + " failed", e));
        } catch (RejectedExecutionException e) {
            LOG.log(ERROR, "NEBULA-4307 Could not schedule the credential watch of " + provider.who + "; rotations are"
                    + " seen only when an instance is created", e);
        } finally {
            lock.unlock();
        }
    }

    /** Cancels the watch for good. */
    void stop() {
        lock.lock();
        try {
            shutDown = true;
            if (watch != null) {
                watch.cancel(false);
                watch = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
