package io.apimeter.console.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.console.client.RecorderClient;
import io.apimeter.console.web.Api;
import io.apimeter.console.web.ApiException;
import io.apimeter.console.web.Json;
import io.apimeter.console.web.Page;
import io.apimeter.console.web.Pages;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The call log: filters, keyset paging, one call's detail, CSV download. */
@Path("/admin")
@RolesAllowed("admin")
public class CallsResource {

    private final CallPages calls;
    private final CsvExport csv;
    private final RecorderClient recorder;
    private final Api api;
    private final Pages pages;
    private final Template list;
    private final Template detail;

    public CallsResource(CallPages calls, CsvExport csv, @RestClient RecorderClient recorder, Api api, Pages pages,
                         @Location("admin/calls.html") Template list,
                         @Location("admin/call.html") Template detail) {
        this.calls = calls;
        this.csv = csv;
        this.recorder = recorder;
        this.api = api;
        this.pages = pages;
        this.list = list;
        this.detail = detail;
    }

    @GET
    @Path("/calls")
    @Produces(MediaType.TEXT_HTML)
    public Response list(@QueryParam("customerId") String customerId, @QueryParam("provider") String provider,
                         @QueryParam("model") String model, @QueryParam("outcome") String outcome,
                         @QueryParam("from") String from, @QueryParam("to") String to,
                         @QueryParam("cursor") String cursor) {
        CallQuery q = CallQuery.of(customerId, provider, model, outcome, from, to);
        Page page = pages.page("Calls", "calls");
        CallPages.CallPage result = new CallPages.CallPage(List.of(), null);
        int status = 200;
        try {
            result = calls.page(q, cursor, CallPages.PAGE_SIZE);
        } catch (ApiException e) {
            if (e.status() == 403) {
                throw e;
            }
            page = page.withError(e.getMessage());
            status = e.status();
        }
        String query = q.queryString();
        TemplateInstance html = list.data("page", page).data("q", q).data("calls", result.calls())
                .data("providers", CallQuery.PROVIDERS).data("outcomes", CallQuery.OUTCOMES)
                .data("nextLink", result.nextCursor() == null ? null
                        : "/admin/calls?" + (query.isEmpty() ? "" : query + "&") + "cursor="
                                + java.net.URLEncoder.encode(result.nextCursor(), java.nio.charset.StandardCharsets.UTF_8))
                .data("csvLink", "/admin/calls.csv" + (query.isEmpty() ? "" : "?" + query))
                .data("firstPage", cursor == null || cursor.isBlank())
                .data("firstLink", "/admin/calls" + (query.isEmpty() ? "" : "?" + query));
        return Response.status(status).entity(html).type(MediaType.TEXT_HTML_TYPE).build();
    }

    @GET
    @Path("/calls.csv")
    @Produces("text/csv")
    public Response download(@QueryParam("customerId") String customerId, @QueryParam("provider") String provider,
                             @QueryParam("model") String model, @QueryParam("outcome") String outcome,
                             @QueryParam("from") String from, @QueryParam("to") String to) {
        return csv.download(CallQuery.of(customerId, provider, model, outcome, from, to), "calls.csv");
    }

    @GET
    @Path("/calls/{eventId}")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance detail(@PathParam("eventId") String eventId) {
        JsonNode call = api.call("usage-recorder", () -> recorder.call(eventId));
        return detail.data("page", pages.page("Call " + eventId, "calls")).data("call", Json.map(call));
    }
}
