package io.apimeter.console.client;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** usage-recorder-service: the raw call log. */
@RegisterRestClient(configKey = "recorder")
@RegisterProvider(AccessTokenPropagation.class)
@Path("/usage-logs")
public interface RecorderClient {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    JsonNode calls(@QueryParam("customerId") String customerId, @QueryParam("provider") String provider,
                   @QueryParam("model") String model, @QueryParam("outcome") String outcome,
                   @QueryParam("from") String from, @QueryParam("to") String to,
                   @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor);

    /** One CSV page; its next cursor is in {@code X-Next-Cursor}. The token is given explicitly (see callers). */
    @GET
    @Produces("text/csv")
    Response csvPage(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                     @QueryParam("customerId") String customerId, @QueryParam("provider") String provider,
                     @QueryParam("model") String model, @QueryParam("outcome") String outcome,
                     @QueryParam("from") String from, @QueryParam("to") String to,
                     @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor,
                     @QueryParam("format") String format);

    @GET
    @Path("/{eventId}")
    @Produces(MediaType.APPLICATION_JSON)
    JsonNode call(@PathParam("eventId") String eventId);
}
