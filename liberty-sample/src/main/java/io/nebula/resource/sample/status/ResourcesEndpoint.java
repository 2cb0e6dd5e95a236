package io.nebula.resource.sample.status;

import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;
import io.nebula.resource.dashboard.ResourceOverview;
import io.nebula.resource.dashboard.ResourceView;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * {@code GET /api/resources}: every declared resource's figures, the rows of the dashboard's
 * {@code nebula/api/resources}, without credentials (as {@code /health} and {@code /metrics}), for scripts and the
 * sample's tests. The dashboard itself, at {@code /nebula/dashboard/}, comes from nebula-resource-dashboard.
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
}
