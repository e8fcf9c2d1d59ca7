package io.apimeter.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.service.CredentialCipher;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CredentialCipherTest {
    private static final String KEY_1 = Base64.getEncoder().encodeToString("first-master-key-of-32-bytes-ok!".getBytes(StandardCharsets.UTF_8));
    private static final String KEY_2 = Base64.getEncoder().encodeToString("second-master-key-32-bytes-long!".getBytes(StandardCharsets.UTF_8));

    @Test
    void shouldEncryptSoThatTheSecretIsNotInTheCiphertext() {
        CredentialCipher cipher = new CredentialCipher(config("k1", KEY_1, null));
        CredentialCipher.Sealed sealed = cipher.encrypt("sk-secret-value-123456", "acme", "OPENAI");
        assertFalse(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1).contains("sk-secret"));
        assertEquals("k1", sealed.keyId());
        assertEquals("sk-secret-value-123456", cipher.decrypt(sealed, "acme", "OPENAI"));
        CredentialCipher.Sealed again = cipher.encrypt("sk-secret-value-123456", "acme", "OPENAI");
        assertNotEquals(Base64.getEncoder().encodeToString(sealed.iv()), Base64.getEncoder().encodeToString(again.iv()));
    }

    @Test
    void shouldNotDecryptACiphertextMovedToAnotherCustomer() {
        CredentialCipher cipher = new CredentialCipher(config("k1", KEY_1, null));
        CredentialCipher.Sealed sealed = cipher.encrypt("sk-secret-value-123456", "acme", "OPENAI");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cipher.decrypt(sealed, "globex", "OPENAI"));
        assertFalse(e.getMessage().contains("sk-secret"));
    }

    @Test
    void shouldStillDecryptWithThePreviousMasterKeyAfterARotation() {
        CredentialCipher.Sealed old = new CredentialCipher(config("k1", KEY_1, null)).encrypt("sk-old-secret-0001", "acme", "OPENAI");
        CredentialCipher rotated = new CredentialCipher(config("k2", KEY_2, "k1:" + KEY_1));
        assertEquals("sk-old-secret-0001", rotated.decrypt(old, "acme", "OPENAI"));
        assertEquals("k2", rotated.encrypt("sk-new", "acme", "OPENAI").keyId());
        CredentialCipher forgotten = new CredentialCipher(config("k2", KEY_2, null));
        assertThrows(IllegalStateException.class, () -> forgotten.decrypt(old, "acme", "OPENAI"));
    }

    @Test
    void shouldRefuseAMasterKeyThatIsNot256Bits() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CredentialCipher(config("k1", shortKey, null)));
        assertEquals("master key 'k1' must be 32 bytes (AES-256), it has 16", e.getMessage());
    }

    @Test
    void shouldMaskAllButTheEnds() {
        assertEquals("sk-...wxyz", CredentialCipher.mask("sk-abcdefghijklmnopqrstuvwxyz"));
        assertEquals("****", CredentialCipher.mask("short"));
    }

    private static GatewayConfig.Credentials config(String keyId, String key, String previous) {
        return new GatewayConfig.Credentials() {
            public String masterKey() {
                return key;
            }

            public String masterKeyId() {
                return keyId;
            }

            public Optional<String> previousMasterKeys() {
                return Optional.ofNullable(previous);
            }
        };
    }
}
