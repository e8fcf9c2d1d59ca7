package io.apimeter.recorder.service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * Position in the newest-first call log: the last row of a page. Clients get it as an opaque token and
 * hand it back unchanged; its form may change without notice.
 */
public record Cursor(Instant occurredAt, UUID eventId) {
    private static final String SEPARATOR = "|";

    public String encode() {
        String plain = occurredAt + SEPARATOR + eventId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a token made by {@link #encode()}; throws IllegalArgumentException for anything else. */
    public static Cursor decode(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            throw new IllegalArgumentException("not a cursor");
        }
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a cursor", e);
        }
        int separator = plain.indexOf(SEPARATOR);
        if (separator < 0) {
            throw new IllegalArgumentException("not a cursor");
        }
        try {
            return new Cursor(Instant.parse(plain.substring(0, separator)),
                    UUID.fromString(plain.substring(separator + 1)));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a cursor", e);
        }
    }
}
