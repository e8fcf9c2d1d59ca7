package io.apimeter.console.client;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** aggregation-service: monthly summaries. */
@RegisterRestClient(configKey = "aggregation")
@RegisterProvider(AccessTokenPropagation.class)
@Path("/summaries")
@Produces(MediaType.APPLICATION_JSON)
public interface AggregationClient {

    @GET
    JsonNode month(@QueryParam("month") String month, @QueryParam("sort") String sort,
                   @QueryParam("order") String order, @QueryParam("offset") Long offset,
                   @QueryParam("limit") Integer limit);

    @GET
    @Path("/{customerId}")
    JsonNode history(@PathParam("customerId") String customerId, @QueryParam("months") Integer months,
                     @QueryParam("until") String until);
}
