package io.apimeter.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

class TestTokensTest {

    /** Validates as a service does: the keys the identity provider publishes, issuer, audience, expiry. */
    private static JwtConsumer consumer() {
        String jwks = TestIdentityProvider.get().authServerUrl() + "/protocol/openid-connect/certs";
        return new JwtConsumerBuilder()
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(jwks)))
                .setExpectedIssuer(TestIdentityProvider.ISSUER)
                .setExpectedAudience(TestTokens.AUDIENCE)
                .setRequireExpirationTime()
                .build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldIssueTokensTheProvidersPublishedKeyVerifies() throws Exception {
        JwtClaims customer = consumer().processToClaims(TestTokens.customer("acme"));
        assertEquals("acme", customer.getClaimValueAsString("customer_id"));
        assertEquals(List.of("customer"), ((Map<String, Object>) customer.getClaimValue("realm_access")).get("roles"));
        JwtClaims admin = consumer().processToClaims(TestTokens.admin());
        assertEquals(List.of("admin"), ((Map<String, Object>) admin.getClaimValue("realm_access")).get("roles"));
    }

    @Test
    void shouldIssueBadTokensThatFailValidation() {
        assertThrows(InvalidJwtException.class, () -> consumer().processToClaims(TestTokens.adminSignedByAStranger()));
        assertThrows(InvalidJwtException.class, () -> consumer().processToClaims(TestTokens.expiredAdmin()));
        assertThrows(InvalidJwtException.class, () -> consumer().processToClaims(TestTokens.adminForAnotherAudience()));
    }
}
