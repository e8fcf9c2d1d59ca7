package io.apimeter.console.client;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** alert-service: alerts. */
@RegisterRestClient(configKey = "alert")
@RegisterProvider(AccessTokenPropagation.class)
@Path("/alerts")
@Produces(MediaType.APPLICATION_JSON)
public interface AlertClient {

    @GET
    JsonNode alerts(@QueryParam("status") String status, @QueryParam("customerId") String customerId,
                    @QueryParam("type") String type, @QueryParam("limit") Integer limit);

    @POST
    @Path("/{id}/seen")
    JsonNode markSeen(@PathParam("id") String id);

    @POST
    @Path("/{id}/resolve")
    JsonNode resolve(@PathParam("id") String id);
}
