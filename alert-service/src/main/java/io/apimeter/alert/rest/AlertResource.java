package io.apimeter.alert.rest;

import io.apimeter.alert.service.AlertService;
import io.apimeter.alert.service.AlertStatus;
import io.apimeter.common.rest.ApiException;
import io.apimeter.common.rest.Params;
import io.apimeter.common.security.Caller;
import io.apimeter.common.security.Roles;
import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import jakarta.annotation.security.RolesAllowed;
import jakarta.json.JsonString;
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
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Alerts, newest first, and their handling: seen, resolved. Admins see and handle every alert; a customer
 * reads its own customer's alerts (never platform alerts) and changes none.
 */
@Path("/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertResource {
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final AlertService alerts;
    private final Caller caller;
    private final JsonWebToken token;

    public AlertResource(AlertService alerts, Caller caller, JsonWebToken token) {
        this.alerts = alerts;
        this.caller = caller;
        this.token = token;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.CUSTOMER})
    public AlertList list(@QueryParam("status") String status, @QueryParam("customerId") String customerId,
                          @QueryParam("type") String type, @QueryParam("limit") String limit) {
        AlertStatus statusFilter = Params.enumValue("status", status, AlertStatus.class);
        String requested = customerId == null || customerId.isEmpty() ? null
                : Params.customerId("customerId", customerId);
        AlertType typeFilter = Params.enumValue("type", type, AlertType.class);
        int max = Params.intInRange("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        String customerFilter = caller.customerFilter(requested);
        boolean admin = caller.isAdmin();
        if (!admin && AlertEvent.PLATFORM.equalsIgnoreCase(customerFilter)) {
            // platform alerts are the admins' business, whatever a token claims
            return new AlertList(List.of());
        }
        return new AlertList(alerts.list(statusFilter, customerFilter, typeFilter, max).stream()
                .map(details -> AlertView.of(details, admin)).toList());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.CUSTOMER})
    public AlertView get(@PathParam("id") String id) {
        UUID alertId = uuid(id);
        // null for an admin (every customer); a customer token without a customer is refused here
        String scope = caller.customerFilter(null);
        AlertService.AlertDetails details = alerts.get(alertId);
        if (scope != null && (!scope.equals(details.alert().customerId)
                || AlertEvent.PLATFORM.equalsIgnoreCase(details.alert().customerId))) {
            // exactly the answer for an alert that does not exist, so other customers' ids reveal nothing
            throw AlertService.noSuchAlert(alertId);
        }
        return AlertView.of(details, scope == null);
    }

    @POST
    @Path("/{id}/seen")
    @RolesAllowed(Roles.ADMIN)
    public AlertView seen(@PathParam("id") String id) {
        return AlertView.of(alerts.markSeen(uuid(id), actor()));
    }

    @POST
    @Path("/{id}/resolve")
    @RolesAllowed(Roles.ADMIN)
    public AlertView resolve(@PathParam("id") String id) {
        return AlertView.of(alerts.resolve(uuid(id), actor()));
    }

    /** Who is handling the alert: the username in the token, or its subject when it carries none. */
    private String actor() {
        Object claim = token.getClaim(Claims.preferred_username.name());
        String username = claim instanceof JsonString json ? json.getString() : claim == null ? null : claim.toString();
        return username == null || username.isBlank() ? token.getSubject() : username;
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
