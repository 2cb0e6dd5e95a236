package io.nebula.resource.sample.status;

import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;
import io.nebula.resource.history.ResourceHistory;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** {@code GET /api/resources}: every declared resource's figures, for the dashboard; and each one's last hour. */
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
