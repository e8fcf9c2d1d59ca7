package io.apimeter.recorder.rest;

import io.apimeter.common.rest.ApiException;
import io.apimeter.common.rest.Params;
import io.apimeter.common.security.Caller;
import io.apimeter.common.security.Roles;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.recorder.service.Cursor;
import io.apimeter.recorder.service.UsageLogFilter;
import io.apimeter.recorder.service.UsageLogPage;
import io.apimeter.recorder.service.UsageLogSearch;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The call log: every metered call, newest first, filtered and paginated, as JSON or CSV. An admin reads every
 * customer's calls; a customer reads its own only, whatever the request names.
 */
@Path("/usage-logs")
@RolesAllowed({Roles.ADMIN, Roles.CUSTOMER})
public class UsageLogResource {
    public static final String TEXT_CSV = "text/csv";
    /** Response header of a CSV page that has a next page: the cursor to ask for it. */
    public static final String NEXT_CURSOR_HEADER = "X-Next-Cursor";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    static final int MAX_MODEL_LENGTH = 200;
    /** Bytes of CSV gathered before they go to the client during an export. */
    private static final int EXPORT_BUFFER = 64 * 1024;

    private final UsageLogSearch search;
    private final Caller caller;

    public UsageLogResource(UsageLogSearch search, Caller caller) {
        this.search = search;
        this.caller = caller;
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, TEXT_CSV})
    @Operation(summary = "Calls newest first; JSON by default, CSV with Accept: text/csv or format=csv")
    public Response list(
            @BeanParam UsageLogQueryParams query,
            @Parameter(description = "Page size, 1 to 500, default 50") @QueryParam("limit") String limit,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor,
            @Parameter(description = "json or csv; overrides the Accept header") @QueryParam("format") String format,
            @Context HttpHeaders headers) {
        UsageLogFilter filter = allowed(query, limit, cursor);
        boolean csv = wantsCsv(format, headers);
        UsageLogPage page = search.search(filter);
        List<UsageLogItem> items = page.items().stream().map(UsageLogItem::of).toList();
        String next = page.next() == null ? null : page.next().encode();
        if (!csv) {
            return Response.ok(new UsageLogList(items, next), MediaType.APPLICATION_JSON_TYPE).build();
        }
        String body = Csv.write(UsageLogItem.COLUMNS, items.stream().map(UsageLogItem::csvValues).toList());
        Response.ResponseBuilder response = Response.ok(body, TEXT_CSV + "; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"usage-logs.csv\"");
        if (next != null) {
            response.header(NEXT_CURSOR_HEADER, next);
        }
        return response.build();
    }

    @GET
    @Path("/export")
    @Produces(TEXT_CSV)
    @Operation(summary = "Every call of the filter as one CSV download, newest first, streamed as it is read")
    public Response export(@BeanParam UsageLogQueryParams query) {
        UsageLogFilter filter = allowed(query, null, null);
        StreamingOutput body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), EXPORT_BUFFER);
            StringBuilder line = new StringBuilder(512);
            Csv.line(line, UsageLogItem.COLUMNS);
            writer.write(line.toString());
            writer.flush(); // the download starts before the first row is read
            try {
                search.stream(filter, row -> {
                    line.setLength(0);
                    Csv.line(line, UsageLogItem.of(row).csvValues());
                    writer.write(line.toString());
                });
            } catch (RuntimeException e) {
                throw new IOException("the export stopped: " + e.getMessage(), e);
            }
            writer.flush();
        };
        return Response.ok(body, TEXT_CSV + "; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"usage-logs.csv\"").build();
    }

    @GET
    @Path("/{eventId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One call by its event id")
    public UsageLogItem get(@PathParam("eventId") String eventId) {
        UUID id;
        try {
            id = UUID.fromString(eventId);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_eventId", "eventId must be a UUID, got '" + Params.clip(eventId) + "'");
        }
        if (!caller.isAdmin()) {
            // A customer token naming no customer is refused before anything is looked up.
            caller.ownCustomerId();
        }
        // Another customer's call answers exactly as a missing one, so event ids reveal nothing.
        return search.find(id).filter(row -> caller.maySee(row.customerId)).map(UsageLogItem::of)
                .orElseThrow(() -> ApiException.notFound("No call with event id " + id + "."));
    }

    /** The filter asked for, validated, narrowed to what the caller may read. */
    private UsageLogFilter allowed(UsageLogQueryParams query, String limit, String cursor) {
        UsageLogFilter requested = filter(query.customerId, query.provider, query.outcome, query.model, query.from,
                query.to, limit, cursor);
        return requested.forCustomer(caller.customerFilter(requested.customerId()));
    }

    static UsageLogFilter filter(String customerId, String provider, String outcome, String model, String from,
                                 String to, String limit, String cursor) {
        String customer = customerId == null || customerId.isBlank() ? null : Params.customerId("customerId", customerId.trim());
        Provider providerValue = Params.enumValue("provider", provider, Provider.class);
        Outcome outcomeValue = Params.enumValue("outcome", outcome, Outcome.class);
        String modelValue = model == null || model.isBlank() ? null : model.trim();
        if (modelValue != null && modelValue.length() > MAX_MODEL_LENGTH) {
            throw ApiException.badRequest("invalid_model", "model must be at most " + MAX_MODEL_LENGTH + " characters");
        }
        Instant fromValue = Params.instant("from", from);
        Instant toValue = Params.instant("to", to);
        if (fromValue != null && toValue != null && !fromValue.isBefore(toValue)) {
            throw ApiException.badRequest("invalid_to", "to must be after from");
        }
        int limitValue = Params.intInRange("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        Cursor after = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                after = Cursor.decode(cursor);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page");
            }
        }
        return new UsageLogFilter(customer, providerValue, outcomeValue, modelValue, fromValue, toValue, limitValue, after);
    }

    static boolean wantsCsv(String format, HttpHeaders headers) {
        if (format != null && !format.isBlank()) {
            return switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw ApiException.badRequest("invalid_format", "format must be json or csv");
            };
        }
        // Most preferred first: the first type we can produce decides; */* means the default, JSON.
        for (MediaType accepted : headers.getAcceptableMediaTypes()) {
            if (accepted.isWildcardType() || accepted.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return false;
            }
            if (accepted.isCompatible(MediaType.valueOf(TEXT_CSV))) {
                return true;
            }
        }
        return false;
    }
}
