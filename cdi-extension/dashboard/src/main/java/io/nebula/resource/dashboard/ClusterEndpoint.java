package io.nebula.resource.dashboard;

import io.nebula.resource.ClusterOverview;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/**
 * {@code GET nebula/api/cluster}: the dashboard's cluster panel (docs/operations.md, "Dashboard"). This node's id and
 * health, the live nodes, the known-down gate of each resource, and the use of each cluster-wide limit (the permits
 * of the lease and instance limits held by each live node, the current second's count of each rate limit), read
 * from the cluster's Redis when asked (one call for the nodes, one per limit, each within
 * {@code nebula.cluster.redis-timeout}). 404 when the application is not a node of a cluster. When Redis does not
 * answer, the rest is still shown and {@code usageError} says why.
 */
@Path("cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterEndpoint {

    @Inject
    Instance<ClusterOverview> cluster;

    /**
     * The body of {@code GET cluster}; {@code liveNodes} and {@code usage} are {@code null} and {@code usageError} set
     * when Redis did not answer; {@code healthMessage} says why the node is DEGRADED; {@code openGates} who saw each open gate's backend
     * down and why.
     */
    public record ClusterReport(String node, String health, Map<String, Integer> gates,
                                List<ClusterOverview.Usage> usage, String usageError, String healthMessage,
                                Map<String, ClusterOverview.OpenGate> openGates, List<String> liveNodes) {
    }

    @GET
    public Response cluster() {
        if (!cluster.isResolvable()) {
            return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                    .entity(new DashboardEndpoint.Refusal("this application is not a node of a cluster "
                            + "(nebula.cluster.resource is not set)", List.of())).build();
        }
        return Response.ok(report(cluster.get())).build();
    }

    static ClusterReport report(ClusterOverview c) {
        List<ClusterOverview.Usage> usage = null;
        List<String> nodes = null;
        String error = null;
        try {
            nodes = c.liveNodes();
            usage = c.usage();
        } catch (RuntimeException e) {
            nodes = null; // both read from Redis, or neither: the panel keeps the last pair it showed
            error = e.getMessage();
        }
        return new ClusterReport(c.nodeId(), c.health(), c.gates(), usage, error, c.healthMessage(), c.openGates(),
                nodes);
    }
}
