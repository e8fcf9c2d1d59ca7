package io.apimeter.gateway.rest;

import io.apimeter.common.rest.ApiException;
import io.apimeter.common.rest.Params;
import io.apimeter.events.AlertEvent;
import io.apimeter.events.Provider;
import io.apimeter.gateway.entity.ApiKey;
import io.apimeter.gateway.entity.Customer;
import io.apimeter.gateway.entity.ProviderCredential;
import io.apimeter.gateway.config.SmartfloConfig;
import io.apimeter.gateway.service.CustomerService;
import io.apimeter.gateway.service.SmartfloWebhookSecrets;
import io.apimeter.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Admin API: customers, their platform API keys, their provider credentials and their Smartflo webhook secret.
 * Every change of a customer is announced on the {@code customers} topic (through the outbox).
 */
@Path("/admin")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CustomerResource {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");

    private final CustomerService customers;
    private final SmartfloWebhookSecrets smartfloSecrets;
    private final Optional<String> publicUrl;

    public CustomerResource(CustomerService customers, SmartfloWebhookSecrets smartfloSecrets,
                            SmartfloConfig smartflo) {
        this.customers = customers;
        this.smartfloSecrets = smartfloSecrets;
        this.publicUrl = smartflo.publicUrl();
    }

    public record NewCustomer(String id, String name, String email) {
    }

    /** A change of a customer: only the fields given change. */
    public record CustomerPatch(String name, String email, String status) {
    }

    public record CustomerView(String id, String name, String email, String status, Instant createdAt,
                               Instant updatedAt) {
        static CustomerView of(Customer c) {
            return new CustomerView(c.id, c.name, c.email, c.status, c.createdAt, c.updatedAt);
        }
    }

    public record NewKey(String name) {
    }

    public record IssuedKeyView(String id, String key, String prefix, String name, Instant createdAt) {
    }

    public record KeyView(String id, String prefix, String name, Instant createdAt, Instant revokedAt,
                          Instant lastUsedAt) {
        static KeyView of(ApiKey k) {
            return new KeyView(k.id.toString(), k.prefix, k.name, k.createdAt, k.revokedAt, k.lastUsedAt);
        }
    }

    public record NewCredential(String apiKey) {
    }

    public record CredentialView(String provider, String maskedKey, Instant updatedAt) {
        static CredentialView of(ProviderCredential c) {
            return new CredentialView(c.key.provider.toLowerCase(Locale.ROOT), c.masked, c.updatedAt);
        }
    }

    @POST
    @Path("/customers")
    public Response create(NewCustomer body) {
        if (body == null) {
            throw ApiException.badRequest("invalid_body", "A JSON body {id, name, email} is required.");
        }
        String id = Params.customerId("id", body.id());
        if (AlertEvent.PLATFORM.equalsIgnoreCase(id)) {
            throw ApiException.badRequest("invalid_id", "'" + id + "' is reserved for platform-wide alerts.");
        }
        String name = requireText("name", body.name(), 200);
        String email = email(body.email());
        Customer customer = customers.create(id, name, email);
        return Response.created(URI.create("/admin/customers/" + customer.id)).entity(CustomerView.of(customer)).build();
    }

    /**
     * Changes a customer's name, contact e-mail or status ({@code ACTIVE} or {@code DISABLED}: a disabled
     * customer's platform keys are refused). Fields left out stay as they are.
     */
    @PATCH
    @Path("/customers/{id}")
    public CustomerView update(@PathParam("id") String id, CustomerPatch body) {
        String customerId = Params.customerId("id", id);
        if (body == null || body.name() == null && body.email() == null && body.status() == null) {
            throw ApiException.badRequest("invalid_body",
                    "A JSON body with at least one of name, email or status is required.");
        }
        String name = body.name() == null ? null : requireText("name", body.name(), 200);
        String email = body.email() == null ? null : email(body.email());
        Customer.Status status = null;
        if (body.status() != null) {
            if (body.status().isBlank()) {
                throw ApiException.badRequest("invalid_status", "status must be ACTIVE or DISABLED");
            }
            status = Params.enumValue("status", body.status(), Customer.Status.class);
        }
        return CustomerView.of(customers.update(customerId, new CustomerService.CustomerChange(name, email, status)));
    }

    @GET
    @Path("/customers")
    public List<CustomerView> list() {
        return customers.list().stream().map(CustomerView::of).toList();
    }

    @GET
    @Path("/customers/{id}")
    public CustomerView get(@PathParam("id") String id) {
        return CustomerView.of(customers.get(Params.customerId("id", id)));
    }

    @POST
    @Path("/customers/{id}/api-keys")
    @Consumes(MediaType.WILDCARD)
    public Response issueKey(@PathParam("id") String id, NewKey body) {
        String name = body == null || body.name() == null ? null : requireText("name", body.name(), 100);
        CustomerService.IssuedKey issued = customers.issueKey(Params.customerId("id", id), name);
        ApiKey key = issued.apiKey();
        return Response.status(Response.Status.CREATED)
                .entity(new IssuedKeyView(key.id.toString(), issued.key(), key.prefix, key.name, key.createdAt))
                .build();
    }

    @GET
    @Path("/customers/{id}/api-keys")
    public List<KeyView> keys(@PathParam("id") String id) {
        return customers.keys(Params.customerId("id", id)).stream().map(KeyView::of).toList();
    }

    @DELETE
    @Path("/customers/{id}/api-keys/{keyId}")
    public Response revokeKey(@PathParam("id") String id, @PathParam("keyId") String keyId) {
        UUID parsed;
        try {
            parsed = UUID.fromString(keyId);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_keyId", "keyId must be the id of an API key (a UUID).");
        }
        customers.revokeKey(Params.customerId("id", id), parsed);
        return Response.noContent().build();
    }

    @PUT
    @Path("/customers/{id}/credentials/{provider}")
    public CredentialView saveCredential(@PathParam("id") String id, @PathParam("provider") String provider,
                                         NewCredential body) {
        Provider parsed = Params.enumValue("provider", provider, Provider.class);
        if (body == null || body.apiKey() == null || body.apiKey().isBlank()) {
            throw ApiException.badRequest("invalid_apiKey", "A JSON body {\"apiKey\": \"...\"} is required.");
        }
        String secret = body.apiKey().trim();
        if (secret.length() < 8 || secret.length() > 512 || secret.chars().anyMatch(Character::isWhitespace)) {
            throw ApiException.badRequest("invalid_apiKey", "apiKey must be 8 to 512 characters without spaces.");
        }
        return CredentialView.of(customers.saveCredential(Params.customerId("id", id), parsed, secret));
    }

    /**
     * A customer's Smartflo webhook secret, shown this once, with where Smartflo must post call records and how it
     * signs them.
     */
    public record SmartfloWebhookSecretView(String customerId, String secret, String webhookUrl,
                                            String signatureHeader, String signature, Instant createdAt,
                                            Instant previousSecretValidUntil) {
    }

    /**
     * Issues the customer's Smartflo webhook secret, or a new one in place of the one it has (which is still
     * accepted for {@code apimeter.gateway.smartflo.previous-secret-grace}). Configure the webhook URL and the
     * secret in the customer's Smartflo account: call records are taken only when signed with it.
     */
    @POST
    @Path("/customers/{id}/smartflo/webhook-secret")
    @Consumes(MediaType.WILDCARD)
    public Response issueSmartfloWebhookSecret(@PathParam("id") String id, @Context UriInfo uri) {
        SmartfloWebhookSecrets.Issued issued = smartfloSecrets.issue(Params.customerId("id", id));
        String base = publicUrl.orElse(uri.getBaseUri().toString()).replaceAll("/+$", "");
        return Response.status(Response.Status.CREATED)
                .entity(new SmartfloWebhookSecretView(issued.customerId(), issued.secret(),
                        base + "/smartflo/webhooks/cdr/" + issued.customerId(),
                        SmartfloWebhookSecrets.SIGNATURE_HEADER, "sha256=<hex of HMAC-SHA256(secret, raw body)>",
                        issued.createdAt(), issued.previousValidUntil()))
                .build();
    }

    @GET
    @Path("/customers/{id}/credentials")
    public List<CredentialView> credentials(@PathParam("id") String id) {
        return customers.credentials(Params.customerId("id", id)).stream().map(CredentialView::of).toList();
    }

    private static String email(String value) {
        String email = requireText("email", value, 254);
        if (!EMAIL.matcher(email).matches()) {
            throw ApiException.badRequest("invalid_email", "email must be an e-mail address such as ops@example.com");
        }
        return email;
    }

    private static String requireText(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("invalid_" + field, field + " is required");
        }
        String trimmed = value.trim();
        if (trimmed.length() > maxLength) {
            throw ApiException.badRequest("invalid_" + field, field + " must be at most " + maxLength + " characters");
        }
        return trimmed;
    }
}
