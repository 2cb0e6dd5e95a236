package io.nebula.resource.core.cluster;

/**
 * Where the nodes of a cluster count the permits of their cluster-wide limits: the backend of
 * {@code nebula.cluster.resource} (Redis, {@code providers/cluster-redis}). Plain Java, so a node's engine can be
 * tested against any implementation. Each node holds a count of permits per limit; the backend never lets the counts
 * of all live nodes exceed the limit, and forgets the count of a node whose heartbeat lapsed (a node killed with
 * {@code kill -9} gives its permits back within the heartbeat TTL).
 *
 * <p>Every call answers within the implementation's bound ({@code nebula.cluster.redis-timeout}) or throws
 * {@link ClusterUnavailableException}: a caller never waits on the backend longer.
 */
public interface ClusterPermits extends AutoCloseable {

    /**
     * Takes up to {@code wanted} permits of {@code limit} for this node, so that the permits held by all live nodes
     * stay at or below {@code max}, and refreshes this node's heartbeat.
     *
     * @return how many were taken: {@code 0} to {@code wanted}
     */
    int take(String limit, int wanted, int max);

    /**
     * Takes up to {@code wanted} of the {@code max} permits of {@code limit} in one window of a rate (the window's
     * number: seconds since the epoch). The backend forgets a window soon after it ends; its permits are never given
     * back.
     *
     * @return how many were taken: {@code 0} to {@code wanted}
     */
    int takeInWindow(String limit, long window, int wanted, int max);

    /** Gives back {@code count} permits of {@code limit} that this node holds. */
    void give(String limit, int count);

    /**
     * Refreshes this node's heartbeat and sets the permits it holds of {@code limit} to {@code held}: what the node
     * really holds, also after an outage of the backend during which it counted alone.
     */
    void hold(String limit, int held);

    /** Refreshes this node's heartbeat only. */
    void heartbeat();

    /**
     * The permits of {@code limit} held by each live node, read only: what a dashboard shows, never asked on an
     * acquisition. One round trip, within the same bound as every call.
     *
     * @return node id to permits; empty when no live node holds any, or when the backend cannot tell
     */
    default java.util.Map<String, Integer> usage(String limit) {
        return java.util.Map.of();
    }

    /**
     * The acquisitions counted in the cluster for {@code limit} in one window of a rate ({@link #takeInWindow}): one
     * counter for the whole cluster, not split by node. Read only, for a dashboard; one round trip.
     *
     * @return the window's count; {@code 0} once the backend forgot the window, or when it cannot tell
     */
    default int windowCount(String limit, long window) {
        return 0;
    }

    /**
     * The ids of the nodes whose heartbeat is live now, those holding no permit included: what a dashboard lists.
     * Read only; one round trip, its cost in the number of nodes that joined since the last read, not in the keys
     * of the backend.
     *
     * @return the live nodes, sorted; empty when the backend cannot tell
     */
    default java.util.SortedSet<String> liveNodes() {
        return java.util.Collections.emptySortedSet();
    }

    /** This node's id ({@code nebula.cluster.node-id}). */
    String nodeId();

    /** The calls made to the backend so far, each one round trip: what the benchmarks report per acquisition. */
    long roundTrips();

    @Override
    void close();
}
