package io.apimeter.simulator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;

/** The one JSON mapper of the simulator (thread-safe once configured). */
public final class Json {

    /** Instants are written as ISO-8601 UTC strings, without pulling in the java.time module. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("simulator").addSerializer(Instant.class, ToStringSerializer.instance));

    private Json() {
    }

    public static Buffer encode(Object value) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
