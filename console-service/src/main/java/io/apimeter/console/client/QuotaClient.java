package io.apimeter.console.client;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** quota-service: customers' limits and standing, the platform budget. */
@RegisterRestClient(configKey = "quota")
@RegisterProvider(AccessTokenPropagation.class)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface QuotaClient {

    @GET
    @Path("/quotas/{customerId}")
    JsonNode quota(@PathParam("customerId") String customerId);

    @PUT
    @Path("/quotas/{customerId}")
    JsonNode saveQuota(@PathParam("customerId") String customerId, Map<String, Object> body);

    @GET
    @Path("/quotas/{customerId}/status")
    JsonNode status(@PathParam("customerId") String customerId, @QueryParam("month") String month);

    @GET
    @Path("/platform/budget")
    JsonNode budget();

    @PUT
    @Path("/platform/budget")
    JsonNode saveBudget(Map<String, Object> body);

    @GET
    @Path("/platform/status")
    JsonNode platformStatus(@QueryParam("month") String month);
}
