package io.apimeter.history;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Chunks from the generating thread to the copying ones, through a bounded queue, and back empty through a
 * second one: a fixed set of buffers, so the generator runs ahead by a few chunks only and memory stays flat.
 * Any side can {@link #abort()} the others, which then stop within a fraction of a second.
 */
final class ChunkPipe implements UsageLogRows.Handoff {
    private static final Chunk END = new Chunk(0);
    private static final int WAITING = 4;

    private final BlockingQueue<Chunk> full;
    private final BlockingQueue<Chunk> empty;
    private volatile boolean aborted;

    /**
     * @param chunkBytes size of a chunk
     * @param copiers    threads taking chunks, each holding one while it writes it
     */
    ChunkPipe(int chunkBytes, int copiers) {
        // one being filled, one being written by each copier, up to WAITING waiting in between: when all are in
        // use, the generator waits for an empty one
        int chunks = 1 + copiers + WAITING;
        full = new ArrayBlockingQueue<>(chunks + 1);
        empty = new ArrayBlockingQueue<>(chunks);
        for (int i = 0; i < chunks; i++) {
            empty.add(new Chunk(chunkBytes));
        }
    }

    /** The first chunk to fill. */
    Chunk first() throws InterruptedException {
        return take(empty);
    }

    @Override
    public Chunk exchange(Chunk filled) throws InterruptedException {
        put(filled);
        return take(empty);
    }

    @Override
    public void finish(Chunk last) throws InterruptedException {
        if (last.rows > 0) {
            put(last);
        }
        put(END);
    }

    /** The next full chunk to write; null once the generator has finished (every copier gets null then). */
    Chunk next() throws InterruptedException {
        Chunk chunk = take(full);
        if (chunk == END) {
            put(END); // for the other copiers
            return null;
        }
        return chunk;
    }

    /** Gives a written chunk back to be filled again. */
    void recycle(Chunk chunk) {
        chunk.clear();
        empty.offer(chunk);
    }

    /** Stops the other sides: their next wait throws {@link Aborted}. */
    void abort() {
        aborted = true;
    }

    private void put(Chunk chunk) throws InterruptedException {
        while (!full.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
            if (aborted) {
                throw new Aborted();
            }
        }
    }

    private Chunk take(BlockingQueue<Chunk> queue) throws InterruptedException {
        while (true) {
            if (aborted) {
                throw new Aborted();
            }
            Chunk chunk = queue.poll(100, TimeUnit.MILLISECONDS);
            if (chunk != null) {
                return chunk;
            }
        }
    }

    /** Another side gave up; it reports why. */
    static final class Aborted extends RuntimeException {
        Aborted() {
            super("aborted", null, false, false);
        }
    }
}
