package io.apimeter.console.admin;

import io.apimeter.console.client.AlertClient;
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
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Alerts by status, type and customer; mark seen and resolve (who and when are alert-service's). */
@Path("/admin/alerts")
@RolesAllowed("admin")
@Produces(MediaType.TEXT_HTML)
public class AlertsResource {

    static final List<String> STATUSES = List.of("ACTIVE", "SEEN", "RESOLVED");
    static final List<String> TYPES = List.of("WARNING", "EXCEEDED", "RATE_LIMIT", "PLATFORM_COST", "UNPRICED_MODEL",
            "UNUSUAL_ACTIVITY", "UNBILLED_CALL");
    /** alert-service's largest page; it has no paging, so a list shows the newest 500. */
    static final int LIMIT = 500;

    private final AlertClient alerts;
    private final Api api;
    private final Pages pages;
    private final Template template;

    public AlertsResource(@RestClient AlertClient alerts, Api api, Pages pages,
                          @Location("admin/alerts.html") Template template) {
        this.alerts = alerts;
        this.api = api;
        this.pages = pages;
        this.template = template;
    }

    @GET
    public Response list(@QueryParam("status") String status, @QueryParam("type") String type,
                         @QueryParam("customerId") String customerId, @QueryParam("flash") String flash) {
        Page page = pages.page("Alerts", "alerts", flash);
        String s = Forms.blank(status);
        String t = Forms.blank(type);
        String c = Forms.blank(customerId);
        List<Map<String, Object>> items = List.of();
        int code = 200;
        try {
            items = Json.list(api.call("alert", () -> alerts.alerts(s, c, t, LIMIT)).get("items"));
        } catch (ApiException e) {
            if (e.status() == 403) {
                throw e;
            }
            page = page.withError(e.getMessage());
            code = e.status();
        }
        Map<String, Object> filter = new Json.Obj();
        filter.put("status", s);
        filter.put("type", t);
        filter.put("customerId", c);
        StringBuilder back = new StringBuilder();
        filter.forEach((k, v) -> {
            if (v != null) {
                back.append(back.length() == 0 ? "" : "&").append(k).append('=').append(Forms.path(v.toString()));
            }
        });
        TemplateInstance html = template.data("page", page).data("alerts", items).data("filter", filter)
                .data("statuses", STATUSES).data("types", TYPES).data("back", back.toString())
                .data("capped", items.size() >= LIMIT);
        return Response.status(code).entity(html).build();
    }

    @POST
    @Path("/{id}/seen")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response seen(@PathParam("id") String id, @FormParam("back") String back) {
        return act(() -> api.call("alert", () -> alerts.markSeen(id)), back, "alert-seen");
    }

    @POST
    @Path("/{id}/resolve")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response resolve(@PathParam("id") String id, @FormParam("back") String back) {
        return act(() -> api.call("alert", () -> alerts.resolve(id)), back, "alert-resolved");
    }

    private Response act(Runnable action, String back, String flash) {
        String filter = back == null || !back.matches("[A-Za-z0-9_=&%.\\-]*") ? "" : back;
        try {
            action.run();
        } catch (ApiException e) {
            if (e.status() == 403 || e.status() >= 500) {
                throw e;
            }
            // e.g. 409 alert_resolved: show the list again with the service's message
            Response list = list(null, null, null, null);
            Page page = pages.page("Alerts", "alerts").withError(e.getMessage());
            TemplateInstance html = ((TemplateInstance) list.getEntity()).data("page", page);
            return Response.status(e.status()).entity(html).build();
        }
        return Forms.redirect("/admin/alerts" + (filter.isEmpty() ? "" : "?" + filter), flash);
    }
}
