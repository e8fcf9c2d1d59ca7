package io.apimeter.alert.rest;

import io.apimeter.alert.entity.Webhook;
import io.apimeter.alert.service.Webhooks;
import io.apimeter.common.rest.ApiException;
import io.apimeter.common.rest.Params;
import io.apimeter.common.security.Caller;
import io.apimeter.common.security.Roles;
import io.apimeter.events.AlertEvent;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;

/**
 * The webhook of a customer: every alert about that customer is also posted there, signed. Admins register,
 * read and remove webhooks; a customer reads its own (never the secret, which only the PUT answer shows).
 */
@Path("/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {
    private final Webhooks webhooks;
    private final Caller caller;

    public WebhookResource(Webhooks webhooks, Caller caller) {
        this.webhooks = webhooks;
        this.caller = caller;
    }

    /** The body of {@code PUT /webhooks/{customerId}}. */
    public record WebhookRequest(String url) {
    }

    /** The answer of {@code PUT}: the only time the secret is shown. */
    public record CreatedWebhook(String customerId, String url, String secret, Instant createdAt) {
    }

    /** A webhook as {@code GET} shows it: without its secret. */
    public record WebhookView(String customerId, String url, Instant createdAt) {
        static WebhookView of(Webhook webhook) {
            return new WebhookView(webhook.customerId, webhook.url, webhook.createdAt);
        }
    }

    @PUT
    @Path("/{customerId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public CreatedWebhook put(@PathParam("customerId") String customerId, WebhookRequest request) {
        String customer = customerId(customerId);
        if (request == null) {
            throw ApiException.badRequest("invalid_webhook_url", "the body must be JSON such as"
                    + " {\"url\": \"https://hooks.example.com/apimeter\"}");
        }
        Webhooks.Created created = webhooks.register(customer, request.url());
        return new CreatedWebhook(customer, created.webhook().url, created.secret(), created.webhook().createdAt);
    }

    @GET
    @Path("/{customerId}")
    @RolesAllowed({Roles.ADMIN, Roles.CUSTOMER})
    public WebhookView get(@PathParam("customerId") String customerId) {
        String customer = customerId(customerId);
        // another customer's webhook answers exactly as one that does not exist
        if (!caller.maySee(customer)) {
            throw noWebhook(customer);
        }
        return webhooks.find(customer).map(WebhookView::of).orElseThrow(() -> noWebhook(customer));
    }

    @DELETE
    @Path("/{customerId}")
    @RolesAllowed(Roles.ADMIN)
    public void delete(@PathParam("customerId") String customerId) {
        String customer = customerId(customerId);
        if (!webhooks.delete(customer)) {
            throw noWebhook(customer);
        }
    }

    private static String customerId(String value) {
        String customer = Params.customerId("customerId", value);
        if (AlertEvent.PLATFORM.equalsIgnoreCase(customer)) {
            throw ApiException.badRequest("invalid_customerId",
                    "'platform' is not a customer: platform alerts go to the admins only");
        }
        return customer;
    }

    private static ApiException noWebhook(String customerId) {
        return ApiException.notFound("customer " + customerId + " has no webhook");
    }
}
