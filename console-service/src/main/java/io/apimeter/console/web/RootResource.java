package io.apimeter.console.web;

import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** {@code GET /}: admins to the calls, customers to their dashboard, anyone else to the 403 page. */
@Path("/")
@Authenticated
public class RootResource {

    private final Pages pages;
    private final ErrorPages errors;

    public RootResource(Pages pages, ErrorPages errors) {
        this.pages = pages;
        this.errors = errors;
    }

    @GET
    public Response home() {
        if (pages.isAdmin()) {
            return Response.seeOther(URI.create("/admin/calls")).build();
        }
        if (pages.isCustomer()) {
            return Response.seeOther(URI.create("/dashboard")).build();
        }
        return errors.forbiddenPage("Your account has neither the admin nor the customer role.");
    }
}
