package io.apimeter.console.admin;

import io.apimeter.console.client.GatewayClient;
import io.apimeter.console.client.QuotaClient;
import io.apimeter.console.web.Api;
import io.apimeter.console.web.ApiException;
import io.apimeter.console.web.Json;
import io.apimeter.console.web.Page;
import io.apimeter.console.web.Pages;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The price book (gateway) with effective-dated entries, the platform budget and this month's cost (quota). */
@Path("/admin/prices")
@RolesAllowed("admin")
@Produces(MediaType.TEXT_HTML)
public class PricesResource {

    private final GatewayClient gateway;
    private final QuotaClient quota;
    private final Api api;
    private final Pages pages;
    private final Template template;

    public PricesResource(@RestClient GatewayClient gateway, @RestClient QuotaClient quota, Api api, Pages pages,
                          @Location("admin/prices.html") Template template) {
        this.gateway = gateway;
        this.quota = quota;
        this.api = api;
        this.pages = pages;
        this.template = template;
    }

    @GET
    public TemplateInstance prices(@QueryParam("flash") String flash) {
        return page(pages.page("Prices and platform", "prices", flash), new Json.Obj(), new Json.Obj(), null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response addPrice(@FormParam("provider") String provider, @FormParam("model") String model,
                             @FormParam("unit") String unit, @FormParam("unitSize") String unitSize,
                             @FormParam("inputPrice") String inputPrice, @FormParam("outputPrice") String outputPrice,
                             @FormParam("price") String price, @FormParam("effectiveFrom") String effectiveFrom) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider", Forms.blank(provider));
        body.put("model", Forms.blank(model));
        body.put("unit", Forms.blank(unit));
        body.put("unitSize", Forms.blank(unitSize));
        body.put("inputPrice", Forms.blank(inputPrice));
        body.put("outputPrice", Forms.blank(outputPrice));
        body.put("price", Forms.blank(price));
        Map<String, Object> form = new Json.Obj();
        form.putAll(body);
        form.put("effectiveFrom", Forms.blank(effectiveFrom));
        try {
            body.put("effectiveFrom", instant(Forms.blank(effectiveFrom)));
            body.values().removeIf(v -> v == null);
            api.call("gateway", () -> gateway.addPrice(body));
        } catch (ApiException e) {
            if (e.status() == 403 || e.status() >= 500) {
                throw e;
            }
            form.put("errorField", e.field());
            return Response.status(e.status()).entity(page(pages.page("Prices and platform", "prices")
                    .withError(e.getMessage()), form, new Json.Obj(), null)).build();
        }
        return Forms.redirect("/admin/prices", "price-added");
    }

    @POST
    @Path("/budget")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response saveBudget(@FormParam("monthlyCostUsd") String monthlyCostUsd,
                               @FormParam("warnAtPercent") String warnAtPercent) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("monthlyCostUsd", Forms.blank(monthlyCostUsd));
        body.put("warnAtPercent", Forms.blank(warnAtPercent));
        try {
            api.call("quota", () -> quota.saveBudget(body));
        } catch (ApiException e) {
            if (e.status() == 403 || e.status() >= 500) {
                throw e;
            }
            Map<String, Object> budgetForm = new Json.Obj();
            budgetForm.putAll(body);
            return Response.status(e.status()).entity(page(pages.page("Prices and platform", "prices")
                    .withError(e.getMessage()), new Json.Obj(), budgetForm, e.field())).build();
        }
        return Forms.redirect("/admin/prices", "budget-saved");
    }

    /** A datetime-local value, read as UTC, as an ISO instant; null (the API's default: now) when empty. */
    static String instant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC).toString();
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "invalid_effectiveFrom", "effectiveFrom must be a date and time (UTC).");
        }
    }

    private TemplateInstance page(Page page, Map<String, Object> priceForm, Map<String, Object> budgetForm,
                                  String budgetErrorField) {
        List<Map<String, Object>> prices = Json.list(api.call("gateway", gateway::prices));
        Map<String, Object> budget = null;
        Map<String, Object> status = null;
        try {
            budget = Json.map(api.call("quota", quota::budget));
            status = Json.map(api.call("quota", () -> quota.platformStatus(null)));
        } catch (ApiException e) {
            if (page.error() == null) {
                page = page.withError(e.getMessage());
            }
        }
        Map<String, Object> shownBudget = budgetForm.isEmpty() && budget != null ? budget : budgetForm;
        return template.data("page", page).data("prices", prices).data("form", priceForm)
                .data("budget", shownBudget).data("status", status)
                .data("budgetError", budgetErrorField)
                .data("providers", CallQuery.PROVIDERS)
                .data("units", List.of("TOKENS", "CHARACTERS", "SECONDS"));
    }
}
