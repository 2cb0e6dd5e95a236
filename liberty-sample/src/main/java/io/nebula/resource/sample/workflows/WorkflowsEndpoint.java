package io.nebula.resource.sample.workflows;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code POST /api/workflows/{workflow}?tenant=acme} runs a workflow for a tenant and answers with the
 * run: 200 when every action succeeded; 503 when an action failed because a resource could not be had (the run's
 * {@code unavailable} names it and says why); 500 with the failed action's error otherwise.
 * {@code GET /api/workflows} lists the workflows, their actions and the resources each declares.
 */
@Path("workflows")
@Produces(MediaType.APPLICATION_JSON)
public class WorkflowsEndpoint {

    /** A tenant name is used in keys and subjects: letters, digits, '-' and '_', at most 64. */
    static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    @Inject
    Workflows workflows;

    @GET
    public List<Workflows.Definition> list() {
        return workflows.definitions();
    }

    @POST
    @Path("{workflow}")
    public Response run(@PathParam("workflow") String workflow, @QueryParam("tenant") String tenant) {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            return problem(Response.Status.BAD_REQUEST, "query parameter tenant is required: letters, digits,"
                    + " '-' and '_', at most 64, e.g. ?tenant=acme");
        }
        return workflows.run(workflow, tenant)
                .map(run -> Response.status(status(run)).entity(run).build())
                .orElseGet(() -> problem(Response.Status.NOT_FOUND, "no workflow '" + workflow + "'; workflows: "
                        + String.join(", ", workflows.definitions().stream().map(Workflows.Definition::name).toList())));
    }

    private static Response.Status status(WorkflowRun run) {
        if (run.succeeded()) {
            return Response.Status.OK;
        }
        return run.unavailable() != null ? Response.Status.SERVICE_UNAVAILABLE : Response.Status.INTERNAL_SERVER_ERROR;
    }

    private static Response problem(Response.Status status, String problem) {
        return Response.status(status).entity(Map.of("problems", List.of(problem))).build();
    }
}
