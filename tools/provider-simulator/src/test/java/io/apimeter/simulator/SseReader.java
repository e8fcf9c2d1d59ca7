package io.apimeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads Server-Sent Events line by line as they arrive, noting when each one came. */
final class SseReader {

    private SseReader() {
    }

    /**
     * One event.
     *
     * @param type      its {@code event:} line, or {@code null}
     * @param data      its {@code data:} line
     * @param arrivedAt {@link System#nanoTime()} when its blank line arrived
     */
    record Event(String type, String data, long arrivedAt) {

        JsonNode json() {
            try {
                return SimClient.JSON.readTree(data);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON: " + data, e);
            }
        }
    }

    /** Every event up to the end of the stream. */
    static List<Event> readAll(InputStream body) throws IOException {
        List<Event> events = new ArrayList<>();
        read(body, events);
        return events;
    }

    /** Adds events to {@code sink} as they arrive; throws if the stream breaks, keeping what came before. */
    static void read(InputStream body, List<Event> sink) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String type = null;
            String data = null;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        sink.add(new Event(type, data, System.nanoTime()));
                    }
                    type = null;
                    data = null;
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                } else {
                    throw new IllegalStateException("Not a Server-Sent Events line: " + line);
                }
            }
            if (type != null || data != null) {
                throw new IllegalStateException("The stream ended inside an event");
            }
        }
    }
}
