package io.apimeter.console.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.console.client.AggregationClient;
import io.apimeter.console.web.Api;
import io.apimeter.console.web.ApiException;
import io.apimeter.console.web.Fmt;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Monthly summaries per customer and provider, a page of customers at a time, sorted and paged by the aggregation
 * API over all the month's customers, with the platform's totals and its cost over the last 12 months.
 */
@Path("/admin/summaries")
@RolesAllowed("admin")
public class SummariesResource {

    static final List<String> COLUMNS = List.of("customer", "calls", "errors", "quantity", "cost", "change",
            "changePercent");
    /** The columns the aggregation API sorts the whole month by; the others are shown, not sortable. */
    static final List<String> SORTABLE = List.of("customer", "calls", "errors", "cost");
    static final int PAGE_SIZE = 100;
    /** The aggregation API's highest offset (10,000,000) in pages. */
    static final int MAX_PAGE = 100_000;
    private static final Map<String, String> LABELS = Map.of("customer", "Customer", "calls", "Calls", "errors",
            "Errors", "quantity", "Quantity", "cost", "Cost", "change", "Change", "changePercent", "Change %");

    private final AggregationClient aggregation;
    private final Api api;
    private final Pages pages;
    private final Template template;

    public SummariesResource(@RestClient AggregationClient aggregation, Api api, Pages pages,
                             @Location("admin/summaries.html") Template template) {
        this.aggregation = aggregation;
        this.api = api;
        this.pages = pages;
        this.template = template;
    }

    @TemplateData
    public record Header(String key, String label, String href, String ariaSort, boolean numeric) {
    }

    /** Where a page of customers starts and ends, of how many; links to the pages around it, null at either end. */
    @TemplateData
    public record Paging(long first, long last, long of, String previous, String next) {
    }

    @TemplateData
    public record Row(String customerId, long calls, long errors, String quantity, BigDecimal tokens,
                      BigDecimal characters, BigDecimal callSeconds, BigDecimal cost, BigDecimal change,
                      BigDecimal changePercent, BigDecimal previousCost, List<Row> providers, String provider) {

        Row withChangePercent(BigDecimal percent) {
            return new Row(customerId, calls, errors, quantity, tokens, characters, callSeconds, cost, change,
                    percent, previousCost, providers, provider);
        }
    }

    @TemplateData
    public record ChartPoint(String month, String cost) {
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance summaries(@QueryParam("month") String monthParam, @QueryParam("sort") String sortParam,
                                      @QueryParam("dir") String dirParam, @QueryParam("page") String pageParam) {
        YearMonth month = month(monthParam);
        String sort = sortParam != null && SORTABLE.contains(sortParam) ? sortParam : "cost";
        boolean asc = dirParam == null ? "customer".equals(sort) : "asc".equalsIgnoreCase(dirParam);
        int pageNumber = pageNumber(pageParam);
        Page page = pages.page("Summaries " + month, "summaries");

        long offset = (long) (pageNumber - 1) * PAGE_SIZE;
        String dir = asc ? "asc" : "desc";
        JsonNode summary = api.call("aggregation", () -> aggregation.month(month.toString(), sort, dir, offset,
                PAGE_SIZE));
        List<Row> rows = new ArrayList<>();
        for (JsonNode item : summary.path("items")) {
            rows.add(row(item));
        }

        String base = link(month, sort, dir);
        List<Header> headers = new ArrayList<>();
        for (String column : COLUMNS) {
            boolean current = column.equals(sort);
            String nextDir = current && !asc ? "asc" : (current ? "desc" : ("customer".equals(column) ? "asc" : "desc"));
            headers.add(new Header(column, LABELS.get(column), SORTABLE.contains(column)
                    ? link(month, column, nextDir) : null,
                    current ? (asc ? "ascending" : "descending") : null, !"customer".equals(column)));
        }
        long customers = summary.path("customerCount").asLong(rows.size());
        Paging paging = new Paging(rows.isEmpty() ? 0 : offset + 1, offset + rows.size(), customers,
                pageNumber > 1 ? base + "&page=" + (pageNumber - 1) : null,
                offset + rows.size() < customers ? base + "&page=" + (pageNumber + 1) : null);

        JsonNode totals = summary.path("totals");
        BigDecimal totalCost = decimal(totals.get("costUsd"));
        BigDecimal totalPrevious = decimal(totals.get("previousMonthCostUsd"));

        List<ChartPoint> chart = new ArrayList<>();
        for (int i = 11; i >= 0; i--) {
            YearMonth m = month.minusMonths(i);
            BigDecimal cost = i == 0 ? totalCost : monthCost(m);
            chart.add(new ChartPoint(m.toString(), cost == null ? null : cost.toPlainString()));
        }
        String chartJson = chart.stream()
                .map(p -> "{\"month\":\"" + p.month() + "\",\"cost\":" + (p.cost() == null ? "null" : p.cost()) + "}")
                .collect(Collectors.joining(",", "[", "]"));

        return template.data("page", page).data("month", month.toString()).data("rows", rows)
                .data("headers", headers).data("sort", sort).data("dir", dir)
                .data("paging", paging)
                .data("totalCalls", totals.path("calls").asLong()).data("totalErrors", totals.path("errors").asLong())
                .data("totalCost", totalCost).data("totalPrevious", totalPrevious)
                .data("totalChange", totalCost == null || totalPrevious == null ? null : totalCost.subtract(totalPrevious))
                .data("totalChangePercent", decimal(totals.get("costChangePercent")))
                .data("chartJson", chartJson);
    }

