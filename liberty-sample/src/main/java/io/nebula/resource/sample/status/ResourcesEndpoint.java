package io.nebula.resource.sample.status;

import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** {@code GET /api/resources}: every declared resource's figures, for the dashboard. */
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
}
