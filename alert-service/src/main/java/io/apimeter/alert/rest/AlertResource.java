package io.apimeter.alert.rest;

import io.apimeter.alert.service.AlertService;
import io.apimeter.alert.service.AlertStatus;
import io.apimeter.common.rest.ApiException;
import io.apimeter.common.rest.Params;
import io.apimeter.events.AlertType;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Alerts, newest first, and their handling: seen, resolved. */
@Path("/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertResource {
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final AlertService alerts;

    public AlertResource(AlertService alerts) {
        this.alerts = alerts;
    }

    @GET
    public AlertList list(@QueryParam("status") String status, @QueryParam("customerId") String customerId,
                          @QueryParam("type") String type, @QueryParam("limit") String limit) {
        AlertStatus statusFilter = Params.enumValue("status", status, AlertStatus.class);
        String customerFilter = customerId == null || customerId.isEmpty() ? null
                : Params.customerId("customerId", customerId);
        AlertType typeFilter = Params.enumValue("type", type, AlertType.class);
        int max = Params.intInRange("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        return new AlertList(alerts.list(statusFilter, customerFilter, typeFilter, max).stream()
                .map(AlertView::of).toList());
    }

    @GET
    @Path("/{id}")
    public AlertView get(@PathParam("id") String id) {
        return AlertView.of(alerts.get(uuid(id)));
    }

    @POST
    @Path("/{id}/seen")
    public AlertView seen(@PathParam("id") String id) {
        return AlertView.of(alerts.markSeen(uuid(id)));
    }

    @POST
    @Path("/{id}/resolve")
    public AlertView resolve(@PathParam("id") String id) {
        return AlertView.of(alerts.resolve(uuid(id)));
    }

    private static UUID uuid(String value) {
        if (value == null || !UUID_TEXT.matcher(value).matches()) {
            throw ApiException.badRequest("invalid_id", "id must be a UUID such as 3f2b8c1e-9d4a-4c1b-8e2f-0a1b2c3d4e5f");
        }
        return UUID.fromString(value);
    }

    /** The answer of {@code GET /alerts}. */
    public record AlertList(List<AlertView> items) {
    }
}
