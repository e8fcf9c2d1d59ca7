package io.apimeter.console.client;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Sends the logged-in user's own access token to the services, so that what a user may see is decided by
 * the services' APIs, never by the console. The console holds no token of its own.
 *
 * <p>Why not quarkus-rest-client-oidc-token-propagation: its 3.33.2 parent pom is missing from Maven Central,
 * so the extension cannot be resolved. This filter does what its {@code @AccessToken} filter does for the
 * code flow: it takes the {@link AccessTokenCredential} of the current identity. A header set explicitly by the
 * caller (the CSV streams, which run after the request's context is gone) is left alone.
 */
public class AccessTokenPropagation implements ClientRequestFilter {

    @Override
    public void filter(ClientRequestContext request) {
        if (request.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)) {
            return;
        }
        String token = currentAccessToken();
        if (token != null) {
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
    }

    /** The current user's access token, or null outside a request or without a login. */
    public static String currentAccessToken() {
        if (!Arc.container().requestContext().isActive()) {
            return null;
        }
        try (InstanceHandle<SecurityIdentity> handle = Arc.container().instance(SecurityIdentity.class)) {
            SecurityIdentity identity = handle.get();
            if (identity == null || identity.isAnonymous()) {
                return null;
            }
            AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
            return credential == null ? null : credential.getToken();
        }
    }
}
