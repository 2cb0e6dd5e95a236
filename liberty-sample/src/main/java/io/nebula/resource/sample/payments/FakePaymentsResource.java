package io.nebula.resource.sample.payments;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
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
 * {@code GET /api/fake-payments/} for the resource's health check.
 */
@Path("fake-payments")
@Produces(MediaType.APPLICATION_JSON)
public class FakePaymentsResource {

    @Inject
    ChargeBook book;

    /** What the {@code payments-api} resource's health check asks (HEAD is answered from it). */
    @GET
    public Map<String, Object> status() {
        return Map.of("status", "ok", "charges", book.size());
    }

    @POST
    @Path("charges")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response charge(ChargeRequest request, @HeaderParam("traceparent") String traceparent,
                           @Context UriInfo uri) {
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
        return book.find(id)
                .map(charge -> Response.ok(charge).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of("problems", List.of("no charge with id '" + id + "'"))).build());
    }
}
