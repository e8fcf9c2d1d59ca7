package io.apimeter.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.postgresql.copy.CopyIn;

/**
 * Streams the generated rows into usage_log: one thread makes them into chunks of COPY text while one
 * {@code COPY usage_log FROM STDIN} per connection takes chunks as they come, each on a thread of its own, so the
 * server parses and indexes on as many cores as there are connections. Nothing is committed here.
 */
final class UsageLogCopy {
    private static final int CHUNK_BYTES = 1 << 20;

    private UsageLogCopy() {
    }

    /**
     * Generates and copies every row; {@code progress} is called about every 200 ms with the rows sent so far.
     * Returns the rows the server took.
     *
     * @throws SQLException          the server refused (every copy is cancelled)
     * @throws IllegalStateException generating the rows failed (a bug: every copy is cancelled)
     */
    static long copy(List<Connection> connections, CallHistory history, Customers customers, MonthlyTotals totals,
                     LongConsumer progress) throws SQLException, InterruptedException {
        ChunkPipe pipe = new ChunkPipe(CHUNK_BYTES, connections.size());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong sent = new AtomicLong();
        AtomicLong copied = new AtomicLong();
        List<CopyIn> copies = new ArrayList<>();
        try {
            for (Connection connection : connections) {
                copies.add(Databases.copyIn(connection, "usage_log", UsageLogRows.COLUMNS));
            }
        } catch (SQLException e) {
            copies.forEach(UsageLogCopy::cancel);
            throw e;
        }
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            try {
                UsageLogRows rows = new UsageLogRows(customers, totals, pipe, pipe.first());
                history.generate(rows);
                rows.finish();
            } catch (ChunkPipe.Aborted e) {
                // a copy failed; it says why
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                pipe.abort();
            }
        }, "history-rows"));
        for (int i = 0; i < copies.size(); i++) {
            CopyIn copy = copies.get(i);
            threads.add(new Thread(() -> {
                try {
                    for (Chunk chunk = pipe.next(); chunk != null; chunk = pipe.next()) {
                        copy.writeToCopy(chunk.bytes, 0, chunk.length);
                        sent.addAndGet(chunk.rows);
                        pipe.recycle(chunk);
                    }
                    copied.addAndGet(copy.endCopy());
                } catch (ChunkPipe.Aborted e) {
                    cancel(copy);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    pipe.abort();
                    cancel(copy);
                }
            }, "history-copy-" + (i + 1)));
        }
        for (Thread thread : threads) {
            thread.setDaemon(true);
            thread.start();
        }
        try {
            for (Thread thread : threads) {
                while (thread.isAlive()) {
                    thread.join(200);
                    progress.accept(sent.get());
                }
            }
        } catch (InterruptedException e) {
            pipe.abort();
            throw e;
        }
        Throwable failed = failure.get();
        if (failed instanceof SQLException sql) {
            throw sql;
        }
        if (failed != null) {
            throw new IllegalStateException("generating or copying the rows failed", failed);
        }
        return copied.get();
    }

    static void cancel(CopyIn copy) {
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException e) {
            // the transaction is rolled back with its connection anyway
        }
    }
}
