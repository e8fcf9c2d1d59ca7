package io.apimeter.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The reader's place in the spool, in the file {@code position} ({@code "<segment> <offset>\n"}), replaced
 * atomically (written to {@code position.tmp}, then moved). Written at most once per interval, except that a new
 * segment is always written at once, so that a segment the reader left can be deleted.
 */
public final class PositionFile {
    private static final Logger LOG = Logger.getLogger(PositionFile.class);
    static final String NAME = "position";

    private final Path dir;
    private final boolean fsync;
    private final long intervalNanos;
    /** The position last written, and when (System.nanoTime). */
    private Position saved;
    private long savedAt;

    public PositionFile(Path dir, boolean fsync, Duration interval) {
        this.dir = dir;
        this.fsync = fsync;
        this.intervalNanos = interval.toNanos();
    }

    /**
     * The stored position, or null when there is none. One that cannot be read is logged and taken as none:
     * reading from the oldest segment repeats records but never loses one.
     */
    public synchronized Position load() {
        try {
            String[] parts = Files.readString(dir.resolve(NAME), StandardCharsets.US_ASCII).trim().split(" ");
            saved = new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NoSuchFileException e) {
            saved = null;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("spool position in %s cannot be read (%s); reading from the oldest segment", dir, e.toString());
            saved = null;
        }
        savedAt = System.nanoTime();
        return saved;
    }

    /** Writes the position when the interval has passed since the last write, or it is in another segment. */
    public synchronized void saveIfDue(Position position) throws IOException {
        if (saved == null || position.segment() != saved.segment() || System.nanoTime() - savedAt >= intervalNanos) {
            save(position);
        }
    }

    /** Writes the position unless it is the one last written. */
    public synchronized void flush(Position position) throws IOException {
        if (saved == null || !saved.equals(position)) {
            save(position);
        }
    }

    /** Writes the position now. */
    public synchronized void save(Position position) throws IOException {
        Path tmp = dir.resolve(NAME + ".tmp");
        Files.writeString(tmp, position.segment() + " " + position.offset() + "\n", StandardCharsets.US_ASCII);
        if (fsync) {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
        try {
            Files.move(tmp, dir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
        }
        saved = position;
        savedAt = System.nanoTime();
    }

    /** The position last written or loaded; null when there is none. */
    public synchronized Position saved() {
        return saved;
    }
}
