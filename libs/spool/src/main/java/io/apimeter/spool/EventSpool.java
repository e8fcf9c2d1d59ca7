package io.apimeter.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * An append-only spool of records on local disk, read in the order they were appended by one reader that marks
 * how far it got. Records ({@link SpoolRecord}: key, headers, value) live in numbered segment files
 * ({@code 00000000000000000001.seg}, ...), each framed by {@link RecordCodec} (length, CRC-32, body). The reader's
 * position is kept by a {@link PositionFile}, written by {@link #commit} at most once per
 * {@code positionInterval} (and always before a segment is left, by {@link #flushPosition} and on {@link #close});
 * a restarted spool reads on from there, so after a crash the records committed in the last
 * {@code positionInterval} are read again (at least once). A segment the reader has left is deleted.
 *
 * <p>The records appended last are also kept in memory ({@link RecentRecords}), so the reader, which usually
 * follows the writer closely, gets them without reading the segment file back; the file stays the source of truth
 * for a restart and for a reader that fell behind.
 *
 * <p>Appends are one write of the whole frame to the file (no buffer inside the process), so a record the spool
 * took survives a crash of the process; with {@code fsync} it also survives a crash of the machine. A record cut
 * short by a crash is cut off when the spool opens again. The spool holds at most {@code maxBytes} in its segment
 * files ({@link AppendResult#FULL} for a record that does not fit now) and never takes a record whose frame is
 * larger than {@code maxRecordBytes} ({@link AppendResult#TOO_LARGE}): keep that limit well under what the
 * receiving end takes, so that no record the spool took is refused for its size.
 *
 * <p>Thread safety: any number of threads may append; one thread reads and commits.
 */
public final class EventSpool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventSpool.class);
    static final String SEGMENT_SUFFIX = ".seg";
    /** The default largest frame: a quarter of Kafka's default max.request.size and message.max.bytes (1 MiB). */
    public static final int DEFAULT_MAX_RECORD_BYTES = 256 * 1024;
    /** Frame bytes of the records appended last that are kept in memory for the reader, by default. */
    public static final long DEFAULT_RECENT_BYTES = 8L << 20;

    /**
     * How a spool is opened.
     *
     * @param maxBytes         most bytes the segment files may hold
     * @param segmentBytes     size at which a new segment file is started
     * @param fsync            whether every append (and every position write) waits for the disk
     * @param positionInterval how often at most the reader's position is written (zero: at every commit)
     * @param maxRecordBytes   largest frame (length, CRC and body) an append takes
     * @param recentBytes      frame bytes of the last records kept in memory for the reader
     */
    public record Settings(long maxBytes, long segmentBytes, boolean fsync, Duration positionInterval,
                           int maxRecordBytes, long recentBytes) {
        public Settings {
            if (maxBytes < RecordCodec.FRAME_HEADER_BYTES || segmentBytes < RecordCodec.FRAME_HEADER_BYTES) {
                throw new IllegalArgumentException("spool sizes must be at least " + RecordCodec.FRAME_HEADER_BYTES
                        + " bytes");
            }
            if (maxRecordBytes <= RecordCodec.FRAME_HEADER_BYTES
                    || maxRecordBytes > RecordCodec.FRAME_HEADER_BYTES + RecordCodec.MAX_BODY_BYTES) {
                throw new IllegalArgumentException("a spool record may hold at most "
                        + (RecordCodec.FRAME_HEADER_BYTES + RecordCodec.MAX_BODY_BYTES) + " bytes, not " + maxRecordBytes);
            }
            if (positionInterval == null || positionInterval.isNegative()) {
                throw new IllegalArgumentException("positionInterval must be zero or more");
            }
        }

        /** Without fsync, writing the position at every commit, with the default record limit and memory. */
        public static Settings of(long maxBytes, long segmentBytes) {
            return new Settings(maxBytes, segmentBytes, false, Duration.ZERO, DEFAULT_MAX_RECORD_BYTES,
                    DEFAULT_RECENT_BYTES);
        }

        public Settings withFsync(boolean value) {
            return new Settings(maxBytes, segmentBytes, value, positionInterval, maxRecordBytes, recentBytes);
        }

        public Settings withPositionInterval(Duration value) {
            return new Settings(maxBytes, segmentBytes, fsync, value, maxRecordBytes, recentBytes);
        }

        public Settings withMaxRecordBytes(int value) {
            return new Settings(maxBytes, segmentBytes, fsync, positionInterval, value, recentBytes);
        }

        public Settings withRecentBytes(long value) {
            return new Settings(maxBytes, segmentBytes, fsync, positionInterval, maxRecordBytes, value);
        }
    }

    /** What became of an append. */
    public enum AppendResult {
        /** On disk (and, with fsync, synced): it will be read. */
        APPENDED,
        /** Not written: the spool holds {@code maxBytes} already; there is room again once the reader commits. */
        FULL,
        /** Not written, and never will be: its frame is larger than {@code maxRecordBytes}. */
        TOO_LARGE
    }

    /** One record read from the spool: where its frame starts, and the position right after it. */
    public record Entry(SpoolRecord record, Position start, Position next) {
        /** Bytes of its frame. */
        public int size() {
            return (int) (next.offset() - start.offset());
        }
    }

    private final Path dir;
    private final Settings settings;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final PositionFile positionFile;

    /** Bytes of every segment file; guarded by {@code this}. */
    private final TreeMap<Long, Long> segmentSizes = new TreeMap<>();
    private long writeSegment;
    private FileChannel writer;
    private long writeOffset;
    private volatile long totalBytes;
    private volatile Position end;
    private volatile Position committed;
    /** Guarded by {@code this}. */
    private final RecentRecords recent;
    private final AtomicLong waiting = new AtomicLong();
    private boolean closed;

    private EventSpool(Path dir, Settings settings, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.settings = settings;
        this.segmentBytes = Math.min(settings.segmentBytes(), settings.maxBytes());
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.positionFile = new PositionFile(dir, settings.fsync(), settings.positionInterval());
        this.recent = new RecentRecords(settings.recentBytes());
    }

    /** As {@link #open(Path, Settings)}, writing the position at every commit, with the default record limit. */
    public static EventSpool open(Path dir, long maxBytes, long segmentBytes, boolean fsync) throws IOException {
        return open(dir, Settings.of(maxBytes, segmentBytes).withFsync(fsync));
    }

    /** As {@link #open(Path, Settings)}, with the default record limit. */
    public static EventSpool open(Path dir, long maxBytes, long segmentBytes, boolean fsync,
                                  Duration positionInterval) throws IOException {
        return open(dir, Settings.of(maxBytes, segmentBytes).withFsync(fsync).withPositionInterval(positionInterval));
    }

    /**
     * Opens the spool in {@code dir} (created if missing), recovering what an earlier process left: records after
     * the persisted position are read again; a record cut short by a crash is dropped.
     *
     * @throws IllegalStateException when another process (or another spool of this one) uses the directory
     */
    public static EventSpool open(Path dir, Settings settings) throws IOException {
        Files.createDirectories(dir);
        FileChannel lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("the spool directory " + dir + " is in use by another process;"
                    + " each process needs a directory of its own");
        }
        EventSpool spool = new EventSpool(dir, settings, lockChannel, lock);
        try {
            spool.recover();
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    private synchronized void recover() throws IOException {
        Position stored = positionFile.load();
        long waitingRecords = 0;
        for (long segment : listSegments()) {
            Path file = segmentFile(segment);
            if (stored != null && segment < stored.segment()) {
                Files.deleteIfExists(file);
                continue;
            }
            long from = stored != null && segment == stored.segment() ? stored.offset() : 0;
            Scan scan = scan(file, from);
            long size = Files.size(file);
            if (scan.validBytes < size) {
                LOG.warnf("spool segment %s ends in %d damaged bytes (a write cut short by a crash); cut off",
                        file, size - scan.validBytes);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(scan.validBytes);
                }
            }
            segmentSizes.put(segment, scan.validBytes);
            waitingRecords += scan.recordsFrom;
        }
        long last = segmentSizes.isEmpty() ? 0 : segmentSizes.lastKey();
        long firstNew = Math.max(last, stored == null ? 0 : stored.segment()) + 1;
        // Writing always goes to a fresh segment, so a segment left by an earlier process is never appended to.
        startSegment(firstNew);
        Position start;
        if (stored != null && segmentSizes.containsKey(stored.segment())) {
            start = new Position(stored.segment(), Math.min(stored.offset(), segmentSizes.get(stored.segment())));
        } else {
            start = new Position(segmentSizes.firstKey(), 0);
        }
        waiting.set(waitingRecords);
        committed = start;
        totalBytes = segmentSizes.values().stream().mapToLong(Long::longValue).sum();
        movePastFinishedSegments();
        if (waitingRecords > 0) {
            LOG.infof("spool %s holds %d records not yet read; reading from %s", dir, waitingRecords, committed);
        }
    }

    private record Scan(long validBytes, long recordsFrom) {
    }

    /** The bytes of whole, undamaged frames at the start of the file, and how many start at or after {@code from}. */
    private static Scan scan(Path file, long from) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long offset = 0;
            long records = 0;
            while (true) {
                RecordCodec.Frame frame = RecordCodec.read(channel, offset, size);
                if (frame == null) {
                    return new Scan(offset, records);
                }
                if (offset >= from) {
                    records++;
                }
                offset += frame.size();
            }
        }
    }

    /** Appends a record of a value alone (no key, no headers). */
    public AppendResult append(byte[] value) throws IOException {
        return append(SpoolRecord.of(value));
    }

    /**
     * Appends one record; writes nothing unless the answer is {@link AppendResult#APPENDED}.
     *
     * @throws IOException when the disk refuses the write; the spool stays as it was
     */
    public AppendResult append(SpoolRecord record) throws IOException {
        // Encoded outside the lock: appending threads wait for each other only for the write itself.
        byte[] frame = RecordCodec.encode(record);
        if (frame.length > settings.maxRecordBytes()) {
            return AppendResult.TOO_LARGE;
        }
        synchronized (this) {
            if (closed) {
                throw new IOException("the spool is closed");
            }
            int size = frame.length;
            if (totalBytes + size > settings.maxBytes()) {
                return AppendResult.FULL;
            }
            if (writeOffset > 0 && writeOffset + size > segmentBytes) {
                startSegment(writeSegment + 1);
            }
            ByteBuffer buffer = ByteBuffer.wrap(frame);
            try {
                while (buffer.hasRemaining()) {
                    writer.write(buffer);
                }
                if (settings.fsync()) {
                    writer.force(false);
                }
            } catch (IOException e) {
                try {
                    writer.truncate(writeOffset);
                    writer.position(writeOffset);
                } catch (IOException ignored) {
                    // the damaged tail is cut off when the spool opens again
                }
                throw e;
            }
            Position start = new Position(writeSegment, writeOffset);
            writeOffset += size;
            segmentSizes.put(writeSegment, writeOffset);
            totalBytes += size;
            waiting.incrementAndGet();
            end = new Position(writeSegment, writeOffset);
            recent.add(new Entry(record, start, end));
            return AppendResult.APPENDED;
        }
    }

    private void startSegment(long segment) throws IOException {
        if (writer != null) {
            if (settings.fsync()) {
                writer.force(true);
            }
            writer.close();
        }
        writer = FileChannel.open(segmentFile(segment), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (settings.fsync()) {
            forceDirectory();
        }
        writeSegment = segment;
        writeOffset = 0;
        segmentSizes.put(segment, 0L);
        end = new Position(segment, 0);
    }

    /**
     * Up to {@code max} records in order, starting at {@code from} (the committed position, or the position after
     * the last record of an earlier read).
     */
    public List<Entry> read(Position from, int max) throws IOException {
        List<Entry> kept;
        synchronized (this) {
            kept = recent.from(from, max, end);
        }
        if (kept != null) {
            return kept;
        }
        List<Entry> entries = new ArrayList<>();
        Position at = from;
        FileChannel channel = null;
        long channelSegment = -1;
        try {
            while (entries.size() < max) {
                Position last = end;
                long limit;
                Long nextSegment;
                synchronized (this) {
                    Long size = segmentSizes.get(at.segment());
                    if (size == null) {
                        throw new IOException("spool segment " + at.segment() + " is gone");
                    }
                    limit = at.segment() == last.segment() ? last.offset() : size;
                    nextSegment = segmentSizes.higherKey(at.segment());
                }
                if (at.offset() >= limit) {
                    if (at.segment() >= last.segment() || nextSegment == null) {
                        break;
                    }
                    at = new Position(nextSegment, 0);
                    continue;
                }
                if (channelSegment != at.segment()) {
                    if (channel != null) {
                        channel.close();
                    }
                    channel = FileChannel.open(segmentFile(at.segment()), StandardOpenOption.READ);
                    channelSegment = at.segment();
                }
                RecordCodec.Frame frame = RecordCodec.read(channel, at.offset(), limit);
                if (frame == null) {
                    throw new IOException("spool segment " + segmentFile(at.segment()) + " is damaged at offset "
                            + at.offset());
                }
                Position next = new Position(at.segment(), at.offset() + frame.size());
                entries.add(new Entry(frame.record(), at, next));
                at = next;
            }
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
        return entries;
    }

    /**
     * Marks every record before {@code position} as handed on ({@code count} records since the last commit): the
     * position is persisted (at most once per interval), and segments left behind are deleted.
     */
    public void commit(Position position, int count) throws IOException {
        committed = position;
        waiting.addAndGet(-count);
        positionFile.saveIfDue(position);
        movePastFinishedSegments();
    }

    /** Persists the committed position if a commit has not yet; the reader calls it when it has nothing to read. */
    public void flushPosition() throws IOException {
        positionFile.flush(committed);
    }

    /** Deletes the segments before the committed position, and any finished segment it stands at the end of. */
    private void movePastFinishedSegments() throws IOException {
        List<Long> delete = new ArrayList<>();
        synchronized (this) {
            Position at = committed;
            while (at.segment() != writeSegment && at.offset() >= segmentSizes.getOrDefault(at.segment(), 0L)) {
                Long next = segmentSizes.higherKey(at.segment());
                at = new Position(next, 0);
            }
            committed = at;
            for (Map.Entry<Long, Long> segment : segmentSizes.headMap(at.segment()).entrySet()) {
                delete.add(segment.getKey());
                totalBytes -= segment.getValue();
            }
            delete.forEach(segmentSizes::remove);
        }
        for (long segment : delete) {
            Files.deleteIfExists(segmentFile(segment));
        }
    }

    /** Where the reader stands: the first record not yet handed on. */
    public Position committed() {
        return committed;
    }

    /** Records appended and not yet committed. */
    public long waiting() {
        return waiting.get();
    }

    /** Bytes the segment files hold, read or not (read ones until their segment is deleted). */
    public long bytes() {
        return totalBytes;
    }

    /** The largest frame an append takes. */
    public int maxRecordBytes() {
        return settings.maxRecordBytes();
    }

    public Path dir() {
        return dir;
    }

    /** The segment files, oldest first. */
    public List<Long> listSegments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(SEGMENT_SUFFIX) && n.length() == 20 + SEGMENT_SUFFIX.length())
                    .map(n -> Long.parseLong(n.substring(0, 20)))
                    .sorted()
                    .toList();
        }
    }

    private Path segmentFile(long segment) {
        return dir.resolve(String.format("%020d%s", segment, SEGMENT_SUFFIX));
    }

    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not every platform can sync a directory; the file's own sync still holds
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (committed != null) {
                flushPosition();
            }
        } catch (IOException e) {
            LOG.warnf("spool position in %s cannot be written (%s); records since the last one are read again",
                    dir, e.toString());
        }
        try {
            if (writer != null) {
                if (settings.fsync()) {
                    writer.force(true);
                }
                writer.close();
            }
        } finally {
            try {
                lock.release();
            } finally {
                lockChannel.close();
            }
        }
    }
}
