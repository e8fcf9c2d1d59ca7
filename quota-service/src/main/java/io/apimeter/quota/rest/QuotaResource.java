package io.apimeter.quota.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.common.rest.ApiException;
import io.apimeter.common.rest.Params;
import io.apimeter.common.security.Caller;
import io.apimeter.common.security.Roles;
import io.apimeter.quota.service.QuotaService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * Customers' monthly limits and their standing against them. Admins set limits; a customer reads its own
 * quota and standing, and another customer's answers 404 as if it did not exist.
 */
@Path("/quotas")
@Produces(MediaType.APPLICATION_JSON)
public class QuotaResource {
    private final QuotaService quotas;
    private final Caller caller;

    public QuotaResource(QuotaService quotas, Caller caller) {
        this.quotas = quotas;
        this.caller = caller;
    }

    @PUT
    @Path("/{customerId}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    public QuotaView put(@PathParam("customerId") String customerId, JsonNode body) {
        String customer = Params.customerId("customerId", customerId);
        return QuotaView.of(quotas.put(customer, QuotaRequest.parse(customer, body)));
    }

    @GET
    @Path("/{customerId}")
    @RolesAllowed({Roles.ADMIN, Roles.CUSTOMER})
    public QuotaView get(@PathParam("customerId") String customerId) {
        String customer = Params.customerId("customerId", customerId);
        caller.requireAccessTo(customer);
        return quotas.find(customer).map(QuotaView::of)
                .orElseThrow(() -> ApiException.notFound("customer " + customer + " has no quota"));
    }

    @GET
    @Path("/{customerId}/status")
    @RolesAllowed({Roles.ADMIN, Roles.CUSTOMER})
    public QuotaStatusView status(@PathParam("customerId") String customerId, @QueryParam("month") String month) {
        String customer = Params.customerId("customerId", customerId);
        caller.requireAccessTo(customer);
        return QuotaStatusView.of(quotas.report(customer, Params.monthOrCurrent("month", month)));
    }
}
