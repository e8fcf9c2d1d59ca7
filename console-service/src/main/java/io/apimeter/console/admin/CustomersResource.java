package io.apimeter.console.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.console.client.GatewayClient;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Customers: list, create, API keys (shown once), provider credentials (masked), disable and enable. */
@Path("/admin/customers")
@RolesAllowed("admin")
@Produces(MediaType.TEXT_HTML)
public class CustomersResource {

    static final List<String> PROVIDERS = List.of("OPENAI", "ELEVENLABS", "SMARTFLO");

    private final GatewayClient gateway;
    private final Api api;
    private final Pages pages;
    private final Template list;
    private final Template detail;

    public CustomersResource(@RestClient GatewayClient gateway, Api api, Pages pages,
                             @Location("admin/customers.html") Template list,
                             @Location("admin/customer.html") Template detail) {
        this.gateway = gateway;
        this.api = api;
        this.pages = pages;
        this.list = list;
        this.detail = detail;
    }

    @GET
    public TemplateInstance list(@QueryParam("flash") String flash) {
        return listPage(pages.page("Customers", "customers", flash), new Json.Obj());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@FormParam("id") String id, @FormParam("name") String name,
                           @FormParam("email") String email) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", Forms.blank(id));
        body.put("name", Forms.blank(name));
        body.put("email", Forms.blank(email));
        try {
            api.call("gateway", () -> gateway.createCustomer(body));
        } catch (ApiException e) {
            if (e.status() == 403 || e.status() >= 500) {
                throw e;
            }
            Map<String, Object> form = new Json.Obj();
            form.putAll(body);
            form.put("errorField", e.field());
            return Response.status(e.status())
                    .entity(listPage(pages.page("Customers", "customers").withError(e.getMessage()), form)).build();
        }
        return Forms.redirect("/admin/customers/" + Forms.path(id.trim()), "customer-created");
    }

    private TemplateInstance listPage(Page page, Map<String, Object> form) {
        List<Map<String, Object>> customers = Json.list(api.call("gateway", gateway::customers));
        return list.data("page", page).data("customers", customers).data("form", form);
    }

    @GET
    @Path("/{id}")
    public TemplateInstance detail(@PathParam("id") String id, @QueryParam("flash") String flash) {
        return detailPage(id, pages.page("Customer " + id, "customers", flash), null);
    }

    @POST
    @Path("/{id}/api-keys")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response issueKey(@PathParam("id") String id, @FormParam("name") String name) {
        Map<String, Object> body = new HashMap<>();
        if (Forms.blank(name) != null) {
            body.put("name", name.trim());
        }
        JsonNode issued;
        try {
            issued = api.call("gateway", () -> gateway.issueApiKey(id, body));
        } catch (ApiException e) {
            return refused(id, e);
        }
        // The key is in this one answer only: it is not kept, and reloading the customer never shows it again.
        Page page = pages.page("Customer " + id, "customers")
                .withFlash("API key issued. Copy it now: it is shown this once.");
        return Response.ok(detailPage(id, page, Json.map(issued)))
                .header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("/{id}/api-keys/{keyId}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revokeKey(@PathParam("id") String id, @PathParam("keyId") String keyId) {
        return attempt(id, () -> api.run("gateway", () -> gateway.revokeApiKey(id, keyId)), "key-revoked");
    }

    @POST
    @Path("/{id}/credentials/{provider}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response saveCredential(@PathParam("id") String id, @PathParam("provider") String provider,
                                   @FormParam("apiKey") String apiKey) {
        Map<String, Object> body = new HashMap<>();
        body.put("apiKey", apiKey == null ? null : apiKey.trim());
        return attempt(id, () -> api.call("gateway",
                () -> gateway.saveCredential(id, provider.toLowerCase(Locale.ROOT), body)), "credentials-saved");
    }

    @POST
    @Path("/{id}/status")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response setStatus(@PathParam("id") String id, @FormParam("status") String status) {
        Map<String, Object> body = new HashMap<>();
        body.put("status", status);
        return attempt(id, () -> api.call("gateway", () -> gateway.updateCustomer(id, body)),
                "DISABLED".equals(status) ? "customer-disabled" : "customer-enabled");
    }

    private Response attempt(String id, Runnable action, String flash) {
        try {
            action.run();
        } catch (ApiException e) {
            return refused(id, e);
        }
        return Forms.redirect("/admin/customers/" + Forms.path(id), flash);
    }

    /**
     * The customer's page again with the gateway's reason for refusing a change; a 403 or an outage goes to
     * the error pages instead.
     */
    private Response refused(String id, ApiException e) {
        if (e.status() == 403 || e.status() >= 500) {
            throw e;
        }
        return Response.status(e.status())
                .entity(detailPage(id, pages.page("Customer " + id, "customers").withError(e.getMessage()), null))
                .build();
    }

    private TemplateInstance detailPage(String id, Page page, Map<String, Object> newKey) {
        Map<String, Object> customer = Json.map(api.call("gateway", () -> gateway.customer(id)));
        List<Map<String, Object>> keys = Json.list(api.call("gateway", () -> gateway.apiKeys(id)));
        Map<String, Map<String, Object>> credentials = new HashMap<>();
        for (Map<String, Object> c : Json.list(api.call("gateway", () -> gateway.credentials(id)))) {
            credentials.put(String.valueOf(c.get("provider")).toUpperCase(Locale.ROOT), c);
        }
        List<Map<String, Object>> providers = PROVIDERS.stream().map(p -> {
            Map<String, Object> m = new Json.Obj();
            m.put("provider", p);
            m.put("credential", credentials.get(p));
            return m;
        }).toList();
        return detail.data("page", page).data("customer", customer).data("keys", keys)
                .data("providers", providers).data("newKey", newKey);
    }
}
