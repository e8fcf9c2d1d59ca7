package io.apimeter.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFileTest {
    @TempDir
    Path dir;

    @Test
    void shouldKeepRecordsSetAsideAcrossReopening() throws IOException {
        Path path = dir.resolve("rejected").resolve("records");
        SpoolRecord first = new SpoolRecord("c-1", Map.of("reason", bytes("too large")), bytes("{}"));
        SpoolRecord second = SpoolRecord.of(bytes("{\"b\":1}"));
        try (RecordFile file = new RecordFile(path, false)) {
            assertFalse(Files.exists(path.getParent()), "created with the first record");
            file.append(first);
        }
        try (RecordFile file = new RecordFile(path, true)) {
            file.append(second);
        }
        assertEquals(List.of(first, second), RecordFile.readAll(path));
        assertEquals(List.of(), RecordFile.readAll(dir.resolve("none")));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
