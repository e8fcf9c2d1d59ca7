package io.apimeter.gateway.messaging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.jboss.logging.Logger;

/**
 * An append-only spool of records on local disk, read in the order they were appended by one reader that
 * marks how far it got. Records live in numbered segment files ({@code 00000000000000000001.seg}, ...); each
 * record is its length, a CRC-32 of its bytes, and the bytes. The reader's position (segment and offset after
 * the last record it handed on) is kept in the file {@code position}, replaced atomically by {@link #commit}
 * at most once per {@code positionInterval} (and always before a segment is left, by {@link #flushPosition} and
 * on {@link #close}); a restarted spool reads on from there, so after a crash the records committed in the last
 * {@code positionInterval} are read again (at least once). A segment the reader has left is deleted.
 *
 * <p>The records appended last are also kept in memory (at most {@link #RECENT_BYTES} bytes of them), so the
 * reader, which usually follows the writer closely, gets them without reading the segment file back; the file
 * stays the source of truth for a restart and for a reader that fell behind. The spool keeps the array handed to
 * {@link #append}: the caller must not change it afterwards.
 *
 * <p>Appends are one write of the whole record to the file (no buffer inside the process), so a record the
 * spool took survives a crash of the process; with {@code fsync} it also survives a crash of the machine.
 * A record cut short by a crash is cut off when the spool opens again. The spool holds at most
 * {@code maxBytes} in its segment files: {@link #append} answers false for a record that does not fit.
 *
 * <p>Thread safety: any number of threads may append; one thread reads and commits.
 */
