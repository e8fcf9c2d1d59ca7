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
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Quotas: every customer's usage bars for the current month (quota-service has no list: one status per customer
 * of the gateway's list), and the edit form of one customer's limits with the API's errors beside their field.
 */
@Path("/admin/quotas")
@RolesAllowed("admin")
@Produces(MediaType.TEXT_HTML)
public class QuotasResource {

    /** The quota API's JSON fields, in form order. */
    static final List<String> LIMITS = List.of("openaiTokens", "elevenlabsCharacters", "smartfloMinutes",
            "totalCostUsd", "requestsPerMinute");

    private final QuotaClient quotas;
    private final GatewayClient gateway;
    private final Api api;
    private final Pages pages;
    private final Template list;
    private final Template edit;

    public QuotasResource(@RestClient QuotaClient quotas, @RestClient GatewayClient gateway, Api api, Pages pages,
                          @Location("admin/quotas.html") Template list, @Location("admin/quota.html") Template edit) {
        this.quotas = quotas;
        this.gateway = gateway;
        this.api = api;
        this.pages = pages;
        this.list = list;
        this.edit = edit;
    }

    @GET
    public TemplateInstance list() {
        Page page = pages.page("Quotas", "quotas");
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Map<String, Object> customer : Json.list(api.call("gateway", gateway::customers))) {
            String id = String.valueOf(customer.get("id"));
            Map<String, Object> row = new Json.Obj();
            row.put("customer", customer);
            try {
                row.put("status", Json.map(api.call("quota", () -> quotas.status(id, null))));
            } catch (ApiException e) {
                if (e.status() == 503) {
                    throw e;
                }
                failures.add(id + ": " + e.getMessage());
            }
            rows.add(row);
        }
        if (!failures.isEmpty()) {
            page = page.withError("Some standings could not be read. " + String.join("; ", failures));
        }
        return list.data("page", page).data("rows", rows);
    }

    @GET
    @Path("/{id}")
    public TemplateInstance edit(@PathParam("id") String id, @QueryParam("flash") String flash) {
        Page page = pages.page("Quota of " + id, "quotas", flash);
        Map<String, Object> quota;
        boolean exists = true;
        try {
            quota = Json.map(api.call("quota", () -> quotas.quota(id)));
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            quota = new Json.Obj();
            quota.put("warnAtPercent", 80);
            quota.put("enforcement", "ALERT_ONLY");
            exists = false;
        }
        return editPage(id, page, quota, exists, null);
    }

    @POST
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response save(@PathParam("id") String id, @FormParam("openaiTokens") String openaiTokens,
                         @FormParam("elevenlabsCharacters") String elevenlabsCharacters,
                         @FormParam("smartfloMinutes") String smartfloMinutes,
                         @FormParam("totalCostUsd") String totalCostUsd,
                         @FormParam("requestsPerMinute") String requestsPerMinute,
                         @FormParam("warnAtPercent") String warnAtPercent,
                         @FormParam("enforcement") String enforcement) {
        Map<String, Object> body = new LinkedHashMap<>();
        // decimal strings: the API parses and validates them exactly (an empty field is an unlimited limit)
        body.put("openaiTokens", Forms.blank(openaiTokens));
        body.put("elevenlabsCharacters", Forms.blank(elevenlabsCharacters));
        body.put("smartfloMinutes", Forms.blank(smartfloMinutes));
        body.put("totalCostUsd", Forms.blank(totalCostUsd));
        body.put("requestsPerMinute", Forms.blank(requestsPerMinute));
        body.put("warnAtPercent", Forms.blank(warnAtPercent));
        body.put("enforcement", Forms.blank(enforcement));
        try {
            api.call("quota", () -> quotas.saveQuota(id, body));
        } catch (ApiException e) {
            if (e.status() == 403 || e.status() >= 500) {
                throw e;
            }
            Map<String, Object> form = new Json.Obj();
            form.putAll(body);
            Map<String, Object> fieldErrors = new Json.Obj();
            String field = e.field();
            if (field != null && body.containsKey(field)) {
                fieldErrors.put(field, e.getMessage());
            }
            Page page = pages.page("Quota of " + id, "quotas").withError(e.getMessage());
            return Response.status(e.status()).entity(editPage(id, page, form, true, fieldErrors)).build();
        }
        return Forms.redirect("/admin/quotas/" + Forms.path(id), "quota-saved");
    }

    private TemplateInstance editPage(String id, Page page, Map<String, Object> quota, boolean exists,
                                      Map<String, Object> fieldErrors) {
        Map<String, Object> status = null;
        try {
            status = Json.map(api.call("quota", () -> quotas.status(id, null)));
        } catch (ApiException e) {
            if (page.error() == null) {
                page = page.withError(e.getMessage());
            }
        }
        return edit.data("page", page).data("customerId", id).data("quota", quota).data("exists", exists)
                .data("status", status).data("limits", LIMITS)
                .data("errors", fieldErrors == null ? new Json.Obj() : fieldErrors);
    }

}
