package io.apimeter.readbenchmark;

/**
 * Counts the records of CSV (RFC 4180) as its bytes go by, without keeping them: a record ends at a line feed
 * outside quotes; a line break inside a quoted field is part of the field. An escaped quote ({@code ""}) flips
 * the state twice, so needs no case of its own. A last record without a line break counts too.
 */
final class CsvRecords {
    private boolean quoted;
    private boolean open;
    private long complete;

    void add(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b == '"') {
                quoted = !quoted;
                open = true;
            } else if (b == '\n' && !quoted) {
                complete++;
                open = false;
            } else {
                open = true;
            }
        }
    }

    /** Records ended by a line feed so far. */
    long complete() {
        return complete;
    }

    /** Records so far, the last one counted even when no line feed ended it. */
    long total() {
        return complete + (open ? 1 : 0);
    }
}
