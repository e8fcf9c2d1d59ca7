package io.apimeter.console.web;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.security.ForbiddenException;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure becomes an HTML page in the layout with a message, never a stack trace: a 403 page for a user
 * without the role (also when a service answers 403), the service's message with its status otherwise.
 */
@jakarta.inject.Singleton
public class ErrorPages {

    private static final Logger LOG = Logger.getLogger(ErrorPages.class);

    @Inject
    Pages pages;

    @Inject
    @Location("forbidden.html")
    Template forbidden;

    @Inject
    @Location("error.html")
    Template error;

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return forbiddenPage(null);
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        if (e.status() == 403) {
            return forbiddenPage(e.getMessage());
        }
        return errorPage(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status == 403) {
            return forbiddenPage(null);
        }
        if (status < 400) {
            return e.getResponse();
        }
        String message = switch (status) {
            case 404 -> "This page does not exist.";
            case 405 -> "This page does not take that request.";
            case 400 -> "The request was not understood.";
            default -> "Something went wrong (HTTP " + status + ").";
        };
        return errorPage(status >= 500 ? 502 : status, message);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected failure", e);
        return errorPage(500, "Something went wrong in the console. Please try again.");
    }

    public Response forbiddenPage(String message) {
        Page page = pages.page("Forbidden", null);
        String html = forbidden.data("page", page).data("message", message).render();
        return Response.status(403).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html).build();
    }

    private Response errorPage(int status, String message) {
        Page page = pages.page("Error", null).withError(message);
        String html = error.data("page", page).data("status", status).render();
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html).build();
    }
}
