package io.apimeter.spool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The records appended last, kept in memory (at most {@code capacityBytes} of their frames), so that a reader that
 * follows the writer closely gets them without reading the segment file back. The file stays the source of truth:
 * a reader that is not where the kept records are reads from it.
 *
 * <p>Not thread safe: the spool guards it.
 */
final class RecentRecords {
    private final long capacityBytes;
    private final ArrayDeque<EventSpool.Entry> entries = new ArrayDeque<>();
    private long bytes;
    /** The position after the last entry dropped: the first kept entry follows it, even across a segment end. */
    private Position afterDropped;

    RecentRecords(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /** Keeps an entry just appended (it follows the one kept last), dropping the oldest beyond the capacity. */
    void add(EventSpool.Entry entry) {
        entries.addLast(entry);
        bytes += entry.size();
        while (bytes > capacityBytes && !entries.isEmpty()) {
            drop();
        }
    }

    private void drop() {
        EventSpool.Entry dropped = entries.removeFirst();
        bytes -= dropped.size();
        afterDropped = dropped.next();
    }

    /**
     * Up to {@code max} entries from {@code from} when the kept ones start there (dropping those before it, which
     * the reader is past), an empty list when the reader is at {@code end} and nothing is kept, or null when the
     * reader is not where the kept entries are (behind them): it reads from the file then. A reader at the end of
     * a segment stands where the first entry of the next segment starts.
     */
    List<EventSpool.Entry> from(Position from, int max, Position end) {
        while (!entries.isEmpty() && entries.peekFirst().start().compareTo(from) < 0) {
            drop();
        }
        if (entries.isEmpty()) {
            return from.equals(end) ? List.of() : null;
        }
        if (!entries.peekFirst().start().equals(from) && !from.equals(afterDropped)) {
            return null;
        }
        List<EventSpool.Entry> read = new ArrayList<>(Math.min(max, entries.size()));
        for (EventSpool.Entry entry : entries) {
            if (read.size() >= max) {
                break;
            }
            read.add(entry);
        }
        return read;
    }

    /** Frame bytes kept. */
    long bytes() {
        return bytes;
    }
}
