package io.apimeter.quota.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.common.rest.Params;
import io.apimeter.common.security.Roles;
import io.apimeter.quota.service.PlatformBudgets;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The platform's monthly cost budget and its standing: admins only, as it speaks of every customer's cost. */
@Path("/platform")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class PlatformResource {
    private final PlatformBudgets budgets;

    public PlatformResource(PlatformBudgets budgets) {
        this.budgets = budgets;
    }

    @GET
    @Path("/budget")
    public PlatformBudgetView budget() {
        return PlatformBudgetView.of(budgets.budget());
    }

    @PUT
    @Path("/budget")
    @Consumes(MediaType.APPLICATION_JSON)
    public PlatformBudgetView put(JsonNode body) {
        PlatformBudgetRequest.Parsed parsed = PlatformBudgetRequest.parse(body);
        return PlatformBudgetView.of(budgets.put(parsed.monthlyCostUsd(), parsed.warnAtPercent()));
    }

    @GET
    @Path("/status")
    public PlatformStatusView status(@QueryParam("month") String month) {
        return PlatformStatusView.of(budgets.report(Params.monthOrCurrent("month", month)));
    }
}
