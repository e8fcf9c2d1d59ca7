package io.apimeter.common.security;

import io.apimeter.common.rest.ApiException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is asking, and what of the data that person may see. Every customer-scoped read goes through here:
 * an admin sees what it asks for; a customer sees its own customer's data whatever ids the request names.
 */
@RequestScoped
public class Caller {
    private final SecurityIdentity identity;
    private final JsonWebToken token;

    public Caller(SecurityIdentity identity, JsonWebToken token) {
        this.identity = identity;
        this.token = token;
    }

    public boolean isAdmin() {
        return identity.hasRole(Roles.ADMIN);
    }

    /**
     * The customer whose data a customer token may read. A customer token without a {@code customer_id}
     * claim is refused rather than read as "every customer".
     */
    public String ownCustomerId() {
        Object claim = token == null ? null : token.getClaim(Roles.CUSTOMER_ID_CLAIM);
        String id = claim == null ? null : claim.toString().replace("\"", "").trim();
        if (id == null || id.isEmpty()) {
            throw new ApiException(Response.Status.FORBIDDEN.getStatusCode(), "no_customer",
                    "The token names no customer (claim customer_id); ask an admin to set it on your account.");
        }
        return id;
    }

    /**
     * The customer filter to apply to a list: for an admin the one requested (null = all customers); for a
     * customer its own, and a request naming another customer is refused.
     */
    public String customerFilter(String requested) {
        if (isAdmin()) {
            return requested;
        }
        String own = ownCustomerId();
        if (requested != null && !requested.equals(own)) {
            throw new ApiException(Response.Status.FORBIDDEN.getStatusCode(), "forbidden",
                    "A customer token reads only its own customer's data.");
        }
        return own;
    }

    /** Whether the caller may see data of this customer. */
    public boolean maySee(String customerId) {
        return isAdmin() || ownCustomerId().equals(customerId);
    }

    /**
     * Guards a resource that belongs to one customer: another customer's resource answers 404, as if it did
     * not exist, so ids of other customers reveal nothing.
     */
    public void requireAccessTo(String customerId) {
        if (!maySee(customerId)) {
            throw ApiException.notFound("No such resource.");
        }
    }
}
