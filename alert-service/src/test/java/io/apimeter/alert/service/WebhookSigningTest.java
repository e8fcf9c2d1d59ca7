package io.apimeter.alert.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSigningTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef-signing";
    private static final UUID WEBHOOK = UUID.fromString("3f2b8c1e-9d4a-4c1b-8e2f-0a1b2c3d4e5f");

    /** HMAC-SHA256 written out here, so that the service's own code is checked against the documented rule. */
    private static String hmac(byte[] key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldDeriveTheSecretFromTheKeyTheCustomerAndTheWebhookId() throws Exception {
        WebhookSigning signing = new WebhookSigning(Optional.of(KEY));
        String secret = signing.secret("acme", WEBHOOK);
        assertEquals(hmac(KEY.getBytes(StandardCharsets.UTF_8), "webhook:acme:" + WEBHOOK), secret);
        assertEquals(64, secret.length());
        assertNotEquals(secret, signing.secret("acme", UUID.randomUUID()), "a new webhook gets a new secret");
        assertNotEquals(secret, signing.secret("globex", WEBHOOK));
        assertNotEquals(secret, new WebhookSigning(Optional.of(KEY + "-rotated")).secret("acme", WEBHOOK));
    }

    @Test
    void shouldSignTheTimestampAndTheBody() throws Exception {
        String secret = "a".repeat(64);
        byte[] body = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        String header = WebhookSigning.signatureHeader(secret, 1_795_000_000L, body);
        assertEquals("t=1795000000,v1=" + hmac(secret.getBytes(StandardCharsets.UTF_8), "1795000000.{\"id\":\"x\"}"),
                header);
        assertNotEquals(header, WebhookSigning.signatureHeader(secret, 1_795_000_001L, body));
    }

    @Test
    void shouldSwitchWebhooksOffWithoutAKeyOrWithAShortOne() {
        for (Optional<String> key : java.util.List.of(Optional.<String>empty(), Optional.of("  "),
                Optional.of("too-short"))) {
            WebhookSigning signing = new WebhookSigning(key);
            assertFalse(signing.available());
            assertTrue(signing.unavailableReason().contains("ALERT_WEBHOOK_SIGNING_KEY"), signing.unavailableReason());
            assertThrows(IllegalStateException.class, () -> signing.secret("acme", WEBHOOK));
        }
        assertTrue(new WebhookSigning(Optional.of(KEY)).available());
    }
}
