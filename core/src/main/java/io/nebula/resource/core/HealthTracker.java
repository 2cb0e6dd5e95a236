package io.nebula.resource.core;

import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceState;
import io.nebula.resource.event.HealthChangedEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Each resource's health, derived from the lifecycle state of its pools (READY is UP, DEGRADED is
 * DEGRADED, FAILED is DOWN with the last backend error, a closed resource is DOWN) and cascaded through
 * the dependency graph, so a resource whose dependency is DOWN is at best DEGRADED. Says which
 * resources' health changed, so that a {@link HealthChangedEvent} is fired only on a change.
 */
public final class HealthTracker {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Map<String, HealthStatus>> pools = new HashMap<>();
    private final Map<String, HealthStatus> published = new HashMap<>();
    private DependencyGraph graph;
    private List<String> names;

    public HealthTracker(DependencyGraph graph, List<String> names) {
        this.graph = graph;
        this.names = List.copyOf(names);
    }

    /** A resource was declared in code: it and its dependencies join the cascade. */
    public void graph(DependencyGraph graph, List<String> names) {
        lock.lock();
        try {
            this.graph = graph;
            this.names = List.copyOf(names);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A pool of {@code resource} ({@code pool} tells its shared pool from its tenants' pools) entered
     * {@code state}; returns the health changes this causes, in the resource and its dependents.
     */
    public List<HealthChangedEvent> stateChanged(String resource, String pool, ResourceState state, Throwable lastError) {
        return stateChanged(resource, pool, () -> state, () -> lastError);
    }

    /**
     * As {@link #stateChanged(String, String, ResourceState, Throwable)}, with the pool's state and last error read
     * under this tracker's lock. Two threads may move a pool (a failure to FAILED, a success back to READY) and tell
     * their listeners in the other order; a tracker that recorded the state each one was told would keep the first
     * move's state for good when its news came last. Read under the lock, the last to record sees the last move.
     */
    public List<HealthChangedEvent> stateChanged(String resource, String pool, Supplier<ResourceState> state,
                                                 Supplier<Throwable> lastError) {
        lock.lock();
        try {
            pools.computeIfAbsent(resource, r -> new HashMap<>())
                    .put(pool, statusOf(resource, state.get(), lastError.get()));
            return publish();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A pool of {@code resource} is gone for good without anything being wrong (an idle tenant's pool): it no
     * longer counts in the resource's health. Returns the health changes this causes.
     */
    public List<HealthChangedEvent> forget(String resource, String pool) {
        lock.lock();
        try {
            Map<String, HealthStatus> ofResource = pools.get(resource);
            if (ofResource == null || ofResource.remove(pool) == null) {
                return List.of();
            }
            return publish();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Something besides its pools' states bears on {@code resource}'s health under {@code key} (an anomaly its history
     * flagged): {@code status}, or nothing any more when {@code null}. Returns the health changes this causes.
     */
    public List<HealthChangedEvent> mark(String resource, String key, HealthStatus status) {
        lock.lock();
        try {
            Map<String, HealthStatus> ofResource = pools.computeIfAbsent(resource, r -> new HashMap<>());
            if (status == null ? ofResource.remove(key) == null : status.equals(ofResource.put(key, status))) {
                return List.of();
            }
            return publish();
        } finally {
            lock.unlock();
        }
    }

    public HealthStatus health(String resource) {
        lock.lock();
        try {
            HealthStatus status = cascade().get(resource);
            return status == null ? own(resource) : status;
        } finally {
            lock.unlock();
        }
    }

    /** Cascades every resource's health anew; the changes since last published, now published. Under the lock. */
    private List<HealthChangedEvent> publish() {
        List<HealthChangedEvent> changes = new ArrayList<>();
        cascade().forEach((name, now) -> {
            HealthStatus before = published.getOrDefault(name, HealthStatus.up());
            if (before.status() != now.status()) {
                changes.add(new HealthChangedEvent(name, before, now));
            }
            published.put(name, now);
        });
        return changes;
    }

    private Map<String, HealthStatus> cascade() {
        Map<String, HealthStatus> own = new HashMap<>();
        for (String name : names) {
            own.put(name, own(name));
        }
        return graph.cascade(own);
    }

    /**
     * The worst status of the resource's pools and marks; UP before any pool started. Every reason at that status is
     * named, in the order of their keys ({@code a; b}): a pool DEGRADED by its check and an anomaly flagged on it are
     * two reasons, and an operator reading the health needs both.
     */
    private HealthStatus own(String resource) {
        HealthStatus worst = HealthStatus.up();
        List<String> reasons = new ArrayList<>();
        for (HealthStatus s : new TreeMap<>(pools.getOrDefault(resource, Map.of())).values()) {
            if (s.status().ordinal() > worst.status().ordinal()) {
                worst = s;
                reasons.clear();
            }
            if (s.status() == worst.status()) {
                s.message().filter(m -> !reasons.contains(m)).ifPresent(reasons::add);
            }
        }
        return reasons.size() < 2 ? worst : worst.with(worst.status(), String.join("; ", reasons));
    }

    private static HealthStatus statusOf(String resource, ResourceState state, Throwable lastError) {
        return switch (state) {
            case CREATED, INITIALIZING, READY -> HealthStatus.up();
            case DEGRADED -> HealthStatus.degraded("Resource '" + resource + "' is degraded"
                    + (lastError == null ? "" : ": " + lastError));
            case FAILED -> lastError == null ? HealthStatus.down("Resource '" + resource + "' failed")
                    : HealthStatus.down(lastError);
            case DRAINING, TERMINATED -> HealthStatus.down("Resource '" + resource + "' is closed");
        };
    }
}
