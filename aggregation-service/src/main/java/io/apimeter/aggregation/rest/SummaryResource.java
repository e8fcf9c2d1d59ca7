package io.apimeter.aggregation.rest;

import io.apimeter.aggregation.service.Summaries;
import io.apimeter.aggregation.service.SummaryService;
import io.apimeter.aggregation.service.SummarySort;
import io.apimeter.common.rest.ApiException;
import io.apimeter.common.rest.Params;
import io.apimeter.common.security.Caller;
import io.apimeter.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * Monthly usage summaries: all customers in a month, or one customer across months. An admin reads the whole
 * platform; a customer reads its own rows only, and totals computed over them.
 */
@Path("/summaries")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.CUSTOMER})
public class SummaryResource {
    static final int DEFAULT_MONTHS = 6;
    static final int MAX_MONTHS = 24;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int MAX_OFFSET = 10_000_000;

    private final SummaryService summaries;
    private final Caller caller;

    public SummaryResource(SummaryService summaries, Caller caller) {
        this.summaries = summaries;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "A page of the customers that used the platform in the month, with the change from the "
            + "month before, and the month's totals over all of them; a customer token gets its own row only, and "
            + "totals over it")
    public Summaries.MonthSummary month(
            @Parameter(description = "Billing month (UTC), YYYY-MM; required") @QueryParam("month") String month,
            @Parameter(description = "cost (default), calls, tokens (input plus output), errors or customer")
            @QueryParam("sort") String sort,
            @Parameter(description = "desc (default) or asc") @QueryParam("order") String order,
            @Parameter(description = "Customers to skip, from 0 (default)") @QueryParam("offset") String offset,
            @Parameter(description = "Customers per page, 0 to " + MAX_LIMIT + ", default " + DEFAULT_LIMIT
                    + "; 0 answers the totals only") @QueryParam("limit") String limit) {
        YearMonth monthValue = Params.month("month", month);
        SummarySort sortValue = SummarySort.COST;
        if (sort != null && !sort.isBlank()) {
            sortValue = SummarySort.parse(sort);
            if (sortValue == null) {
                throw ApiException.badRequest("invalid_sort",
                        "sort must be cost, calls, tokens, errors or customer, got '" + Params.clip(sort) + "'");
            }
        }
        boolean ascending = ascending(order);
        int offsetValue = Params.intInRange("offset", offset, 0, 0, MAX_OFFSET);
        int limitValue = Params.intInRange("limit", limit, DEFAULT_LIMIT, 0, MAX_LIMIT);
        // Null for an admin: the whole platform. A customer's totals are its own, never the platform's.
        String customer = caller.customerFilter(null);
        return summaries.month(monthValue, sortValue, ascending, customer, offsetValue, limitValue);
    }

    @GET
    @Path("/{customerId}")
    @Operation(summary = "A customer's monthly totals, newest first; months without usage are left out")
    public Summaries.CustomerHistory customer(
            @PathParam("customerId") String customerId,
            @Parameter(description = "How many months back, 1 to 24, default 6") @QueryParam("months") String months,
            @Parameter(description = "Newest month of the window, YYYY-MM; default the current month (UTC)")
            @QueryParam("until") String until) {
        String customer = Params.customerId("customerId", customerId);
        caller.requireAccessTo(customer);
        int monthCount = Params.intInRange("months", months, DEFAULT_MONTHS, 1, MAX_MONTHS);
        YearMonth newest = until == null || until.isBlank() ? YearMonth.now(ZoneOffset.UTC) : Params.month("until", until);
        return summaries.history(customer, newest, monthCount);
    }

    private static boolean ascending(String order) {
        if (order == null || order.isBlank()) {
            return false;
        }
        return switch (order.trim().toLowerCase(Locale.ROOT)) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw ApiException.badRequest("invalid_order",
                    "order must be asc or desc, got '" + Params.clip(order) + "'");
        };
    }
}
