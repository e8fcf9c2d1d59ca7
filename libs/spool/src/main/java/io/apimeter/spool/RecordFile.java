package io.apimeter.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only file of records in the spool's framing ({@link RecordCodec}), for records set aside: those the
 * receiving end refused for good, kept so that nothing is lost and an operator can look at them or send them
 * again ({@link #readAll}). The file and its directory are created with the first record.
 *
 * <p>Thread safe.
 */
public final class RecordFile implements AutoCloseable {
    private final Path file;
    private final boolean fsync;
    private FileChannel channel;

    public RecordFile(Path file, boolean fsync) {
        this.file = file;
        this.fsync = fsync;
    }

    /**
     * Appends one record in one write (and, with fsync, waits for the disk).
     *
     * @throws IOException when the disk refuses it; the file stays as it was
     */
    public synchronized void append(SpoolRecord record) throws IOException {
        if (channel == null) {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.position(channel.size());
        }
        long before = channel.position();
        ByteBuffer frame = ByteBuffer.wrap(RecordCodec.encode(record));
        try {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
            if (fsync) {
                channel.force(false);
            }
        } catch (IOException e) {
            try {
                channel.truncate(before);
                channel.position(before);
            } catch (IOException ignored) {
                // readAll stops at the damaged tail
            }
            throw e;
        }
    }

    /** The file's path. */
    public Path path() {
        return file;
    }

    /** Every whole, undamaged record of a file, in order; none when there is no file. Stops at a damaged tail. */
    public static List<SpoolRecord> readAll(Path file) throws IOException {
        List<SpoolRecord> records = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long offset = 0;
            for (RecordCodec.Frame frame = RecordCodec.read(channel, 0, size); frame != null;
                 frame = RecordCodec.read(channel, offset, size)) {
                records.add(frame.record());
                offset += frame.size();
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return records;
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
