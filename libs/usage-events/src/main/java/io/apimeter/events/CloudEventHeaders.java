package io.apimeter.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** CloudEvents 1.0 attributes carried as Kafka headers (binary content mode). */
public final class CloudEventHeaders {
    private CloudEventHeaders() {
    }

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String JSON = "application/json";

    /** The headers of one event, in a stable order, as UTF-8 bytes ready for a Kafka record. */
    public static Map<String, byte[]> of(UUID id, String type, String source, Instant time, String subject) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(SPEC_VERSION, bytes(SPEC_VERSION_VALUE));
        headers.put(ID, bytes(id.toString()));
        headers.put(TYPE, bytes(type));
        headers.put(SOURCE, bytes(source));
        headers.put(TIME, bytes(time.toString()));
        headers.put(SUBJECT, bytes(subject));
        headers.put(CONTENT_TYPE, bytes(JSON));
        return headers;
    }

    public static Map<String, byte[]> of(UsageEvent event, String source) {
        return of(event.eventId(), UsageEvent.TYPE, source, event.occurredAt(), event.customerId());
    }

    public static Map<String, byte[]> of(AlertEvent event, String source) {
        return of(event.eventId(), AlertEvent.TYPE, source, event.occurredAt(), event.customerId());
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
