package io.apimeter.recorder.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CursorTest {

    @Test
    void shouldRoundTripTimeAndEventIdExactly() {
        Cursor cursor = new Cursor(Instant.parse("2026-11-01T00:00:00.123456Z"), UUID.randomUUID());
        String token = cursor.encode();
        assertEquals(cursor, Cursor.decode(token));
        assertFalse(token.contains("=") || token.contains("+") || token.contains("/"), "URL-safe without padding");
    }

    @Test
    void shouldRejectAnythingThatIsNotACursor() {
        assertThrows(IllegalArgumentException.class, () -> Cursor.decode("!!!"));
        assertThrows(IllegalArgumentException.class, () -> Cursor.decode(""));
        assertThrows(IllegalArgumentException.class, () -> Cursor.decode(encode("no separator")));
        assertThrows(IllegalArgumentException.class, () -> Cursor.decode(encode("yesterday|" + UUID.randomUUID())));
        assertThrows(IllegalArgumentException.class, () -> Cursor.decode(encode("2026-11-01T00:00:00Z|not-a-uuid")));
        assertThrows(IllegalArgumentException.class, () -> Cursor.decode("a".repeat(201)));
    }

    private static String encode(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }
}
