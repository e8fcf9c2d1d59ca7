package io.apimeter.gateway.service;

import io.apimeter.common.rest.ApiException;
import io.apimeter.gateway.config.SmartfloConfig;
import io.apimeter.gateway.entity.Customer;
import io.apimeter.gateway.entity.SmartfloWebhookSecret;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Each customer's Smartflo webhook secret: issued (and rotated) by an admin, shown once, stored encrypted under the
 * master key like provider credentials (bound to the customer), and used to check the signature Smartflo sends
 * with every call record: {@code X-Smartflo-Signature: sha256=<hex of HMAC-SHA256(secret, raw body)>}.
 */
@ApplicationScoped
@Transactional
public class SmartfloWebhookSecrets {
    /** The header that carries a call record's signature. */
    public static final String SIGNATURE_HEADER = "X-Smartflo-Signature";
    /** What the secret is bound to in the ciphertext, beside the customer: never usable as a provider credential. */
    static final String PURPOSE = "SMARTFLO_WEBHOOK_SECRET";
    private static final String PREFIX = "sha256=";
    private static final int SECRET_BYTES = 32;

    private final EntityManager entityManager;
    private final CredentialCipher cipher;
    private final Duration previousGrace;
    private final SecureRandom random = new SecureRandom();

    public SmartfloWebhookSecrets(EntityManager entityManager, CredentialCipher cipher, SmartfloConfig config) {
        this.entityManager = entityManager;
        this.cipher = cipher;
        this.previousGrace = config.previousSecretGrace();
    }

    /**
     * A new secret issued, in full only here.
     *
     * @param previousValidUntil until when the secret it replaced is still accepted; null for a first secret
     */
    public record Issued(String customerId, String secret, Instant createdAt, Instant previousValidUntil) {
    }

    /**
     * Issues a new secret for the customer; the one it replaces is still accepted for
     * {@code apimeter.gateway.smartflo.previous-secret-grace}, so the secret can be changed in Smartflo meanwhile.
     */
    public Issued issue(String customerId) {
        if (Customer.findById(customerId) == null) {
            throw ApiException.notFound("No customer with id '" + customerId + "'.");
        }
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        CredentialCipher.Sealed sealed = cipher.encrypt(secret, customerId, PURPOSE);
        SmartfloWebhookSecret row = entityManager.find(SmartfloWebhookSecret.class, customerId,
                LockModeType.PESSIMISTIC_WRITE);
        if (row == null) {
            row = new SmartfloWebhookSecret();
            row.customerId = customerId;
        } else {
            row.previousKeyId = row.keyId;
            row.previousIv = row.iv;
            row.previousCiphertext = row.ciphertext;
            row.previousValidUntil = now.plus(previousGrace);
        }
        row.keyId = sealed.keyId();
        row.iv = sealed.iv();
        row.ciphertext = sealed.ciphertext();
        row.createdAt = now;
        row.persist();
        return new Issued(customerId, secret, now, row.previousValidUntil);
    }

    /**
     * Whether {@code signature} (the header's value) is the signature of {@code body} under one of the customer's
     * secrets in force. Compared in constant time; false for a customer without secret.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public boolean verify(String customerId, byte[] body, String signature) {
        byte[] presented = presented(signature);
        if (presented == null) {
            return false;
        }
        boolean valid = false;
        for (String secret : secretsInForce(customerId, Instant.now())) {
            // every secret is compared, whichever matches: the time taken says nothing about which one did
            valid |= MessageDigest.isEqual(sign(secret, body), presented);
        }
        return valid;
    }

    private List<String> secretsInForce(String customerId, Instant now) {
        SmartfloWebhookSecret row = entityManager.find(SmartfloWebhookSecret.class, customerId);
        List<String> secrets = new ArrayList<>(2);
        if (row == null) {
            return secrets;
        }
        secrets.add(cipher.decrypt(new CredentialCipher.Sealed(row.keyId, row.iv, row.ciphertext), customerId,
                PURPOSE));
        if (row.previousCiphertext != null && row.previousValidUntil != null && now.isBefore(row.previousValidUntil)) {
            secrets.add(cipher.decrypt(new CredentialCipher.Sealed(row.previousKeyId, row.previousIv,
                    row.previousCiphertext), customerId, PURPOSE));
        }
        return secrets;
    }

    /** The 32 bytes of a {@code sha256=<64 hex digits>} header (either case), or null when it is not one. */
    private static byte[] presented(String signature) {
        if (signature == null) {
            return null;
        }
        String value = signature.trim();
        if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length()) || value.length() != PREFIX.length() + 64) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(value.substring(PREFIX.length()).toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** HMAC-SHA256 of the body under the secret. */
    static byte[] sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** The header value Smartflo sends for a body: {@code sha256=<hex>}. */
    public static String signature(String secret, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(sign(secret, body));
    }
}
