package io.apimeter.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordCodecTest {
    @TempDir
    Path dir;

    private static SpoolRecord keyed() {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("ce_id", bytes("4f0c3c1e-6a51-4c1f-9b8e-0d1c2b3a4f5e"));
        headers.put("ce_subject", bytes("kunde-ü"));
        headers.put("empty", new byte[0]);
        headers.put("absent", null);
        return new SpoolRecord("kunde-ü", headers, bytes("{\"eventId\":\"4f0c3c1e\"}"));
    }

    @Test
    void shouldReadBackKeyHeadersInTheirOrderAndValue() {
        SpoolRecord record = keyed();
        byte[] frame = RecordCodec.encode(record);
        RecordCodec.Frame read = RecordCodec.decode(ByteBuffer.wrap(frame));
        assertEquals(record, read.record());
        assertEquals(frame.length, read.size());
        assertEquals(java.util.List.of("ce_id", "ce_subject", "empty", "absent"),
                java.util.List.copyOf(read.record().headers().keySet()));
        assertNull(read.record().headers().get("absent"));
        assertArrayEquals(new byte[0], read.record().headers().get("empty"));
    }

    @Test
    void shouldReadBackARecordWithoutKeyOrHeadersAndAnEmptyValue() {
        SpoolRecord record = SpoolRecord.of(new byte[0]);
        RecordCodec.Frame read = RecordCodec.decode(ByteBuffer.wrap(RecordCodec.encode(record)));
        assertEquals(record, read.record());
        assertNull(read.record().key());
        assertEquals(Map.of(), read.record().headers());
    }

    @Test
    void shouldFrameTheBodyWithItsLengthAndCrc() {
        byte[] frame = RecordCodec.encode(keyed());
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        assertEquals(frame.length - RecordCodec.FRAME_HEADER_BYTES, buffer.getInt(0));
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(frame, RecordCodec.FRAME_HEADER_BYTES, frame.length - RecordCodec.FRAME_HEADER_BYTES);
        assertEquals((int) crc.getValue(), buffer.getInt(4));
        assertEquals(RecordCodec.FORMAT, frame[RecordCodec.FRAME_HEADER_BYTES]);
    }

    @Test
    void shouldTakeAFrameWhoseCrcDoesNotMatchForNoFrame() {
        byte[] frame = RecordCodec.encode(keyed());
        for (int at = RecordCodec.FRAME_HEADER_BYTES; at < frame.length; at++) {
            byte[] damaged = frame.clone();
            damaged[at] ^= 0x10;
            assertNull(RecordCodec.decode(ByteBuffer.wrap(damaged)), "a flipped bit at " + at);
        }
        byte[] badCrc = frame.clone();
        badCrc[5] ^= 0x01;
        assertNull(RecordCodec.decode(ByteBuffer.wrap(badCrc)));
    }

    @Test
    void shouldTakeATruncatedFrameForNoFrame() {
        byte[] frame = RecordCodec.encode(keyed());
        for (int length = 0; length < frame.length; length++) {
            assertNull(RecordCodec.decode(ByteBuffer.wrap(Arrays.copyOf(frame, length))), "cut at " + length);
        }
    }

    @Test
    void shouldTakeAnImpossibleLengthForNoFrame() {
        byte[] frame = RecordCodec.encode(keyed());
        ByteBuffer.wrap(frame).putInt(0, -1);
        assertNull(RecordCodec.decode(ByteBuffer.wrap(frame)));
        ByteBuffer.wrap(frame).putInt(0, RecordCodec.MAX_BODY_BYTES + 1);
        assertNull(RecordCodec.decode(ByteBuffer.wrap(frame)));
    }

    @Test
    void shouldReadFramesFromAFileAndStopAtATruncatedOne() throws IOException {
        Path file = dir.resolve("frames");
        byte[] first = RecordCodec.encode(keyed());
        byte[] second = RecordCodec.encode(SpoolRecord.of(bytes("second")));
        Files.write(file, first);
        Files.write(file, second, StandardOpenOption.APPEND);
        Files.write(file, Arrays.copyOf(first, first.length - 3), StandardOpenOption.APPEND);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            RecordCodec.Frame one = RecordCodec.read(channel, 0, size);
            assertEquals(keyed(), one.record());
            RecordCodec.Frame two = RecordCodec.read(channel, one.size(), size);
            assertEquals(SpoolRecord.of(bytes("second")), two.record());
            assertNull(RecordCodec.read(channel, one.size() + two.size(), size), "the record cut short");
            assertNull(RecordCodec.read(channel, 0, first.length - 1), "a frame beyond the limit");
        }
    }

    @Test
    void shouldReadABodyOfAnotherFormatAsAValueAlone() {
        // a spool written before keys and headers were kept holds the event JSON alone
        byte[] json = bytes("{\"eventId\":\"x\"}");
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(json);
        ByteBuffer frame = ByteBuffer.allocate(8 + json.length).putInt(json.length).putInt((int) crc.getValue()).put(json);
        frame.flip();
        assertEquals(SpoolRecord.of(json), RecordCodec.decode(frame).record());
    }

    @Test
    void shouldNeverPrintAValue() {
        SpoolRecord record = new SpoolRecord("c-1", Map.of(), bytes("secret-ish"));
        assertEquals(false, record.toString().contains("secret-ish"), record.toString());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
