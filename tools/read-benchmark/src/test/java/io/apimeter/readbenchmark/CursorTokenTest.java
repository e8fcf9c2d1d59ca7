package io.apimeter.readbenchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CursorTokenTest {

    @Test
    void shouldDecodeBackToTheInstantAndTheHighestUuid() {
        Instant at = Instant.parse("2026-04-16T12:34:56Z");

        String token = CursorToken.after(at);

        assertFalse(token.contains("="), token);
        assertFalse(token.contains("+") || token.contains("/"), token);
        String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        assertEquals("2026-04-16T12:34:56Z|ffffffff-ffff-ffff-ffff-ffffffffffff", plain);
        int separator = plain.indexOf('|');
        assertEquals(at, Instant.parse(plain.substring(0, separator)));
        assertEquals(CursorToken.LAST, UUID.fromString(plain.substring(separator + 1)));
    }

    @Test
    void shouldKeepFractionsAndAnyUuid() {
        Instant at = Instant.parse("2026-05-01T00:00:00.123456Z");
        UUID id = UUID.fromString("0190f1a2-3b4c-7d5e-8f60-718293a4b5c6");

        String plain = new String(Base64.getUrlDecoder().decode(CursorToken.of(at, id)), StandardCharsets.UTF_8);

        assertEquals("2026-05-01T00:00:00.123456Z|0190f1a2-3b4c-7d5e-8f60-718293a4b5c6", plain);
    }
}
