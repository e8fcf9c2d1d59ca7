package io.apimeter.spool;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * How a {@link SpoolRecord} is written to disk: a frame of the body's length (4 bytes), a CRC-32 of the body (4
 * bytes) and the body. The body of format 1 is
 * <pre>
 *   byte   1 (the format)
 *   int    key length, -1 for no key; the key, UTF-8
 *   int    header count; each header: int name length, name (UTF-8), int value length (-1 for null), value
 *   int    value length; the value
 * </pre>
 * all integers big-endian. A body that is not of format 1 is read as a value alone (no key, no headers): that is
 * what spools written before keys and headers were kept hold (a JSON event, which starts with <code>{</code>).
 *
 * <p>A frame is whole and undamaged when its length is at most {@link #MAX_BODY_BYTES}, all its bytes are there,
 * and the CRC matches; anything else (a write cut short by a crash, a damaged disk block) reads as no frame.
 */
public final class RecordCodec {
    /** Length and CRC-32 in front of every body. */
    public static final int FRAME_HEADER_BYTES = 8;
    /**
     * The largest body a frame may have; a larger length in a frame header means the frame is damaged. It is also
     * the largest {@link EventSpool.Settings#maxRecordBytes()} a spool may be opened with.
     */
    public static final int MAX_BODY_BYTES = 1 << 20;
    static final byte FORMAT = 1;

    private RecordCodec() {
    }

    /** A whole frame read back: the record, and how many bytes the frame takes (header included). */
    public record Frame(SpoolRecord record, int size) {
    }

    /** The whole frame of a record: length, CRC and body. */
    public static byte[] encode(SpoolRecord record) {
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        int bodySize = 1 + 4 + (key == null ? 0 : key.length) + 4;
        byte[][] names = new byte[record.headers().size()][];
        int i = 0;
        for (Map.Entry<String, byte[]> header : record.headers().entrySet()) {
            names[i] = header.getKey().getBytes(StandardCharsets.UTF_8);
            bodySize += 4 + names[i].length + 4 + (header.getValue() == null ? 0 : header.getValue().length);
            i++;
        }
        bodySize += 4 + record.value().length;
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES + bodySize);
        frame.position(FRAME_HEADER_BYTES);
        frame.put(FORMAT);
        putBytes(frame, key);
        frame.putInt(names.length);
        i = 0;
        for (byte[] value : record.headers().values()) {
            putBytes(frame, names[i++]);
            putBytes(frame, value);
        }
        putBytes(frame, record.value());
        byte[] bytes = frame.array();
        frame.putInt(0, bodySize).putInt(4, crc32(bytes, FRAME_HEADER_BYTES, bodySize));
        return bytes;
    }

    private static void putBytes(ByteBuffer buffer, byte[] bytes) {
        if (bytes == null) {
            buffer.putInt(-1);
        } else {
            buffer.putInt(bytes.length).put(bytes);
        }
    }

    /** The frame at the buffer's position, or null when there is no whole, undamaged frame there. */
    public static Frame decode(ByteBuffer buffer) {
        if (buffer.remaining() < FRAME_HEADER_BYTES) {
            return null;
        }
        int at = buffer.position();
        int length = buffer.getInt(at);
        int crc = buffer.getInt(at + 4);
        if (length < 0 || length > MAX_BODY_BYTES || length > buffer.remaining() - FRAME_HEADER_BYTES) {
            return null;
        }
        byte[] body = new byte[length];
        buffer.get(at + FRAME_HEADER_BYTES, body);
        if (crc32(body, 0, length) != crc) {
            return null;
        }
        return new Frame(decodeBody(body), FRAME_HEADER_BYTES + length);
    }

    /**
     * The frame at {@code offset} of the file, reading no further than {@code limit}; null when there is no whole,
     * undamaged frame there.
     */
    public static Frame read(FileChannel channel, long offset, long limit) throws IOException {
        if (offset + FRAME_HEADER_BYTES > limit) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER_BYTES);
        readFully(channel, header, offset);
        int length = header.getInt(0);
        int crc = header.getInt(4);
        if (length < 0 || length > MAX_BODY_BYTES || offset + FRAME_HEADER_BYTES + length > limit) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body, offset + FRAME_HEADER_BYTES);
        byte[] bytes = body.array();
        if (crc32(bytes, 0, length) != crc) {
            return null;
        }
        return new Frame(decodeBody(bytes), FRAME_HEADER_BYTES + length);
    }

    /**
     * The record a body whose CRC matched holds. A body not of format 1, or one that does not parse as format 1
     * (which its matching CRC makes all but impossible), is a value alone: the reader gets it and can judge it,
     * rather than the spool cutting it and everything after it off.
     */
    static SpoolRecord decodeBody(byte[] body) {
        if (body.length == 0 || body[0] != FORMAT) {
            return SpoolRecord.of(body);
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(body);
            buffer.get();
            byte[] key = getBytes(buffer);
            int count = buffer.getInt();
            if (count < 0 || count > buffer.remaining() / 8) {
                return SpoolRecord.of(body);
            }
            Map<String, byte[]> headers = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                byte[] name = getBytes(buffer);
                if (name == null) {
                    return SpoolRecord.of(body);
                }
                headers.put(new String(name, StandardCharsets.UTF_8), getBytes(buffer));
            }
            byte[] value = getBytes(buffer);
            if (value == null || buffer.hasRemaining()) {
                return SpoolRecord.of(body);
            }
            return new SpoolRecord(key == null ? null : new String(key, StandardCharsets.UTF_8), headers, value);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return SpoolRecord.of(body);
        }
    }

    private static byte[] getBytes(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalArgumentException("length " + length + " beyond the body");
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long offset) throws IOException {
        long at = offset;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of spool file");
            }
            at += read;
        }
    }

    private static int crc32(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
