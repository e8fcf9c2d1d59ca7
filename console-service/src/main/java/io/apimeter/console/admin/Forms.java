package io.apimeter.console.admin;

import jakarta.ws.rs.core.Response;
import java.net.URI;

/** Small helpers for the admin forms. */
final class Forms {

    private Forms() {
    }

    static String blank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Post/redirect/get: back to a page with the success message of {@code flash}. */
    static Response redirect(String path, String flash) {
        return Response.seeOther(URI.create(path + (path.contains("?") ? "&" : "?") + "flash=" + flash)).build();
    }

    static String path(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
