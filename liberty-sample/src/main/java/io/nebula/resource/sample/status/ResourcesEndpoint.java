package io.nebula.resource.sample.status;

import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;
import io.nebula.resource.dashboard.ResourceOverview;
import io.nebula.resource.dashboard.ResourceView;
import io.nebula.resource.history.ResourceHistory;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * {@code GET /api/resources}: every declared resource's figures, the rows of the dashboard's
 * {@code nebula/api/resources}, without credentials (as {@code /health} and {@code /metrics}), for scripts and the
 * sample's tests; and {@code GET /api/resources/{name}/history}, each one's last hour. The dashboard itself, at
 * {@code /nebula/dashboard/}, comes from nebula-resource-dashboard.
 */
@Path("resources")
@Produces(MediaType.APPLICATION_JSON)
public class ResourcesEndpoint {

    @Inject
    Resources resources;

    @Inject
    ResourceStatistics statistics;

    /** The body: one {@link ResourceView} per resource, sorted by name. */
    public record Report(List<ResourceView> resources) {
    }

    @GET
    public Report resources() {
        return new Report(new ResourceOverview(resources, statistics).views());
    }

    /**
     * {@code GET /api/resources/{name}/history}: the resource's last hour ({@code ManagedResource.history()}), oldest
     * bucket first, as the extension keeps it; 404 for a resource that is not declared.
     */
    @GET
    @Path("{name}/history")
    public ResourceHistory history(@PathParam("name") String name) {
        return resources.find(name).map(r -> r.history())
                .orElseThrow(() -> new NotFoundException("No resource named '" + name + "'"));
    }
}
