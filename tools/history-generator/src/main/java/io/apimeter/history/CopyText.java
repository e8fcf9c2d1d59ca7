package io.apimeter.history;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * Writes rows in the text format of PostgreSQL's COPY (columns separated by tabs, {@code \N} for null, one line a
 * row) straight into a {@link Chunk}'s bytes, without a String per value. The values written here never contain
 * a tab, a newline or a backslash (ids, model names and numbers the generator made), so nothing needs escaping.
 */
final class CopyText {
    private static final byte[] NULL = {'\\', 'N'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private Chunk chunk;
    private boolean first = true;
    /** The date part ({@code 2026-06-15 }) of the last day written, which most timestamps share. */
    private long cachedDay = Long.MIN_VALUE;
    private byte[] cachedDate;

    CopyText(Chunk chunk) {
        this.chunk = chunk;
    }

    Chunk chunk() {
        return chunk;
    }

    /** Continues in another chunk (after the previous one was handed on). */
    void use(Chunk next) {
        this.chunk = next;
        this.first = true;
    }

    private void separate() {
        if (first) {
            first = false;
        } else {
            chunk.bytes[chunk.length++] = '\t';
        }
    }

    /** Ends the row. */
    void endRow() {
        chunk.bytes[chunk.length++] = '\n';
        chunk.rows++;
        first = true;
    }

    CopyText nul() {
        separate();
        put(NULL);
        return this;
    }

    /** Plain ASCII bytes, or null. */
    CopyText bytes(byte[] value) {
        if (value == null) {
            return nul();
        }
        separate();
        put(value);
        return this;
    }

    CopyText text(String value) {
        return value == null ? nul() : bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    CopyText bool(boolean value) {
        separate();
        chunk.bytes[chunk.length++] = (byte) (value ? 't' : 'f');
        return this;
    }

    CopyText number(long value) {
        separate();
        digits(value);
        return this;
    }

    /** An int column that may be null: {@code 0} is written as null. */
    CopyText numberOrNull(int value) {
        return value == 0 ? nul() : number(value);
    }

    /** A UUID in its canonical form, 8-4-4-4-12 lowercase hex digits. */
    CopyText uuid(long msb, long lsb) {
        separate();
        hex(msb >>> 32, 8);
        chunk.bytes[chunk.length++] = '-';
        hex(msb >>> 16, 4);
        chunk.bytes[chunk.length++] = '-';
        hex(msb, 4);
        chunk.bytes[chunk.length++] = '-';
        hex(lsb >>> 48, 4);
        chunk.bytes[chunk.length++] = '-';
        hex(lsb, 12);
        return this;
    }

    /** A timestamptz from microseconds since the epoch: {@code 2026-06-15 09:41:07.123456+00}. */
    CopyText timestamp(long micros) {
        separate();
        long day = Math.floorDiv(micros, MICROS_PER_DAY);
        if (day != cachedDay) {
            cachedDay = day;
            cachedDate = (LocalDate.ofEpochDay(day) + " ").getBytes(StandardCharsets.US_ASCII);
        }
        put(cachedDate);
        long ofDay = Math.floorMod(micros, MICROS_PER_DAY);
        long seconds = ofDay / 1_000_000L;
        two((int) (seconds / 3600));
        chunk.bytes[chunk.length++] = ':';
        two((int) (seconds / 60 % 60));
        chunk.bytes[chunk.length++] = ':';
        two((int) (seconds % 60));
        chunk.bytes[chunk.length++] = '.';
        int fraction = (int) (ofDay % 1_000_000L);
        for (int i = chunk.length + 5; i >= chunk.length; i--) {
            chunk.bytes[i] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        chunk.length += 6;
        chunk.bytes[chunk.length++] = '+';
        chunk.bytes[chunk.length++] = '0';
        chunk.bytes[chunk.length++] = '0';
        return this;
    }

    private void put(byte[] value) {
        System.arraycopy(value, 0, chunk.bytes, chunk.length, value.length);
        chunk.length += value.length;
    }

    private void two(int value) {
        chunk.bytes[chunk.length++] = (byte) ('0' + value / 10);
        chunk.bytes[chunk.length++] = (byte) ('0' + value % 10);
    }

    private void hex(long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            chunk.bytes[chunk.length + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
        chunk.length += digits;
    }

    private void digits(long value) {
        if (value == Long.MIN_VALUE) {
            put(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
            return;
        }
        if (value < 0) {
            chunk.bytes[chunk.length++] = '-';
            value = -value;
        }
        int count = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            count++;
        }
        for (int i = chunk.length + count - 1; i >= chunk.length; i--) {
            chunk.bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        chunk.length += count;
    }
}
