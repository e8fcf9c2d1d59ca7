package io.apimeter.console.client;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** gateway-service's admin API: customers, their API keys and provider credentials, the price book. */
@RegisterRestClient(configKey = "gateway")
@RegisterProvider(AccessTokenPropagation.class)
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface GatewayClient {

    @GET
    @Path("/customers")
    JsonNode customers();

    @GET
    @Path("/customers/{id}")
    JsonNode customer(@PathParam("id") String id);

    @POST
    @Path("/customers")
    JsonNode createCustomer(Map<String, Object> body);

    @PATCH
    @Path("/customers/{id}")
    JsonNode updateCustomer(@PathParam("id") String id, Map<String, Object> body);

    @GET
    @Path("/customers/{id}/api-keys")
    JsonNode apiKeys(@PathParam("id") String id);

    @POST
    @Path("/customers/{id}/api-keys")
    JsonNode issueApiKey(@PathParam("id") String id, Map<String, Object> body);

    @DELETE
    @Path("/customers/{id}/api-keys/{keyId}")
    void revokeApiKey(@PathParam("id") String id, @PathParam("keyId") String keyId);

    @GET
    @Path("/customers/{id}/credentials")
    JsonNode credentials(@PathParam("id") String id);

    @PUT
    @Path("/customers/{id}/credentials/{provider}")
    JsonNode saveCredential(@PathParam("id") String id, @PathParam("provider") String provider,
                            Map<String, Object> body);

    @GET
    @Path("/prices")
    JsonNode prices();

    @POST
    @Path("/prices")
    JsonNode addPrice(Map<String, Object> body);
}
