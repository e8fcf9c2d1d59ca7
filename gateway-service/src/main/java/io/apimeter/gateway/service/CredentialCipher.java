package io.apimeter.gateway.service;

import io.apimeter.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts provider credentials with AES-256-GCM. The customer id and provider are bound to each
 * ciphertext as associated data, so a ciphertext copied to another row does not decrypt. Each ciphertext
 * names the master key that made it; earlier keys stay configured to decrypt until credentials are re-saved.
 */
@ApplicationScoped
public class CredentialCipher {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final String activeKeyId;
    private final Map<String, SecretKey> keys = new HashMap<>();

    @jakarta.inject.Inject
    public CredentialCipher(GatewayConfig config) {
        this(config.credentials());
    }

    public CredentialCipher(GatewayConfig.Credentials config) {
        this.activeKeyId = config.masterKeyId();
        keys.put(activeKeyId, key(activeKeyId, config.masterKey()));
        config.previousMasterKeys().ifPresent(list -> {
            for (String entry : list.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                int colon = entry.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalStateException("apimeter.gateway.credentials.previous-master-keys must be id:base64 pairs");
                }
                String id = entry.substring(0, colon).trim();
                keys.putIfAbsent(id, key(id, entry.substring(colon + 1).trim()));
            }
        });
    }

    private static SecretKey key(String id, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("master key '" + id + "' is not valid base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("master key '" + id + "' must be 32 bytes (AES-256), it has " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    public record Sealed(String keyId, byte[] iv, byte[] ciphertext) {
    }

    public Sealed encrypt(String plaintext, String customerId, String provider) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad(customerId, provider));
            return new Sealed(activeKeyId, iv, cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a credential", e);
        }
    }

    public String decrypt(Sealed sealed, String customerId, String provider) {
        SecretKey key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("credential of " + customerId + "/" + provider
                    + " was encrypted with master key '" + sealed.keyId() + "', which is not configured");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.iv()));
            cipher.updateAAD(aad(customerId, provider));
            return new String(cipher.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("credential of " + customerId + "/" + provider + " cannot be decrypted");
        }
    }

    private static byte[] aad(String customerId, String provider) {
        return (customerId + "\u0000" + provider).getBytes(StandardCharsets.UTF_8);
    }

    /** What an API may show of a key: its first three and last four characters at most. */
    public static String mask(String secret) {
        if (secret.length() < 12) {
            return "****";
        }
        return secret.substring(0, 3) + "..." + secret.substring(secret.length() - 4);
    }
}
