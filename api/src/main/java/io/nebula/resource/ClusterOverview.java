package io.nebula.resource;

import java.util.List;
import java.util.Map;

/**
 * This node of the cluster ({@code nebula.cluster.resource}, docs/cluster.md) as an operator sees it: its id, whether
 * it counts with the cluster or alone, the live nodes, the known-down gate of each resource, and the use of each
 * cluster-wide limit across the nodes. A bean that the CDI extension adds only when the application is
 * a node of a cluster; the dashboard's {@code GET nebula/api/cluster} reads it.
 */
public interface ClusterOverview {

    /** {@code nebula.cluster.node-id}. */
    String nodeId();

    /** {@code UP} while the cluster's Redis answers, {@code DEGRADED} while this node applies its local limits only. */
    String health();

    /** The known-down gate of each resource that has one on this node: {@code 0} closed, {@code 2} open. */
    Map<String, Integer> gates();

    /**
     * Why this node is {@code DEGRADED} (the cluster health check's message: the exception's class, the node, never
     * the URL); {@code null} while it is {@code UP}.
     */
    default String healthMessage() {
        return null;
    }

    /**
     * The gates of {@link #gates()} that are open on this node, by resource: the node that saw the backend down and
     * why (an exception's class name, never a message that may carry a secret). Empty when every gate is closed.
     */
    default Map<String, OpenGate> openGates() {
        return Map.of();
    }

    /**
     * An open known-down gate.
     *
     * @param node   the node that saw the backend down (this node or another one, told over pub/sub)
     * @param reason why it saw it down
     */
    record OpenGate(String node, String reason) {
    }

    /**
     * The nodes whose heartbeat is live now ({@code nebula:cluster:node:<id>} in the cluster's Redis), this one and
     * those holding no permit included, sorted. Asks the cluster's Redis once, on the caller's thread, within
     * {@code nebula.cluster.redis-timeout}: meant for a dashboard.
     *
     * @throws IllegalStateException when the cluster's Redis does not answer within the bound; the message names the
     *                               node and the bound, never the URL
     */
    default List<String> liveNodes() {
        return List.of(nodeId());
    }

    /**
     * Each cluster-wide limit this node knows, with its use across the cluster: the concurrent leases
     * ({@code cluster.max-concurrent-leases}, {@code cluster.tenant.max-concurrent-leases} for each tenant it served)
     * and the session budget ({@code cluster.max-instances}, {@code cluster.tenant.max-instances} for each tenant it
     * opened instances for), each as the permits held by each live node; the rate limits
     * ({@code cluster.tenant.max-acquisitions-per-second} for each tenant it served) as the current one-second
     * window's count, one counter for the whole cluster. Asks the cluster's Redis once per limit, on the caller's
     * thread, each call within {@code nebula.cluster.redis-timeout}: meant for a dashboard, never for an acquisition.
     *
     * @throws IllegalStateException when the cluster's Redis does not answer within the bound; the message names the
     *                               node and the bound, never the URL
     */
    List<Usage> usage();

    /**
     * One limit's use across the cluster.
     *
     * @param resource    the resource
     * @param tenant      the tenant of a {@code cluster.tenant.*} limit; {@code null} for the resource's own
     * @param limit       the key: {@code cluster.max-concurrent-leases}, {@code cluster.tenant.max-concurrent-leases},
     *                    {@code cluster.max-instances}, {@code cluster.tenant.max-instances} or
     *                    {@code cluster.tenant.max-acquisitions-per-second}
     * @param max         its value
     * @param byNode      the permits each live node holds (a node holds permits for its leases or open instances and
     *                    a spare batch); empty for a rate limit
     * @param windowCount a rate limit's acquisitions counted in the cluster in the current one-second window, by all
     *                    nodes together (one counter, not split by node); {@code null} for the other limits
     */
    record Usage(String resource, String tenant, String limit, int max, Map<String, Integer> byNode,
                 Integer windowCount) {

        /** A limit whose permits each node holds: {@code windowCount} {@code null}. */
        public Usage(String resource, String tenant, String limit, int max, Map<String, Integer> byNode) {
            this(resource, tenant, limit, max, byNode, null);
        }
    }
}