public final class EventSpool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventSpool.class);
    static final int HEADER_BYTES = 8;
    /** Far above the size of an event; a larger length in a record header means the record is damaged. */
    static final int MAX_RECORD_BYTES = 1 << 20;
    static final String SEGMENT_SUFFIX = ".seg";
    static final String POSITION_FILE = "position";
    /** Payload bytes of the records appended last that are kept in memory for the reader. */
    static final long RECENT_BYTES = 8L << 20;

    /** A place in the spool: a segment and a byte offset in it, always at the start of a record or the end. */
    public record Position(long segment, long offset) {
        @Override
        public String toString() {
            return segment + ":" + offset;
        }
    }

    /** One record read from the spool, and the position right after it. */
    public record Record(byte[] payload, Position next) {
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final boolean fsync;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /** Bytes of every segment file; guarded by {@code this}. */
    private final TreeMap<Long, Long> segmentSizes = new TreeMap<>();
    private long writeSegment;
    private FileChannel writer;
    private long writeOffset;
    private volatile long totalBytes;
    private volatile Position end;
    private volatile Position committed;
    /** The position last written to the position file, and when (System.nanoTime); only the reader's thread. */
    private volatile Position persisted;
    private long persistedAt;
    private final long positionIntervalNanos;
    /** The records appended last, in order, the last one ending at {@code end}; guarded by {@code this}. */
    private final ArrayDeque<Record> recent = new ArrayDeque<>();
    private long recentBytes;
    private final AtomicLong waiting = new AtomicLong();
    private boolean closed;

    private EventSpool(Path dir, long maxBytes, long segmentBytes, boolean fsync, long positionIntervalNanos,
                       FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.positionIntervalNanos = positionIntervalNanos;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens the spool in {@code dir} (created if missing), recovering what an earlier process left: records
     * after the persisted position are read again; a record cut short by a crash is dropped.
     *
     * @throws IllegalStateException when another process (or another spool of this one) uses the directory
     */
    public static EventSpool open(Path dir, long maxBytes, long segmentBytes, boolean fsync) throws IOException {
        return open(dir, maxBytes, segmentBytes, fsync, Duration.ZERO);
    }

    /**
     * As {@link #open(Path, long, long, boolean)}, persisting the reader's position at most once per
     * {@code positionInterval} (zero: on every commit).
     */
    public static EventSpool open(Path dir, long maxBytes, long segmentBytes, boolean fsync,
                                  Duration positionInterval) throws IOException {
        if (maxBytes < HEADER_BYTES || segmentBytes < HEADER_BYTES) {
            throw new IllegalArgumentException("spool sizes must be at least " + HEADER_BYTES + " bytes");
        }
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
                    + " each gateway replica needs a directory of its own");
        }
        EventSpool spool = new EventSpool(dir, maxBytes, Math.min(segmentBytes, maxBytes), fsync,
                positionInterval.toNanos(), lockChannel, lock);
        try {
            spool.recover();
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    private synchronized void recover() throws IOException {
        Position stored = readPosition();
        List<Long> segments = listSegments();
        long waitingRecords = 0;
        for (long segment : segments) {
            Path file = segmentFile(segment);
            if (stored != null && segment < stored.segment()) {
                Files.deleteIfExists(file);
                continue;
            }
            long from = stored != null && segment == stored.segment() ? stored.offset() : 0;
            Scan scan = scan(file, from);
            if (scan.validBytes < Files.size(file)) {
                LOG.warnf("spool segment %s ends in %d damaged bytes (a write cut short by a crash); cut off",
                        file, Files.size(file) - scan.validBytes);
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
        persisted = stored;
        persistedAt = System.nanoTime();
        totalBytes = segmentSizes.values().stream().mapToLong(Long::longValue).sum();
        movePastFinishedSegments();
        if (waitingRecords > 0) {
            LOG.infof("spool %s holds %d records not yet sent; sending from %s", dir, waitingRecords, committed);
        }
    }

    private record Scan(long validBytes, long recordsFrom) {
    }

    /** The bytes of whole, undamaged records at the start of the file, and how many records start at or after {@code from}. */
    private static Scan scan(Path file, long from) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long offset = 0;
            long records = 0;
            while (true) {
                byte[] payload = readRecord(channel, offset, size);
                if (payload == null) {
                    return new Scan(offset, records);
                }
                if (offset >= from) {
                    records++;
                }
                offset += HEADER_BYTES + payload.length;
            }
        }
    }

    /** The record at {@code offset}, or null when there is no whole, undamaged record there. */
    private static byte[] readRecord(FileChannel channel, long offset, long limit) throws IOException {
        if (offset + HEADER_BYTES > limit) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        readFully(channel, header, offset);
        header.flip();
        int length = header.getInt();
        int crc = header.getInt();
        if (length < 0 || length > MAX_RECORD_BYTES || offset + HEADER_BYTES + length > limit) {
            return null;
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(channel, payload, offset + HEADER_BYTES);
        byte[] bytes = payload.array();
        return crc32(bytes) == crc ? bytes : null;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long offset) throws IOException {
        long at = offset;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of spool segment");
            }
            at += read;
        }
    }

    /**
     * Appends one record. Answers false, writing nothing, when the spool has no room for it.
     *
     * @throws IOException when the disk refuses the write; the spool stays as it was
     */
    public synchronized boolean append(byte[] payload) throws IOException {
        if (closed) {
            throw new IOException("the spool is closed");
        }
        if (payload.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("a spool record holds at most " + MAX_RECORD_BYTES + " bytes");
        }
        int size = HEADER_BYTES + payload.length;
        if (totalBytes + size > maxBytes) {
            return false;
        }
        if (writeOffset > 0 && writeOffset + size > segmentBytes) {
            startSegment(writeSegment + 1);
        }
        ByteBuffer record = ByteBuffer.allocate(size);
        record.putInt(payload.length).putInt(crc32(payload)).put(payload).flip();
        try {
            while (record.hasRemaining()) {
                writer.write(record);
            }
            if (fsync) {
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
        writeOffset += size;
        segmentSizes.put(writeSegment, writeOffset);
        totalBytes += size;
        waiting.incrementAndGet();
        end = new Position(writeSegment, writeOffset);
        recent.addLast(new Record(payload, end));
        recentBytes += payload.length;
        while (recentBytes > RECENT_BYTES) {
            recentBytes -= recent.removeFirst().payload().length;
        }
        return true;
    }

    private void startSegment(long segment) throws IOException {
        if (writer != null) {
            if (fsync) {
                writer.force(true);
            }
            writer.close();
        }
        writer = FileChannel.open(segmentFile(segment), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        if (fsync) {
            forceDirectory();
        }
        writeSegment = segment;
        writeOffset = 0;
        segmentSizes.put(segment, 0L);
        end = new Position(segment, 0);
    }

    /**
     * Up to {@code max} records in order, starting at {@code from} (the committed position, or the position
     * after the last record of an earlier read).
     */
    public List<Record> read(Position from, int max) throws IOException {
        List<Record> kept = readRecent(from, max);
        if (kept != null) {
            return kept;
        }
        List<Record> records = new ArrayList<>();
        Position at = from;
        FileChannel channel = null;
        long channelSegment = -1;
        try {
            while (records.size() < max) {
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
                byte[] payload = readRecord(channel, at.offset(), limit);
                if (payload == null) {
                    throw new IOException("spool segment " + segmentFile(at.segment()) + " is damaged at offset "
                            + at.offset());
                }
                at = new Position(at.segment(), at.offset() + HEADER_BYTES + payload.length);
                records.add(new Record(payload, at));
            }
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
        return records;
    }

    /**
     * The records from {@code from} when the records kept in memory start there (dropping those before it), or
     * null when the reader is not where the kept records are (it is behind them, or at a segment's end).
     */
    private synchronized List<Record> readRecent(Position from, int max) {
        while (!recent.isEmpty() && compare(start(recent.peekFirst()), from) < 0) {
            recentBytes -= recent.removeFirst().payload().length;
        }
        if (recent.isEmpty()) {
            Position last = end;
            return from.equals(last) ? List.of() : null;
        }
        if (!start(recent.peekFirst()).equals(from)) {
            return null;
        }
        List<Record> records = new ArrayList<>(Math.min(max, recent.size()));
        for (Record record : recent) {
            if (records.size() >= max) {
                break;
            }
            records.add(record);
        }
        return records;
    }

    private static Position start(Record record) {
        return new Position(record.next().segment(), record.next().offset() - HEADER_BYTES - record.payload().length);
    }

    private static int compare(Position a, Position b) {
        int bySegment = Long.compare(a.segment(), b.segment());
        return bySegment != 0 ? bySegment : Long.compare(a.offset(), b.offset());
    }

    /**
     * Marks every record before {@code position} as handed on ({@code count} records since the last commit):
     * the position is persisted, and segments left behind are deleted.
     */
    public void commit(Position position, int count) throws IOException {
        committed = position;
        waiting.addAndGet(-count);
        if (persisted == null || position.segment() != persisted.segment()
                || System.nanoTime() - persistedAt >= positionIntervalNanos) {
            writePosition(position);
        }
        movePastFinishedSegments();
    }

    /** Persists the committed position if a commit has not yet; the reader calls it when it has nothing to read. */
    public void flushPosition() throws IOException {
        Position position = committed;
        if (persisted == null || !persisted.equals(position)) {
            writePosition(position);
        }
    }

    private void writePosition(Position position) throws IOException {
        Path tmp = dir.resolve(POSITION_FILE + ".tmp");
        Files.writeString(tmp, position.segment() + " " + position.offset() + "\n", StandardCharsets.US_ASCII);
        if (fsync) {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
        try {
            Files.move(tmp, dir.resolve(POSITION_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(POSITION_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        persisted = position;
        persistedAt = System.nanoTime();
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

    /** Bytes the segment files hold, sent or not (sent ones until their segment is deleted). */
    public long bytes() {
        return totalBytes;
    }

    public Path dir() {
        return dir;
    }

    /** The segment files, oldest first. */
    List<Long> listSegments() throws IOException {
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

    private Position readPosition() {
        try {
            String[] parts = Files.readString(dir.resolve(POSITION_FILE), StandardCharsets.US_ASCII).trim().split(" ");
            return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            // Reading from the oldest segment repeats records but never loses one.
            LOG.warnf("spool position in %s cannot be read (%s); reading from the oldest segment", dir, e.toString());
            return null;
        }
    }

    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not every platform can sync a directory; the file's own sync still holds
        }
    }

    private static int crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flushPosition();
        } catch (IOException e) {
            LOG.warnf("spool position in %s cannot be written (%s); records since the last one are sent again",
                    dir, e.toString());
        }
        try {
            if (writer != null) {
                if (fsync) {
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
