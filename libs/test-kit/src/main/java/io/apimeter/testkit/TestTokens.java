package io.apimeter.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * Bearer tokens as Keycloak issues them for the platform (realm roles in {@code realm_access.roles}, the
 * customer in {@code customer_id}, audience {@code apimeter-api}), signed with the key of
 * {@link TestIdentityProvider}, plus the bad ones a service must refuse.
 */
public final class TestTokens {
    public static final String AUDIENCE = "apimeter-api";
    public static final String CUSTOMER_ID_CLAIM = "customer_id";

    private static final PrivateKey SIGNING_KEY = loadSigningKey();
    private static final String KEY_ID = "1";

    private TestTokens() {
    }

    /** An admin: reads and writes everything. */
    public static String admin() {
        return sign(claims("admin-user", List.of("admin"), null, AUDIENCE, 300), SIGNING_KEY);
    }

    /** A customer's person: reads only that customer's data, writes nothing. */
    public static String customer(String customerId) {
        return sign(claims("user-of-" + customerId, List.of("customer"), customerId, AUDIENCE, 300), SIGNING_KEY);
    }

    /** A customer token that names no customer: must be refused, never read as "all customers". */
    public static String customerWithoutCustomerId() {
        return sign(claims("lost-user", List.of("customer"), null, AUDIENCE, 300), SIGNING_KEY);
    }

    /** A valid token with neither role. */
    public static String withoutRole() {
        return sign(claims("nobody", List.of(), null, AUDIENCE, 300), SIGNING_KEY);
    }

    /** An admin token that expired a minute ago. */
    public static String expiredAdmin() {
        return sign(claims("admin-user", List.of("admin"), null, AUDIENCE, -60), SIGNING_KEY);
    }

    /** An admin token issued for another audience. */
    public static String adminForAnotherAudience() {
        return sign(claims("admin-user", List.of("admin"), null, "another-api", 300), SIGNING_KEY);
    }

    /** An admin token signed by a key the identity provider never published. */
    public static String adminSignedByAStranger() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return sign(claims("admin-user", List.of("admin"), null, AUDIENCE, 300), pair.getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JwtClaims claims(String user, List<String> roles, String customerId, String audience,
                                    int expiresInSeconds) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(TestIdentityProvider.ISSUER);
        claims.setAudience(audience);
        claims.setSubject(UUID.nameUUIDFromBytes(user.getBytes(StandardCharsets.UTF_8)).toString());
        claims.setClaim("preferred_username", user);
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setIssuedAtToNow();
        claims.setNotBeforeMinutesInThePast(1);
        long now = System.currentTimeMillis() / 1000;
        claims.setClaim("exp", now + expiresInSeconds);
        claims.setClaim("realm_access", java.util.Map.of("roles", roles));
        if (customerId != null) {
            claims.setClaim(CUSTOMER_ID_CLAIM, customerId);
        }
        return claims;
    }

    private static String sign(JwtClaims claims, PrivateKey key) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setKeyIdHeaderValue(KEY_ID);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a test token", e);
        }
    }

    private static PrivateKey loadSigningKey() {
        // The private half of the key the mock identity provider publishes (shipped in quarkus-test-oidc-server).
        try (InputStream in = TestTokens.class.getClassLoader().getResourceAsStream("privateKey.jwk")) {
            if (in == null) {
                throw new IllegalStateException("privateKey.jwk of quarkus-test-oidc-server is not on the classpath");
            }
            JsonWebKey jwk = JsonWebKey.Factory.newJwk(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return ((RsaJsonWebKey) jwk).getRsaPrivateKey();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JoseException e) {
            throw new IllegalStateException("privateKey.jwk is not an RSA key", e);
        }
    }
}
