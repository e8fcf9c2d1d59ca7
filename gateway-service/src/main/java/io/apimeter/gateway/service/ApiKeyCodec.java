package io.apimeter.gateway.service;

import io.apimeter.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Platform API keys: {@code amk_<8-char prefix>_<40-char secret>}. The prefix is stored and shown so a key
 * can be told apart; the whole key is stored only as an HMAC-SHA256 under a server-side pepper.
 */
@ApplicationScoped
public class ApiKeyCodec {
    static final String SCHEME = "amk_";
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final int PREFIX_LENGTH = 8;
    private static final int SECRET_LENGTH = 40;

    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec pepper;

    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public ApiKeyCodec(GatewayConfig config) {
        this.pepper = new SecretKeySpec(config.apiKeys().pepper().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** A new key; the caller shows it once and keeps only {@link #prefixOf} and {@link #hash}. */
    public String newKey() {
        return SCHEME + randomText(PREFIX_LENGTH) + "_" + randomText(SECRET_LENGTH);
    }

    /** The visible prefix of a well-formed key ({@code amk_XXXXXXXX}), or null for anything else. */
    public static String prefixOf(String key) {
        if (key == null || key.length() != SCHEME.length() + PREFIX_LENGTH + 1 + SECRET_LENGTH
                || !key.startsWith(SCHEME) || key.charAt(SCHEME.length() + PREFIX_LENGTH) != '_') {
            return null;
        }
        for (int i = SCHEME.length(); i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && i != SCHEME.length() + PREFIX_LENGTH) {
                return null;
            }
        }
        return key.substring(0, SCHEME.length() + PREFIX_LENGTH);
    }

    public byte[] hash(String key) {
        // doFinal leaves the Mac ready for the next key: one per thread, keyed once, instead of one per call.
        return macs.get().doFinal(key.getBytes(StandardCharsets.UTF_8));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(pepper);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** Compares a presented key with a stored hash in constant time. */
    public boolean matches(String key, byte[] storedHash) {
        return MessageDigest.isEqual(hash(key), storedHash);
    }

    private String randomText(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