    /** This page of the month, sorted by {@code sort} in direction {@code dir}, from its first customers. */
    private static String link(YearMonth month, String sort, String dir) {
        return "/admin/summaries?month=" + month + "&sort=" + sort + "&dir=" + dir;
    }

    /** The page asked for, from 1; anything else is the first page. */
    static int pageNumber(String value) {
        try {
            int number = value == null ? 1 : Integer.parseInt(value.trim());
            return number >= 1 && number <= MAX_PAGE ? number : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** The month's totals only (no customers): the chart's point. */
    private BigDecimal monthCost(YearMonth m) {
        try {
            JsonNode s = api.call("aggregation", () -> aggregation.month(m.toString(), "cost", "desc", 0L, 0));
            BigDecimal cost = decimal(s.path("totals").get("costUsd"));
            return cost == null ? BigDecimal.ZERO : cost;
        } catch (ApiException e) {
            return null;
        }
    }

    static YearMonth month(String value) {
        if (value == null || value.isBlank()) {
            return YearMonth.now(ZoneOffset.UTC);
        }
        try {
            return YearMonth.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "invalid_month", "'month' must be a month like 2026-11.");
        }
    }

    private static Row row(JsonNode item) {
        BigDecimal cost = orZero(decimal(item.get("costUsd")));
        BigDecimal previous = decimal(item.get("previousMonthCostUsd"));
        List<Row> providers = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = item.path("providers").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> p = fields.next();
            providers.add(quantities(p.getValue(), item.path("customerId").asText(), p.getKey(), null, null,
                    List.of()));
        }
        return quantities(item, item.path("customerId").asText(), null, previous,
                previous == null ? cost : cost.subtract(previous), providers)
                .withChangePercent(decimal(item.get("costChangePercent")));
    }

    private static Row quantities(JsonNode n, String customerId, String provider, BigDecimal previous,
                                  BigDecimal change, List<Row> providers) {
        BigDecimal tokens = orZero(decimal(n.get("inputTokens"))).add(orZero(decimal(n.get("outputTokens"))));
        BigDecimal characters = orZero(decimal(n.get("characters")));
        BigDecimal seconds = orZero(decimal(n.get("callSeconds")));
        List<String> parts = new ArrayList<>();
        if (tokens.signum() != 0) {
            parts.add(Fmt.num(tokens) + " tokens");
        }
        if (characters.signum() != 0) {
            parts.add(Fmt.num(characters) + " characters");
        }
        if (seconds.signum() != 0) {
            parts.add(Fmt.num(seconds) + " call seconds");
        }
        return new Row(customerId, n.path("calls").asLong(), n.path("errors").asLong(),
                parts.isEmpty() ? "—" : String.join(", ", parts), tokens, characters, seconds,
                orZero(decimal(n.get("costUsd"))), change, null, previous, providers, provider);
    }

    static BigDecimal decimal(JsonNode n) {
        if (n == null || n.isNull() || n.asText().isBlank()) {
            return null;
        }
        return n.isNumber() ? n.decimalValue() : new BigDecimal(n.asText());
    }

    private static BigDecimal orZero(BigDecimal d) {
        return d == null ? BigDecimal.ZERO : d;
    }
}
