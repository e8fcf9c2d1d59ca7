package io.apimeter.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apimeter.events.EventJson;
import io.apimeter.gateway.config.SmartfloConfig;
import io.apimeter.spool.RecordFile;
import io.apimeter.spool.SpoolRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Keeps every call placed through click-to-call before its client is answered: in the {@code smartflo_call} table,
 * or, when the database cannot take it, in a small local journal (a file of CRC-framed records, each written in one
 * append and synced to disk before the client is answered). A background task writes the journal's calls into the
 * table once the database is back, every {@code apimeter.gateway.smartflo.journal.replay-interval}. So no call that
 * Smartflo will bill is forgotten: its record finds it once it is in the table (until then the webhook answers 503,
 * which Smartflo retries), and reconciliation looks it up like any other.
 *
 * <p>After a failed write the database is not tried again for {@link #BACK_OFF}: calls placed meanwhile go to the
 * journal at once instead of each waiting for the database to fail. One journal directory per replica (a lock file
 * refuses a second process), on a disk that outlives the process, like the spool.
 */
@ApplicationScoped
public class SmartfloCallJournal {
    static final Duration BACK_OFF = Duration.ofSeconds(1);
    static final String JOURNAL = "placed-calls.journal";
    /** The journal being written into the table: renamed, so that calls placed meanwhile go to a new journal. */
    static final String REPLAYING = "placed-calls.replaying";
    private static final Logger LOG = Logger.getLogger(SmartfloCallJournal.class);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    /** Where a call was kept. */
    public enum Kept {
        DATABASE,
        JOURNAL
    }

    private final SmartfloCalls calls;
    private final Path dir;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Counter journaled;
    private final Counter lost;
    private final Object files = new Object();
    private RecordFile journal;
    private FileChannel lockChannel;
    private FileLock lock;
    private volatile long databaseFailedAt = System.nanoTime() - BACK_OFF.toNanos() - 1;
    private volatile long lastWarning = System.nanoTime() - WARN_EVERY.toNanos() - 1;

    public SmartfloCallJournal(SmartfloCalls calls, SmartfloConfig config, MeterRegistry registry) {
        this.calls = calls;
        this.dir = Path.of(config.journal().dir());
        this.journaled = Counter.builder("apimeter.gateway.smartflo.calls.journaled")
                .description("Smartflo calls placed while the database could not take them, kept in the local journal")
                .register(registry);
        this.lost = Counter.builder("apimeter.gateway.smartflo.calls.lost")
                .description("Smartflo calls placed that neither the database nor the journal could keep: not billed")
                .register(registry);
        Gauge.builder("apimeter.gateway.smartflo.journal.calls", pending, Set::size)
                .description("Calls in the local journal not yet written into the database").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
            if (lock == null) {
                throw new IllegalStateException("the Smartflo call journal in " + dir + " is used by another process;"
                        + " give each replica a directory of its own (apimeter.gateway.smartflo.journal.dir)");
            }
            synchronized (files) {
                journal = new RecordFile(dir.resolve(JOURNAL), true);
                for (String name : List.of(REPLAYING, JOURNAL)) {
                    RecordFile.readAll(dir.resolve(name)).forEach(record -> pending.add(record.key()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the Smartflo call journal in " + dir, e);
        }
        if (!pending.isEmpty()) {
            LOG.warnf("the Smartflo call journal in %s holds %d calls placed while the database was away; they are"
                    + " written into the database as soon as it can take them", dir, pending.size());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        synchronized (files) {
            try {
                if (journal != null) {
                    journal.close();
                }
                if (lock != null) {
                    lock.release();
                }
                if (lockChannel != null) {
                    lockChannel.close();
                }
            } catch (IOException e) {
                LOG.warnf("closing the Smartflo call journal: %s", e.toString());
            }
        }
    }

    /**
     * Keeps a call placed, in the database or else in the journal; on a worker thread, before the client is
     * answered.
     *
     * @throws IOException when neither could keep it (counted as lost and logged; the call will not be billed)
     */
    public Kept keep(SmartfloCalls.Placed call) throws IOException {
        if (System.nanoTime() - databaseFailedAt > BACK_OFF.toNanos()) {
            try {
                calls.placed(call);
                return Kept.DATABASE;
            } catch (RuntimeException e) {
                databaseFailedAt = System.nanoTime();
                warn("Smartflo calls placed go to the local journal in %s: the database cannot take them (%s)", dir,
                        e.toString());
            }
        }
        try {
            synchronized (files) {
                journal.append(new SpoolRecord(call.callId(), Map.of(), EventJson.mapper().writeValueAsBytes(
                        json(call))));
            }
        } catch (IOException | RuntimeException e) {
            lost.increment();
            LOG.errorf("Smartflo call %s of customer %s was placed, but neither the database nor the journal in %s"
                    + " could keep it: it will not be billed unless it is added by hand (%s)", call.callId(),
                    call.customerId(), dir, e.toString());
            throw e instanceof IOException io ? io : new IOException(e);
        }
        pending.add(call.callId());
        journaled.increment();
        return Kept.JOURNAL;
    }

    /** Whether the call is in this replica's journal, not yet in the database. */
    public boolean holds(String callId) {
        return pending.contains(callId);
    }

    /** Writes the journal's calls into the database, when it holds any; on the scheduler's worker thread. */
    @Scheduled(every = "${apimeter.gateway.smartflo.journal.replay-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void replayScheduled() {
        try {
            replay();
        } catch (IOException | RuntimeException e) {
            warn("the Smartflo call journal in %s is not written into the database yet: %s", dir, e.toString());
        }
    }

    /** Writes the journal's calls into the database; returns how many. Throws when it cannot (they stay). */
    public int replay() throws IOException {
        Path replaying = dir.resolve(REPLAYING);
        synchronized (files) {
            if (journal == null || !Files.exists(replaying) && !Files.exists(dir.resolve(JOURNAL))) {
                return 0;
            }
            if (!Files.exists(replaying)) {
                journal.close();
                Files.move(dir.resolve(JOURNAL), replaying, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        List<SmartfloCalls.Placed> placed = new ArrayList<>();
        for (SpoolRecord record : RecordFile.readAll(replaying)) {
            SmartfloCalls.Placed call = placed(record);
            if (call != null) {
                placed.add(call);
            }
        }
        calls.placedAll(placed);
        Files.delete(replaying);
        placed.forEach(call -> pending.remove(call.callId()));
        if (!placed.isEmpty()) {
            LOG.infof("%d Smartflo calls placed while the database was away were written into it from the journal",
                    placed.size());
        }
        return placed.size();
    }

    private static ObjectNode json(SmartfloCalls.Placed call) {
        ObjectNode node = EventJson.mapper().createObjectNode();
        node.put("callId", call.callId());
        node.put("customerId", call.customerId());
        node.put("apiKeyId", call.apiKeyId());
        node.put("placedAt", call.placedAt().toString());
        return node;
    }

    private static SmartfloCalls.Placed placed(SpoolRecord record) {
        try {
            JsonNode node = EventJson.mapper().readTree(record.value());
            return new SmartfloCalls.Placed(node.get("callId").asText(), node.get("customerId").asText(),
                    node.get("apiKeyId").asText(), Instant.parse(node.get("placedAt").asText()));
        } catch (IOException | RuntimeException e) {
            LOG.errorf("an unreadable entry in the Smartflo call journal (call %s) is skipped: %s", record.key(),
                    e.toString());
            return null;
        }
    }

    private void warn(String format, Object... args) {
        long now = System.nanoTime();
        if (now - lastWarning >= WARN_EVERY.toNanos()) {
            lastWarning = now;
            LOG.warnf(format, args);
        }
    }
}
