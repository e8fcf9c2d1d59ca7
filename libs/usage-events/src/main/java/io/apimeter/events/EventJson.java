package io.apimeter.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON form of the events. Unknown fields are ignored so that producers can add fields without
 * breaking older consumers; decimals are read as {@link java.math.BigDecimal}, never as double, and written in plain
 * notation ({@code 0.0000005}, never {@code 5E-7}), as numbers and as strings alike.
 */
public final class EventJson {
    private static final ObjectMapper MAPPER = configure(new ObjectMapper());

    private EventJson() {
    }

    /** Applies the contract's settings to a mapper (for services that own their mapper). */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write event as JSON", e);
        }
    }

    /** Parses and validates a UsageEvent; throws {@link EventFormatException} for anything else. */
    public static UsageEvent readUsageEvent(String json) {
        return read(json, UsageEvent.class).validate();
    }

    /** Parses and validates an AlertEvent; throws {@link EventFormatException} for anything else. */
    public static AlertEvent readAlertEvent(String json) {
        return read(json, AlertEvent.class).validate();
    }

    public static QuotaStatus readQuotaStatus(String json) {
        return read(json, QuotaStatus.class);
    }

    public static CustomerRecord readCustomer(String json) {
        return read(json, CustomerRecord.class).validate();
    }

    public static <T> T read(String json, Class<T> type) {
        if (json == null || json.isBlank()) {
            throw new EventFormatException("empty record");
        }
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                throw new EventFormatException("record is JSON null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new EventFormatException("not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
