package io.apimeter.console.web;

import io.apimeter.console.client.AlertClient;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Builds the {@link Page} of the current request: the user's roles, and the ACTIVE alert count for admins. */
@RequestScoped
public class Pages {

    /** alert-service answers at most this many alerts per list; a count at the cap is shown with a "+". */
    static final int ALERT_COUNT_CAP = 500;

    /** Success messages of the redirect after a form, by the code in {@code ?flash=}. */
    private static final Map<String, String> FLASHES = Map.ofEntries(
            Map.entry("customer-created", "Customer created."),
            Map.entry("customer-disabled", "Customer disabled: its API keys are refused from now on."),
            Map.entry("customer-enabled", "Customer enabled: its API keys work again."),
            Map.entry("key-revoked", "API key revoked: it stops working within a second."),
            Map.entry("credentials-saved", "Provider credentials saved."),
            Map.entry("quota-saved", "Quota saved."),
            Map.entry("alert-seen", "Alert marked as seen."),
            Map.entry("alert-resolved", "Alert resolved."),
            Map.entry("price-added", "Price added."),
            Map.entry("budget-saved", "Platform budget saved."));

    private final SecurityIdentity identity;
    private final AlertClient alerts;

    public Pages(SecurityIdentity identity, @RestClient AlertClient alerts) {
        this.identity = identity;
        this.alerts = alerts;
    }

    public Page page(String title, String section) {
        return page(title, section, null);
    }

    public Page page(String title, String section, String flashCode) {
        boolean admin = isAdmin();
        return new Page(title, section, admin, isCustomer(), user(), admin ? activeAlertCount() : null,
                flashCode == null ? null : FLASHES.get(flashCode), null);
    }

    public boolean isAdmin() {
        return !identity.isAnonymous() && identity.hasRole("admin");
    }

    public boolean isCustomer() {
        return !identity.isAnonymous() && identity.hasRole("customer");
    }

    public String user() {
        if (identity.isAnonymous()) {
            return null;
        }
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getClaim("preferred_username") != null) {
            return jwt.getClaim("preferred_username").toString();
        }
        return identity.getPrincipal().getName();
    }

    /** The token's {@code customer_id} claim, or null. */
    public String customerId() {
        if (!identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken jwt) {
            Object value = jwt.getClaim("customer_id");
            if (value != null && !value.toString().isBlank()) {
                return value.toString().replace("\"", "");
            }
        }
        return null;
    }

    private String activeAlertCount() {
        try {
            var list = alerts.alerts("ACTIVE", null, null, ALERT_COUNT_CAP);
            int n = list.path("items").size();
            return n >= ALERT_COUNT_CAP ? n + "+" : Integer.toString(n);
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
