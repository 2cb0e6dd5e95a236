package io.nebula.resource.sample.payments;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;
import java.util.Map;

/**
 * A small stand-in for a payment provider, served by the sample itself so that the
 * {@code payments-api} HTTP resource has something to call without a network:
 * {@code POST /api/fake-payments/charges}, {@code GET /api/fake-payments/charges/{id}}, and
 * {@code GET /api/fake-payments/} for the resource's health check. {@code PUT /api/fake-payments/outage?status=503}
 * makes every call fail with that status until {@code DELETE /api/fake-payments/outage}, to watch the
 * sample (and its dashboard) when the payment provider is down.
 */
@Path("fake-payments")
@Produces(MediaType.APPLICATION_JSON)
public class FakePaymentsResource {

    @Inject
    ChargeBook book;

    /** What the {@code payments-api} resource's health check asks (HEAD is answered from it). */
    @GET
    public Response status() {
        return book.outage().map(FakePaymentsResource::unavailable)
                .orElseGet(() -> Response.ok(Map.of("status", "ok", "charges", book.size())).build());
    }

    @PUT
    @Path("outage")
    public Response startOutage(@QueryParam("status") @DefaultValue("503") int status) {
        if (status < 500 || status > 599) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("problems", List.of("status must be a 5xx code, was " + status))).build();
        }
        book.startOutage(status);
        return Response.noContent().build();
    }

    @DELETE
    @Path("outage")
    public Response endOutage() {
        book.endOutage();
        return Response.noContent().build();
    }

    @POST
    @Path("charges")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response charge(ChargeRequest request, @HeaderParam("traceparent") String traceparent,
                           @Context UriInfo uri) {
        if (book.outage().isPresent()) {
            return unavailable(book.outage().get());
        }
        List<String> problems = ChargeBook.problems(request);
        if (!problems.isEmpty()) {
            return Response.status(Response.Status.BAD_REQUEST).entity(Map.of("problems", problems)).build();
        }
        Charge charge = book.capture(request, traceparent);
        return Response.created(uri.getAbsolutePathBuilder().path(charge.id()).build()).entity(charge).build();
    }

    @GET
    @Path("charges/{id}")
    public Response find(@PathParam("id") String id) {
        if (book.outage().isPresent()) {
            return unavailable(book.outage().get());
        }
        return book.find(id)
                .map(charge -> Response.ok(charge).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of("problems", List.of("no charge with id '" + id + "'"))).build());
    }

    private static Response unavailable(int status) {
        return Response.status(status).entity(Map.of("problems", List.of("simulated outage"))).build();
    }
}
