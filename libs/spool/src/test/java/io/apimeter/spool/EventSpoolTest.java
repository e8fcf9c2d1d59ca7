package io.apimeter.spool;

import static io.apimeter.spool.EventSpool.AppendResult.APPENDED;
import static io.apimeter.spool.EventSpool.AppendResult.FULL;
import static io.apimeter.spool.EventSpool.AppendResult.TOO_LARGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventSpoolTest {
    private static final long MB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void shouldReadRecordsInTheOrderTheyWereAppended() throws IOException {
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            for (int i = 1; i <= 250; i++) {
                assertEquals(APPENDED, spool.append(bytes("event-" + i)));
            }
            assertEquals(250, spool.waiting());

            List<String> read = new ArrayList<>();
            Position at = spool.committed();
            for (List<EventSpool.Entry> batch = spool.read(at, 100); !batch.isEmpty(); batch = spool.read(at, 100)) {
                batch.forEach(r -> read.add(text(r)));
                at = batch.get(batch.size() - 1).next();
            }
            assertEquals(250, read.size());
            for (int i = 1; i <= 250; i++) {
                assertEquals("event-" + i, read.get(i - 1));
            }
            // reading alone marks nothing as sent
            assertEquals(250, spool.waiting());
        }
    }

    @Test
    void shouldResumeFromThePersistedPositionAfterARestart() throws IOException {
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            for (int i = 1; i <= 5; i++) {
                spool.append(bytes("event-" + i));
            }
            List<EventSpool.Entry> sent = spool.read(spool.committed(), 3);
            spool.commit(sent.get(2).next(), 3);
            assertEquals(2, spool.waiting());
            // read but not committed: the broker may have it, the spool does not know
            spool.read(spool.committed(), 10);
        }

        try (EventSpool reopened = EventSpool.open(dir, MB, MB, false)) {
            assertEquals(2, reopened.waiting());
            assertEquals(List.of("event-4", "event-5"), texts(reopened.read(reopened.committed(), 10)));
            reopened.append(bytes("event-6"));
            assertEquals(List.of("event-4", "event-5", "event-6"), texts(reopened.read(reopened.committed(), 10)));
        }
    }

    @Test
    void shouldRefuseWhatDoesNotFitAndTakeEventsAgainOnceSent() throws IOException {
        byte[] event = valueOfFrame(100);
        try (EventSpool spool = EventSpool.open(dir, 1000, 300, false)) {
            int taken = 0;
            while (spool.append(event) == APPENDED) {
                taken++;
            }
            assertEquals(10, taken, "1000 bytes hold ten records of 100 bytes");
            assertEquals(FULL, spool.append(event));
            assertEquals(10, spool.waiting());
            assertTrue(filesSize() <= 1000, "the spool's files hold " + filesSize() + " bytes");

            List<EventSpool.Entry> sent = spool.read(spool.committed(), 10);
            spool.commit(sent.get(9).next(), 10);
            assertEquals(0, spool.waiting());
            assertEquals(APPENDED, spool.append(event), "sent records make room");
        }
    }

    @Test
    void shouldDeleteASegmentOnceEverythingInItIsSent() throws IOException {
        try (EventSpool spool = EventSpool.open(dir, MB, 250, false)) {
            for (int i = 1; i <= 10; i++) {
                spool.append(valueOfFrame(100));
            }
            List<Long> before = spool.listSegments();
            assertEquals(5, before.size(), "two records of 100 bytes per segment of 250: " + before);

            List<EventSpool.Entry> sent = spool.read(spool.committed(), 5);
            spool.commit(sent.get(4).next(), 5);
            List<Long> after = spool.listSegments();
            assertEquals(before.subList(2, 5), after, "the two fully sent segments are gone");
            assertEquals(600, spool.bytes());

            List<EventSpool.Entry> rest = spool.read(spool.committed(), 10);
            assertEquals(5, rest.size());
            spool.commit(rest.get(4).next(), 5);
            assertEquals(List.of(before.get(4)), spool.listSegments(), "only the segment being written is kept");
        }
    }

    @Test
    void shouldCutOffARecordLeftHalfWrittenByACrash() throws IOException {
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            spool.append(bytes("event-1"));
            spool.append(bytes("event-2"));
        }
        Path last;
        try (Stream<Path> files = Files.list(dir)) {
            last = files.filter(f -> f.toString().endsWith(".seg")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        // the start of a record whose write the crash cut short
        Files.write(last, new byte[] {0, 0, 0, 50, 9, 9, 9, 9, 1, 2, 3}, StandardOpenOption.APPEND);

        try (EventSpool reopened = EventSpool.open(dir, MB, MB, false)) {
            assertEquals(2, reopened.waiting());
            reopened.append(bytes("event-3"));
            assertEquals(List.of("event-1", "event-2", "event-3"), texts(reopened.read(reopened.committed(), 10)));
        }
    }

    @Test
    void shouldRefuseASecondSpoolInTheSameDirectory() throws IOException {
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            assertThrows(IllegalStateException.class, () -> EventSpool.open(dir, MB, MB, false));
            assertEquals(APPENDED, spool.append(bytes("still works")));
        }
        EventSpool.open(dir, MB, MB, false).close();
    }

    @Test
    void shouldKeepRecordsWithFsyncToo() throws IOException {
        try (EventSpool spool = EventSpool.open(dir, MB, 64, true)) {
            for (int i = 1; i <= 5; i++) {
                spool.append(bytes("event-" + i));
            }
        }
        try (EventSpool reopened = EventSpool.open(dir, MB, 64, true)) {
            assertEquals(List.of("event-1", "event-2", "event-3", "event-4", "event-5"),
                    texts(reopened.read(reopened.committed(), 10)));
        }
    }

    @Test
    void shouldSendAgainAfterACrashAtMostWhatWasCommittedSinceThePositionWasLastWritten(@TempDir Path crashed)
            throws IOException {
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false, Duration.ofHours(1))) {
            for (int i = 1; i <= 6; i++) {
                spool.append(bytes("event-" + i));
            }
            List<EventSpool.Entry> first = spool.read(spool.committed(), 2);
            spool.commit(first.get(1).next(), 2);
            // within the interval: this commit is kept in memory only
            List<EventSpool.Entry> second = spool.read(spool.committed(), 2);
            spool.commit(second.get(1).next(), 2);
            assertEquals(List.of("event-5", "event-6"), texts(spool.read(spool.committed(), 10)));

            // what a crash at this moment leaves on disk
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> !f.getFileName().toString().equals("lock")).toList()) {
                    Files.copy(file, crashed.resolve(file.getFileName()));
                }
            }
        }
        try (EventSpool afterCrash = EventSpool.open(crashed, MB, MB, false)) {
            // at least once: event-3 and event-4 are sent again, nothing is lost
            assertEquals(4, afterCrash.waiting());
            assertEquals(List.of("event-3", "event-4", "event-5", "event-6"),
                    texts(afterCrash.read(afterCrash.committed(), 10)));
        }
        try (EventSpool closedCleanly = EventSpool.open(dir, MB, MB, false)) {
            // a clean close writes the position the commits held back
            assertEquals(List.of("event-5", "event-6"), texts(closedCleanly.read(closedCleanly.committed(), 10)));
        }
    }

    @Test
    void shouldReadTheSameRecordsFromMemoryAsFromDisk() throws IOException {
        List<String> fromMemory = new ArrayList<>();
        try (EventSpool spool = EventSpool.open(dir, MB, 200, false)) {
            for (int i = 1; i <= 30; i++) {
                spool.append(bytes("event-" + i));
            }
            Position at = spool.committed();
            for (List<EventSpool.Entry> batch = spool.read(at, 7); !batch.isEmpty(); batch = spool.read(at, 7)) {
                batch.forEach(r -> fromMemory.add(text(r)));
                at = batch.get(batch.size() - 1).next();
                spool.commit(at, batch.size());
            }
            assertEquals(0, spool.waiting());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            expected.add("event-" + i);
        }
        assertEquals(expected, fromMemory, "in order, across segments, none twice, none lost");
    }

    @Test
    void shouldKeepKeyAndHeadersOfEveryRecordAcrossARestart() throws IOException {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("ce_id", bytes("e-1"));
        headers.put("ce_subject", bytes("c-1"));
        SpoolRecord keyed = new SpoolRecord("c-1", headers, bytes("{\"eventId\":\"e-1\"}"));
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            assertEquals(APPENDED, spool.append(keyed));
            assertEquals(APPENDED, spool.append(bytes("no key")));
            // from memory
            assertEquals(keyed, spool.read(spool.committed(), 1).get(0).record());
        }
        try (EventSpool reopened = EventSpool.open(dir, MB, MB, false)) {
            // from the segment file
            List<EventSpool.Entry> read = reopened.read(reopened.committed(), 10);
            assertEquals(keyed, read.get(0).record());
            assertEquals(List.of("ce_id", "ce_subject"), List.copyOf(read.get(0).record().headers().keySet()));
            assertEquals("c-1", read.get(0).record().header("ce_subject"));
            assertEquals(SpoolRecord.of(bytes("no key")), read.get(1).record());
        }
    }

    @Test
    void shouldRefuseARecordLargerThanTheRecordLimitWhateverTheRoom() throws IOException {
        EventSpool.Settings settings = EventSpool.Settings.of(MB, MB).withMaxRecordBytes(1000);
        try (EventSpool spool = EventSpool.open(dir, settings)) {
            assertEquals(APPENDED, spool.append(valueOfFrame(1000)), "a frame of exactly the limit is taken");
            assertEquals(TOO_LARGE, spool.append(valueOfFrame(1001)));
            Map<String, byte[]> headers = Map.of("h", new byte[600]);
            assertEquals(TOO_LARGE, spool.append(new SpoolRecord("k", headers, new byte[400])),
                    "key and headers count too");
            assertEquals(1, spool.waiting(), "nothing of a refused record is written");
            assertEquals(APPENDED, spool.append(bytes("next")));
            assertEquals(2, spool.read(spool.committed(), 10).size());
        }
        try (EventSpool reopened = EventSpool.open(dir, settings)) {
            assertEquals(2, reopened.waiting());
        }
    }

    @Test
    void shouldUseTheDefaultRecordLimitOfAQuarterMebibyte() throws IOException {
        try (EventSpool spool = EventSpool.open(dir, 4 * MB, 4 * MB, false)) {
            assertEquals(256 * 1024, spool.maxRecordBytes());
            assertEquals(TOO_LARGE, spool.append(new byte[256 * 1024]));
            assertEquals(APPENDED, spool.append(valueOfFrame(256 * 1024)));
        }
    }

    @Test
    void shouldReadRecordsOfASpoolWrittenBeforeKeysAndHeadersWereKept() throws IOException {
        // the frames an earlier gateway wrote: length, CRC-32 and the event JSON alone
        Files.createDirectories(dir);
        Path segment = dir.resolve("00000000000000000001.seg");
        for (String json : List.of("{\"eventId\":\"a\"}", "{\"eventId\":\"b\"}")) {
            byte[] value = bytes(json);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(value);
            byte[] frame = java.nio.ByteBuffer.allocate(8 + value.length).putInt(value.length)
                    .putInt((int) crc.getValue()).put(value).array();
            Files.write(segment, frame, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            assertEquals(2, spool.waiting());
            List<EventSpool.Entry> read = spool.read(spool.committed(), 10);
            assertEquals(List.of(SpoolRecord.of(bytes("{\"eventId\":\"a\"}")), SpoolRecord.of(bytes("{\"eventId\":\"b\"}"))),
                    read.stream().map(EventSpool.Entry::record).toList());
        }
    }

    @Test
    void shouldKeepAnEventsTraceContextWithItAcrossARestartAndReadEarlierRecordsWithoutOne() throws IOException {
        // an earlier gateway's record (the event JSON alone, no headers) is in the spool when this one starts
        Files.createDirectories(dir);
        byte[] old = bytes("{\"eventId\":\"old\"}");
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(old);
        Files.write(dir.resolve("00000000000000000001.seg"), java.nio.ByteBuffer.allocate(8 + old.length)
                .putInt(old.length).putInt((int) crc.getValue()).put(old).array());
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("ce_id", bytes("e-1"));
        headers.put("traceparent", bytes("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        headers.put("tracestate", bytes("vendor=opaque"));
        SpoolRecord traced = new SpoolRecord("c-1", headers, bytes("{\"eventId\":\"e-1\"}"));
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            assertEquals(APPENDED, spool.append(traced));
        }
        // the broker was away: both wait, and a restarted gateway reads them from disk
        try (EventSpool reopened = EventSpool.open(dir, MB, MB, false)) {
            List<EventSpool.Entry> read = reopened.read(reopened.committed(), 10);
            assertEquals(2, read.size());
            assertEquals(SpoolRecord.of(old), read.get(0).record(), "an earlier record reads as before, no context");
            assertEquals(null, read.get(0).record().header("traceparent"));
            assertEquals(traced, read.get(1).record());
            assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                    read.get(1).record().header("traceparent"));
            assertEquals("vendor=opaque", read.get(1).record().header("tracestate"));
        }
    }

    private long filesSize() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".seg")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(EventSpool.Entry entry) {
        return new String(entry.record().value(), StandardCharsets.UTF_8);
    }

    /** A value whose record, without key and headers, takes a frame of {@code frameBytes}. */
    private static byte[] valueOfFrame(int frameBytes) {
        return new byte[frameBytes - RecordCodec.encode(SpoolRecord.of(new byte[0])).length];
    }

    private static List<String> texts(List<EventSpool.Entry> records) {
        return records.stream().map(EventSpoolTest::text).toList();
    }
}
