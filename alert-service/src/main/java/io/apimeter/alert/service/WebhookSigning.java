package io.apimeter.alert.service;

import io.apimeter.alert.config.AlertConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Secrets and signatures of webhooks. A webhook's secret is {@code hex(HMAC-SHA256(signing key, "webhook:" +
 * customerId + ":" + webhookId))}: derived, so nothing secret is stored. Each delivery carries
 * {@code X-Apimeter-Signature: t=<unix seconds>,v1=<hex(HMAC-SHA256(secret, t + "." + body))>}, the secret
 * taken as the UTF-8 bytes of its hex text. Neither the key, a secret nor a signature is ever logged.
 */
@Startup
@ApplicationScoped
public class WebhookSigning {
    private static final Logger LOG = Logger.getLogger(WebhookSigning.class);
    static final int MIN_KEY_LENGTH = 32;
    private static final String HMAC = "HmacSHA256";

    private final byte[] key;
    private final String unavailable;

    @Inject
    public WebhookSigning(AlertConfig config) {
        this(config.webhook().signingKey());
    }

    WebhookSigning(Optional<String> signingKey) {
        Optional<String> configured = signingKey.map(String::trim).filter(k -> !k.isEmpty());
        if (configured.isEmpty()) {
            key = null;
            unavailable = "Webhooks are switched off: the service has no signing key"
                    + " (apimeter.alert.webhook.signing-key, env ALERT_WEBHOOK_SIGNING_KEY).";
        } else if (configured.get().length() < MIN_KEY_LENGTH) {
            key = null;
            unavailable = "Webhooks are switched off: the signing key (apimeter.alert.webhook.signing-key, env"
                    + " ALERT_WEBHOOK_SIGNING_KEY) is shorter than " + MIN_KEY_LENGTH + " characters.";
        } else {
            key = configured.get().getBytes(StandardCharsets.UTF_8);
            unavailable = null;
        }
        if (unavailable != null) {
            LOG.warn(unavailable);
        }
    }

    public boolean available() {
        return key != null;
    }

    /** Why webhooks are off, or null when they are on. */
    public String unavailableReason() {
        return unavailable;
    }

    /** The secret of a webhook; only for the answer that creates it and for signing deliveries. */
    public String secret(String customerId, UUID webhookId) {
        if (key == null) {
            throw new IllegalStateException(unavailable);
        }
        return hmacHex(key, "webhook:" + customerId + ":" + webhookId);
    }

    /** The value of the {@code X-Apimeter-Signature} header for this body, sent at {@code unixSeconds}. */
    public static String signatureHeader(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + signature(secret, unixSeconds, body);
    }

    /** {@code hex(HMAC-SHA256(secret, t + "." + body))}. */
    public static String signature(String secret, long unixSeconds, byte[] body) {
        Mac mac = mac(secret.getBytes(StandardCharsets.UTF_8));
        mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    static String hmacHex(byte[] key, String text) {
        return HexFormat.of().formatHex(mac(key).doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
