package io.nebula.resource.dashboard;

import io.nebula.resource.ConfigurationInvalidException;
import io.nebula.resource.ManagedResource;
import io.nebula.resource.ResourceStatistics;
import io.nebula.resource.Resources;
import io.nebula.resource.admin.AdminChange;
import io.nebula.resource.admin.ResourceAdmin;
import io.nebula.resource.history.Anomaly;
import io.nebula.resource.history.ResourceHistory;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The dashboard's JSON: figures, history and anomalies to read, and the {@link ResourceAdmin} actions, each a POST
 * that only a caller in the role {@value #ADMIN_ROLE} may make (checked here, whatever the container's
 * constraints say, so that the actions are never open). Who may read is the web module's constraint on
 * {@code /nebula/*}: the module's web-fragment.xml asks for an authenticated caller.
 *
 * <p>Answers: 403 for an action by a caller without the role; 404 for an unknown resource; 400 for a change the
 * configuration would refuse ({@code problems}, each naming its key) or a body that lacks a field (naming it); 503
 * when the application has no {@link ResourceAdmin} bean.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardEndpoint {

    /** The role an operator needs for the actions. */
    public static final String ADMIN_ROLE = "nebula-admin";

    /** How long {@code drain} waits for the leases out when the body does not say. */
    static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    Resources resources;

    @Inject
    ResourceStatistics statistics;

    @Inject
    Instance<ResourceAdmin> admin;

    @Context
    SecurityContext security;

    /** The body of {@code GET resources}: one row per resource, sorted by name. */
    public record Report(List<ResourceView> resources) {
    }

    /** The body of {@code GET me}. */
    public record Caller(String name, boolean admin) {
    }

    /** A refused request: what was wrong, and for a validation error each problem under its key. */
    public record Refusal(String error, List<Problem> problems) {
    }

    /** One problem of a refused change. */
    public record Problem(String key, String message) {
    }

    // ------------------------------------------------------------------ reading

    @GET
    @Path("resources")
    public Report figures() {
        return new Report(new ResourceOverview(resources, statistics).views());
    }

    @GET
    @Path("resources/{resource}/history")
    public Response history(@PathParam("resource") String resource) {
        return withResource(resource, r -> Response.ok(r.history()).build());
    }

    @GET
    @Path("resources/{resource}/tenants/{tenant}/history")
    public Response tenantHistory(@PathParam("resource") String resource, @PathParam("tenant") String tenant) {
        return withResource(resource, r -> {
            ResourceHistory history = r.history(tenant);
            return Response.ok(history).build();
        });
    }

    /** Every anomaly flagged now, resource by resource in name order. */
    @GET
    @Path("anomalies")
    public List<Anomaly> anomalies() {
        List<Anomaly> all = new ArrayList<>();
        for (String name : new TreeSet<>(resources.names())) {
            try {
                resources.find(name).ifPresent(r -> all.addAll(r.anomalies()));
            } catch (RuntimeException e) {
                // a resource that cannot be read is shown DOWN by the figures; it has no anomaly to add here
            }
        }
        return all;
    }

    /** Who the page is talking for, and whether the actions will be accepted. */
    @GET
    @Path("me")
    public Caller me() {
        Principal caller = security.getUserPrincipal();
        return new Caller(caller == null ? null : caller.getName(), isAdmin());
    }

    // ------------------------------------------------------------------ actions

    @POST
    @Path("resources/{resource}/resize")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response resize(@PathParam("resource") String resource, JsonObject body) {
        return act(resource, admin -> {
            int max = requiredInt(body, "max");
            if (body == null || !body.containsKey("min") || body.isNull("min")) {
                // only the maximum: the minimum stays what it is
                return admin.apply(resource, Map.of("pool.max-size", Integer.toString(max)));
            }
            return admin.resize(resource, requiredInt(body, "min"), max);
        });
    }

    @POST
    @Path("resources/{resource}/pause")
    public Response pause(@PathParam("resource") String resource) {
        return act(resource, admin -> admin.pause(resource));
    }

    @POST
    @Path("resources/{resource}/resume")
    public Response resume(@PathParam("resource") String resource) {
        return act(resource, admin -> admin.resume(resource));
    }

    @POST
    @Path("resources/{resource}/drain")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response drain(@PathParam("resource") String resource, JsonObject body) {
        return act(resource, admin -> {
            Duration timeout = body != null && body.containsKey("timeoutSeconds")
                    ? Duration.ofSeconds(requiredInt(body, "timeoutSeconds"))
                    : DEFAULT_DRAIN_TIMEOUT;
            return admin.drain(resource, timeout);
        });
    }

    @POST
    @Path("resources/{resource}/quarantine")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response quarantine(@PathParam("resource") String resource, JsonObject body) {
        return act(resource, admin -> admin.quarantine(resource, requiredString(body, "reason")));
    }

    @POST
    @Path("resources/{resource}/release")
    public Response release(@PathParam("resource") String resource) {
        return act(resource, admin -> admin.release(resource));
    }

    @POST
    @Path("resources/{resource}/reset-circuit")
    public Response resetCircuit(@PathParam("resource") String resource) {
        return act(resource, admin -> admin.resetCircuit(resource));
    }

    /** The body is the quota keys relative to the resource: {@code {"tenant.quota.max-concurrent-leases": "20"}}. */
    @POST
    @Path("resources/{resource}/tenants/{tenant}/quota")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response quota(@PathParam("resource") String resource, @PathParam("tenant") String tenant, JsonObject body) {
        return act(resource, admin -> admin.tenantQuota(resource, tenant, keys(body)));
    }

    // ------------------------------------------------------------------ the rules every action follows

    private boolean isAdmin() {
        return security.getUserPrincipal() != null && security.isUserInRole(ADMIN_ROLE);
    }

    private Response act(String resource, Function<ResourceAdmin, AdminChange> action) {
        if (!isAdmin()) {
            return refuse(Response.Status.FORBIDDEN, "the actions need the role " + ADMIN_ROLE);
        }
        if (!admin.isResolvable()) {
            return refuse(Response.Status.SERVICE_UNAVAILABLE, "the application has no ResourceAdmin bean");
        }
        if (!resources.names().contains(resource)) {
            return refuse(Response.Status.NOT_FOUND, "no resource named " + resource);
        }
        try {
            return Response.ok(action.apply(admin.get().as(security.getUserPrincipal().getName()))).build();
        } catch (BadBody e) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(new Refusal(e.getMessage(), List.of(new Problem(e.field, e.getMessage())))).build();
        } catch (ConfigurationInvalidException e) {
            List<Problem> problems = e.problems().stream().map(p -> new Problem(p.key(), p.message())).toList();
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(new Refusal("the change was refused; nothing was changed", problems)).build();
        } catch (IllegalArgumentException e) {
            // ResourceAdmin's answer for a resource it does not know (declared but gone)
            return refuse(Response.Status.NOT_FOUND, e.getMessage());
        }
    }

    private Response withResource(String resource, Function<ManagedResource<?>, Response> answer) {
        Optional<ManagedResource<?>> found = resources.names().contains(resource) ? resources.find(resource) : Optional.empty();
        return found.map(answer).orElseGet(() -> refuse(Response.Status.NOT_FOUND, "no resource named " + resource));
    }

    private static Response refuse(Response.Status status, String error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new Refusal(error, List.of())).build();
    }

    private static int requiredInt(JsonObject body, String field) {
        JsonValue value = body == null ? null : body.get(field);
        if (value instanceof JsonNumber n && n.isIntegral()) {
            return n.intValueExact();
        }
        if (value instanceof JsonString s) {
            try {
                return Integer.parseInt(s.getString().trim());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new BadBody(field, field + " must be a whole number");
    }

    private static String requiredString(JsonObject body, String field) {
        JsonValue value = body == null ? null : body.get(field);
        if (value instanceof JsonString s && !s.getString().isBlank()) {
            return s.getString();
        }
        throw new BadBody(field, field + " is required");
    }

    private static Map<String, String> keys(JsonObject body) {
        if (body == null || body.isEmpty()) {
            throw new BadBody("body", "give at least one quota key, e.g. {\"tenant.quota.max-concurrent-leases\": \"20\"}");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        body.forEach((k, v) -> keys.put(k, v instanceof JsonString s ? s.getString() : v.toString()));
        return keys;
    }

    /** A request body without a field an action needs. */
    private static final class BadBody extends RuntimeException {
        final String field;

        BadBody(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }
}
