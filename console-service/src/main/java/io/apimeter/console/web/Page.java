package io.apimeter.console.web;

import io.quarkus.qute.TemplateData;

/**
 * What the layout needs on every page: title, which navigation entry is current, what the user may see, the
 * count of ACTIVE alerts (admins), and the success or error message to show.
 */
@TemplateData
public record Page(String title, String section, boolean admin, boolean customer, String user,
                   String activeAlerts, String flash, String error) {

    public Page withError(String message) {
        return new Page(title, section, admin, customer, user, activeAlerts, flash, message);
    }

    public Page withFlash(String message) {
        return new Page(title, section, admin, customer, user, activeAlerts, message, error);
    }
}
