package io.apimeter.gateway.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.common.messaging.DeadLetterHeaders;
import io.apimeter.spool.RecordFile;
import io.apimeter.spool.SpoolRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RejectedUsageEventsTest {
    @TempDir
    Path dir;

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<SpoolRecord> deadLettered = new CopyOnWriteArrayList<>();

    private static SpoolRecord event() {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("ce_id", bytes("6f1e2d3c-0000-4000-8000-000000000001"));
        headers.put("ce_subject", bytes("c-1"));
        return new SpoolRecord("c-1", headers, bytes("{\"eventId\":\"6f1e2d3c-0000-4000-8000-000000000001\"}"));
    }

    private double rejected(String to) {
        return registry.get("apimeter.gateway.spool.rejected").tag("to", to).counter().count();
    }

    @Test
    void shouldWriteARefusedEventToTheDeadLetterTopicWithItsKeyHeadersAndWhy() {
        RecordFile file = new RecordFile(dir.resolve(RejectedUsageEvents.FILE), false);
        RejectedUsageEvents rejected = new RejectedUsageEvents(letter -> {
            deadLettered.add(letter);
            return CompletableFuture.completedFuture(null);
        }, file, registry);

        assertTrue(rejected.setAside(event(), new RecordTooLargeException("The message is 300000 bytes")));

        SpoolRecord letter = deadLettered.get(0);
        assertEquals("c-1", letter.key());
        assertEquals(event().value().length, letter.value().length);
        assertEquals("6f1e2d3c-0000-4000-8000-000000000001", letter.header("ce_id"));
        assertEquals("c-1", letter.header("ce_subject"));
        assertEquals("usage-events", letter.header(DeadLetterHeaders.TOPIC));
        assertEquals("gateway-service", letter.header(DeadLetterHeaders.GROUP));
        assertEquals("the broker refused it: RecordTooLargeException: The message is 300000 bytes",
                letter.header(DeadLetterHeaders.REASON));
        assertNotNull(Instant.parse(letter.header(DeadLetterHeaders.TIME)));
        assertEquals(1, rejected("dead-letter-topic"));
        assertEquals(0, rejected("file"));
        assertFalse(Files.exists(dir.resolve(RejectedUsageEvents.FILE)));
    }

    @Test
    void shouldWriteARefusedEventToTheFileWhenTheDeadLetterTopicDoesNotTakeItEither() throws IOException {
        RecordFile file = new RecordFile(dir.resolve(RejectedUsageEvents.FILE), false);
        RejectedUsageEvents rejected = new RejectedUsageEvents(
                letter -> CompletableFuture.failedFuture(new RecordTooLargeException("dead-letter topic too")),
                file, registry);

        assertTrue(rejected.setAside(event(), new RecordTooLargeException("The message is 300000 bytes")));

        List<SpoolRecord> kept = RecordFile.readAll(dir.resolve(RejectedUsageEvents.FILE));
        assertEquals(1, kept.size());
        assertEquals("c-1", kept.get(0).key());
        assertEquals(new String(event().value(), StandardCharsets.UTF_8),
                new String(kept.get(0).value(), StandardCharsets.UTF_8));
        assertEquals("usage-events", kept.get(0).header(DeadLetterHeaders.TOPIC));
        assertTrue(kept.get(0).header(DeadLetterHeaders.REASON).contains("RecordTooLargeException"));
        assertEquals(0, rejected("dead-letter-topic"));
        assertEquals(1, rejected("file"));
    }

    @Test
    void shouldAnswerFalseWhenNeitherTheTopicNorTheDiskTakesIt() throws IOException {
        // a plain file where the directory of the record file should be: the disk refuses it
        Files.writeString(dir.resolve("rejected"), "not a directory");
        RecordFile file = new RecordFile(dir.resolve(RejectedUsageEvents.FILE), false);
        RejectedUsageEvents rejected = new RejectedUsageEvents(
                letter -> CompletableFuture.failedFuture(new IllegalStateException("broker away")), file, registry);

        assertFalse(rejected.setAside(event(), new RecordTooLargeException("too large")));
        assertEquals(0, rejected("dead-letter-topic") + rejected("file"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
