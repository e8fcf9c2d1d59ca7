package io.apimeter.readbenchmark;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A call-log cursor made by the benchmark, to start a page deep in the log without paging there first: the
 * recorder's cursor is base64url without padding of {@code <ISO instant>|<event uuid>}, the last row of the page
 * before (usage-recorder-service's {@code Cursor}). It is opaque to clients and may change; this copies its form
 * for the benchmark only.
 */
final class CursorToken {
    /** The highest UUID: a cursor at an instant with it continues with the rows at and before that instant. */
    static final UUID LAST = new UUID(-1L, -1L);

    private CursorToken() {
    }

    /** The cursor a client would hold after paging down to {@code at}: the next page is the rows before it. */
    static String after(Instant at) {
        return of(at, LAST);
    }

    static String of(Instant occurredAt, UUID eventId) {
        String plain = occurredAt + "|" + eventId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }
}
