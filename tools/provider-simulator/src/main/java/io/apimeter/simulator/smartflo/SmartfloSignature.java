package io.apimeter.simulator.smartflo;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a call record posted to a webhook, as the apimeter gateway checks it:
 * {@code X-Smartflo-Signature: sha256=<lower-case hex of HMAC-SHA256(secret, the raw body)>}. The secret is the
 * customer's Smartflo webhook secret the platform issued.
 */
public final class SmartfloSignature {

    /** The header that carries the signature. */
    public static final String HEADER = "X-Smartflo-Signature";

    private SmartfloSignature() {
    }

    /** {@code sha256=<hex>} of the body under the secret. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(body);
            StringBuilder hex = new StringBuilder("sha256=");
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** {@code sha256=<hex>} of the UTF-8 body under the secret. */
    public static String sign(String secret, String body) {
        return sign(secret, body.getBytes(StandardCharsets.UTF_8));
    }
}
