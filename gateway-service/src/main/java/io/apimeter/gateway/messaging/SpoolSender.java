package io.apimeter.gateway.messaging;

import io.apimeter.common.messaging.RecordFailures;
import io.apimeter.spool.EventSpool;
import io.apimeter.spool.SpoolRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiPredicate;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * The one thread that sends what the spool holds, in the order it was appended. It sends a batch, waits
 * until the broker has acknowledged it, then commits the spool's position past the acknowledged records.
 * What the broker did not take is sent again, after a pause that grows while the broker stays away.
 *
 * <p>A record the broker refuses for good ({@link SendFailures#refusesRecord}: too large, invalid) would be
 * refused at every try and hold back every record behind it, for ever and across restarts: it is handed to
 * {@code setAside} (the dead-letter topic, or a file) and the position moves past it. Only when that fails too is
 * it tried again like a record the broker could not take.
 *
 * <p>A batch that would not be full is held back for the {@code linger} time first, so that under a steady
 * load the sender, the producer and the broker wake once per batch of many events rather than every few calls.
 * Appends wake the sender only when it sleeps for want of records.
 *
 * <p>A record can thus reach the broker twice (acknowledged, but the position not yet persisted when the
 * process stopped; or acknowledged after an earlier record of its batch failed): every consumer of the
 * events is idempotent on their id.
 */
final class SpoolSender implements Runnable {
    private static final Logger LOG = Logger.getLogger(SpoolSender.class);
    /** Below the default buffer of a Reactive Messaging emitter (256), so a batch always fits in it. */
    static final int BATCH_SIZE = 100;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Longer than the producer takes to give up on a record (max.block.ms plus delivery.timeout.ms). */
    static final Duration ACK_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    private static final Duration FAILURE_LOG_INTERVAL = Duration.ofMinutes(1);

    /** Hands one record to the broker; the stage completes when the broker has acknowledged it. */
    interface Transport {
        CompletionStage<Void> send(SpoolRecord record);
    }

    private final EventSpool spool;
    private final IntConsumer onSent;
    /** Keeps a refused record out of the way; false when it could not (it is then sent again later). */
    private final BiPredicate<SpoolRecord, Throwable> setAside;
    private volatile Transport transport;
    private volatile boolean running;
    private volatile boolean retryNow;
    private volatile Thread thread;
    /** True while the sender looks for records or waits for some: only then does an append need to wake it. */
    private volatile boolean idle;
    private final long lingerNanos;

    SpoolSender(EventSpool spool, Transport transport, BiPredicate<SpoolRecord, Throwable> setAside,
                IntConsumer onSent) {
        this(spool, transport, setAside, onSent, Duration.ZERO);
    }

    SpoolSender(EventSpool spool, Transport transport, BiPredicate<SpoolRecord, Throwable> setAside,
                IntConsumer onSent, Duration linger) {
        this.lingerNanos = linger.toNanos();
        this.spool = spool;
        this.transport = transport;
        this.setAside = setAside;
        this.onSent = onSent;
    }

    synchronized void start(String name) {
        if (thread != null) {
            return;
        }
        running = true;
        Thread started = new Thread(this, name);
        started.setDaemon(true);
        thread = started;
        started.start();
    }

    /**
     * Something was appended: send it now rather than at the next look, if the sender sleeps for want of records
     * (a sender that is busy or lingers finds it anyway). Does not cut a pause after a failure short.
     */
    void wake() {
        if (idle) {
            unpark();
        }
    }

    private void unpark() {
        Thread current = thread;
        if (current != null) {
            LockSupport.unpark(current);
        }
    }

    Transport transport() {
        return transport;
    }

    /** Replaces how records reach the broker and tries again at once (tests stand in for a broker that is away). */
    void useTransport(Transport replacement) {
        transport = replacement;
        retryNow = true;
        unpark();
    }

    /** Stops after the batch in flight, waiting at most {@code timeout}; what is left stays in the spool. */
    void stop(Duration timeout) {
        running = false;
        retryNow = true;
        Thread current = thread;
        if (current == null) {
            return;
        }
        unpark();
        try {
            current.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (current.isAlive()) {
            LOG.warnf("usage event sender still waiting for the broker after %d ms; %d events stay in the spool",
                    timeout.toMillis(), spool.waiting());
        }
    }

    @Override
    public void run() {
        Duration backoff = FIRST_BACKOFF;
        long failingSince = 0;
        long lastFailureLog = 0;
        boolean lingered = false;
        boolean emptyBefore = false;
        while (running) {
            List<EventSpool.Entry> batch;
            // Set before looking, so that an append after the look wakes the sleep below.
            idle = true;
            try {
                // While the broker is away, one event at a time probes for its return; nothing piles up in flight.
                batch = spool.read(spool.committed(), failingSince == 0 ? BATCH_SIZE : 1);
            } catch (Exception e) {
                LOG.errorf("cannot read the usage event spool in %s: %s", spool.dir(), e.toString());
                pause(MAX_BACKOFF);
                continue;
            }
            if (batch.isEmpty()) {
                if (emptyBefore) {
                    // Nothing to send for a while: now is the time to persist a position the commits held back.
                    flushPosition();
                }
                emptyBefore = true;
                LockSupport.parkNanos(IDLE_WAIT.toNanos());
                continue;
            }
            emptyBefore = false;
            idle = false;
            if (!lingered && lingerNanos > 0 && failingSince == 0 && batch.size() < BATCH_SIZE) {
                linger();
                lingered = true;
                continue;
            }
            lingered = false;
            Failure failure = sendBatch(batch);
            if (failure == null) {
                if (failingSince != 0) {
                    LOG.infof("the broker takes usage events again; %d still waiting in the spool", spool.waiting());
                    failingSince = 0;
                }
                backoff = FIRST_BACKOFF;
                continue;
            }
            long now = System.nanoTime();
            if (failingSince == 0 || now - lastFailureLog >= FAILURE_LOG_INTERVAL.toNanos()) {
                LOG.warnf("the broker did not take usage events (%s); %d events wait in the spool, retrying",
                        failure.cause, spool.waiting());
                lastFailureLog = now;
            }
            if (failingSince == 0) {
                failingSince = now;
            }
            pause(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private record Failure(String cause) {
    }

    /**
     * Sends the batch and commits the records that precede the first failure the broker may get over: those it
     * acknowledged and those it refused for good and that were set aside. Null when it went past every record.
     */
    private Failure sendBatch(List<EventSpool.Entry> batch) {
        Transport current = transport;
        List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
        for (EventSpool.Entry entry : batch) {
            CompletableFuture<Void> ack;
            try {
                ack = current.send(entry.record()).toCompletableFuture();
            } catch (RuntimeException e) {
                ack = CompletableFuture.failedFuture(e);
            }
            acks.add(ack);
        }
        try {
            // Wait for every record of the batch, failed or not, so nothing is still in flight when it is sent again.
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // counted below from the state of each acknowledgement
        }
        int passed = 0;
        int acked = 0;
        String cause = null;
        for (CompletableFuture<Void> ack : acks) {
            if (ack.isDone() && !ack.isCompletedExceptionally()) {
                acked++;
                passed++;
                continue;
            }
            if (!ack.isDone()) {
                cause = "no acknowledgement within " + ACK_TIMEOUT.toMinutes() + " minutes";
                break;
            }
            Throwable failure = failureOf(ack);
            if (!SendFailures.refusesRecord(failure)) {
                cause = RecordFailures.describe(failure);
                break;
            }
            if (!setAside.test(batch.get(passed).record(), failure)) {
                cause = "a record the broker refuses for good could not be set aside: "
                        + RecordFailures.describe(failure);
                break;
            }
            passed++;
        }
        if (passed > 0) {
            try {
                spool.commit(batch.get(passed - 1).next(), passed);
                if (acked > 0) {
                    onSent.accept(acked);
                }
            } catch (Exception e) {
                // The records were sent; they will be sent again, which consumers take as the same events.
                return new Failure("cannot persist the spool position: " + e);
            }
        }
        return cause == null ? null : new Failure(cause);
    }

    private static Throwable failureOf(CompletableFuture<Void> failed) {
        try {
            failed.join();
            return new IllegalStateException("unknown failure");
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    /** Waits the linger time for more records to join the batch; only a stop ends the wait early. */
    private void linger() {
        long deadline = System.nanoTime() + lingerNanos;
        while (running) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            LockSupport.parkNanos(left);
        }
    }

    private void flushPosition() {
        try {
            spool.flushPosition();
        } catch (Exception e) {
            // The records were sent; after a restart they are sent again, which consumers take as the same events.
            LOG.warnf("cannot persist the usage event spool position in %s: %s", spool.dir(), e.toString());
        }
    }

    /** Waits, unless the sender is stopped or told to retry at once; a mere append does not end the wait. */
    private void pause(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (running && !retryNow) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            LockSupport.parkNanos(left);
        }
        retryNow = false;
    }
}
