package io.apimeter.console.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.console.admin.CallQuery;
import io.apimeter.console.admin.CsvExport;
import io.apimeter.console.client.AggregationClient;
import io.apimeter.console.client.AlertClient;
import io.apimeter.console.client.QuotaClient;
import io.apimeter.console.client.RecorderClient;
import io.apimeter.console.web.Api;
import io.apimeter.console.web.ApiException;
import io.apimeter.console.web.Json;
import io.apimeter.console.web.Page;
import io.apimeter.console.web.Pages;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The customer's own dashboard. The customer id is the token's {@code customer_id} claim; the services answer a
 * customer token with that customer's data only, whatever the console asks.
 */
@Path("/dashboard")
@RolesAllowed("customer")
public class DashboardResource {

    static final int MONTHS = 6;
    static final int RECENT = 20;

    private final QuotaClient quota;
    private final RecorderClient recorder;
    private final AggregationClient aggregation;
    private final AlertClient alerts;
    private final CsvExport csv;
    private final Api api;
    private final Pages pages;
    private final Template dashboard;
    private final Template live;

    public DashboardResource(@RestClient QuotaClient quota, @RestClient RecorderClient recorder,
                             @RestClient AggregationClient aggregation, @RestClient AlertClient alerts,
                             CsvExport csv, Api api, Pages pages,
                             @Location("dashboard/dashboard.html") Template dashboard,
                             @Location("dashboard/live.html") Template live) {
        this.quota = quota;
        this.recorder = recorder;
        this.aggregation = aggregation;
        this.alerts = alerts;
        this.csv = csv;
        this.api = api;
        this.pages = pages;
        this.dashboard = dashboard;
        this.live = live;
    }

    @TemplateData
    public record MonthRow(String month, long calls, long errors, BigDecimal cost) {
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance dashboard() {
        String customerId = customerId();
        Page page = pages.page("Dashboard", "dashboard");
        List<MonthRow> history = List.of();
        try {
            history = history(customerId);
        } catch (ApiException e) {
            page = page.withError(e.getMessage());
        }
        String chartJson = history.stream()
                .sorted((a, b) -> a.month().compareTo(b.month()))
                .map(m -> "{\"month\":\"" + m.month() + "\",\"cost\":" + m.cost().toPlainString() + "}")
                .collect(Collectors.joining(",", "[", "]"));
        return withLive(dashboard.data("page", page), customerId).data("history", history)
                .data("chartJson", chartJson);
    }

    /** The part that refreshes itself every second (htmx): bars, sentence, cost, warnings, recent calls. */
    @GET
    @Path("/live")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance live() {
        return withLive(live.instance(), customerId());
    }

    @GET
    @Path("/calls.csv")
    @Produces("text/csv")
    public Response download() {
        String customerId = customerId();
        return csv.download(CallQuery.of(customerId, null, null, null, null, null), customerId + "-calls.csv");
    }

    private TemplateInstance withLive(TemplateInstance t, String customerId) {
        List<String> errors = new ArrayList<>();
        Map<String, Object> status = null;
        List<Map<String, Object>> warnings = List.of();
        List<Map<String, Object>> calls = List.of();
        try {
            status = Json.map(api.call("quota", () -> quota.status(customerId, null)));
        } catch (ApiException e) {
            errors.add(e.getMessage());
        }
        try {
            warnings = Json.list(api.call("alert", () -> alerts.alerts("ACTIVE", customerId, null, 50)).get("items"));
        } catch (ApiException e) {
            errors.add(e.getMessage());
        }
        try {
            calls = Json.list(api.call("usage-recorder",
                    () -> recorder.calls(customerId, null, null, null, null, null, RECENT, null)).get("items"));
        } catch (ApiException e) {
            errors.add(e.getMessage());
        }
        return t.data("status", status).data("warnings", warnings).data("calls", calls)
                .data("liveError", errors.isEmpty() ? null : String.join(" ", errors))
                .data("customerId", customerId);
    }

    /** The last six months, newest first; months without calls (left out by the API) as zero. */
    List<MonthRow> history(String customerId) {
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        JsonNode answer = api.call("aggregation", () -> aggregation.history(customerId, MONTHS, now.toString()));
        return fill(answer, now);
    }

    static List<MonthRow> fill(JsonNode answer, YearMonth until) {
        Map<String, JsonNode> byMonth = new HashMap<>();
        for (JsonNode item : answer.path("items")) {
            byMonth.put(item.path("month").asText(), item);
        }
        List<MonthRow> rows = new ArrayList<>();
        for (int i = 0; i < MONTHS; i++) {
            String m = until.minusMonths(i).toString();
            JsonNode item = byMonth.get(m);
            if (item == null) {
                rows.add(new MonthRow(m, 0, 0, BigDecimal.ZERO));
            } else {
                JsonNode cost = item.get("costUsd");
                rows.add(new MonthRow(m, item.path("calls").asLong(), item.path("errors").asLong(),
                        cost == null || cost.isNull() ? BigDecimal.ZERO : new BigDecimal(cost.asText())));
            }
        }
        return rows;
    }

    private String customerId() {
        String id = pages.customerId();
        if (id == null) {
            throw new ApiException(403, "no_customer",
                    "Your login carries no customer id (customer_id); ask an administrator to set it.");
        }
        return id;
    }
}
