package io.apimeter.gateway.messaging;

import io.apimeter.common.messaging.DeadLetterHeaders;
import io.apimeter.common.messaging.RecordFailures;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.Topics;
import io.apimeter.spool.RecordFile;
import io.apimeter.spool.SpoolRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Sets aside a spooled usage event the broker refused for good ({@link SendFailures#refusesRecord}), so that the
 * events behind it go on: it is written to {@code usage-events-dlq} with its key, its headers and the
 * {@link DeadLetterHeaders} (group {@value #GROUP}, the reason, topic {@code usage-events}, the time; no partition
 * or offset, it never had any), from where {@code ./apimeter dlq list|replay usage-events} finds it. When the
 * dead-letter topic does not take it either, within {@link #DEAD_LETTER_TIMEOUT}, whatever the reason, it is
 * appended to the file {@code rejected/records} in the spool directory (read with {@link RecordFile#readAll}).
 * Either way it is counted ({@code apimeter_gateway_spool_rejected_total{to}}) and logged, without its body.
 *
 * <p>Only when neither took it (the disk refused the file too) does the sender keep it and try again.
 */
final class RejectedUsageEvents {
    private static final Logger LOG = Logger.getLogger(RejectedUsageEvents.class);
    /** The {@link DeadLetterHeaders#GROUP} of the gateway's dead letters: the service that gave up on them. */
    static final String GROUP = "gateway-service";
    /** Longer than the dead-letter channel takes to give up (max.block.ms plus delivery.timeout.ms). */
    static final Duration DEAD_LETTER_TIMEOUT = Duration.ofMinutes(1);
    static final String FILE = "rejected/records";

    private final SpoolSender.Transport deadLetters;
    private final RecordFile file;
    private final Counter toTopic;
    private final Counter toFile;

    RejectedUsageEvents(SpoolSender.Transport deadLetters, RecordFile file, MeterRegistry registry) {
        this.deadLetters = deadLetters;
        this.file = file;
        this.toTopic = Counter.builder("apimeter.gateway.spool.rejected").tag("to", "dead-letter-topic")
                .description("Spooled usage events the broker refused for good, written to usage-events-dlq")
                .register(registry);
        this.toFile = Counter.builder("apimeter.gateway.spool.rejected").tag("to", "file")
                .description("Spooled usage events the broker refused for good that usage-events-dlq did not take"
                        + " either, written to rejected/records in the spool directory")
                .register(registry);
    }

    /**
     * Keeps a refused record out of the way: true once the dead-letter topic acknowledged it or the file holds it;
     * false when neither took it (logged), and the sender must try again later.
     */
    boolean setAside(SpoolRecord record, Throwable refusal) {
        String why = RecordFailures.describe(refusal);
        String reason = "the broker refused it: " + why;
        SpoolRecord letter = letter(record, reason);
        String event = record.header(CloudEventHeaders.ID);
        String dlq = DeadLetterHeaders.topicFor(Topics.USAGE_EVENTS);
        Throwable dlqFailure;
        try {
            deadLetters.send(letter).toCompletableFuture().get(DEAD_LETTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            toTopic.increment();
            LOG.warnf("usage event %s of customer %s (%d bytes) went to %s, the broker refused it: %s", event,
                    record.key(), record.value().length, dlq, why);
            logBody(record);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dlqFailure = e;
        } catch (Exception e) {
            dlqFailure = e;
        }
        try {
            file.append(letter);
        } catch (Exception e) {
            LOG.errorf("usage event %s of customer %s was refused by the broker (%s), by %s (%s) and by the disk (%s);"
                    + " it stays in the spool, ahead of the events behind it, and is tried again", event,
                    record.key(), why, dlq, RecordFailures.describe(dlqFailure), e.toString());
            return false;
        }
        toFile.increment();
        LOG.errorf("usage event %s of customer %s (%d bytes) went to %s; the broker refused it (%s) and %s did not"
                + " take it either (%s)", event, record.key(), record.value().length, file.path(), why, dlq,
                RecordFailures.describe(dlqFailure));
        logBody(record);
        return true;
    }

    /** The record with the dead-letter headers added to its own. */
    static SpoolRecord letter(SpoolRecord record, String reason) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        record.headers().forEach((name, value) -> {
            if (!name.startsWith("apimeter-dlq-")) {
                headers.put(name, value);
            }
        });
        headers.put(DeadLetterHeaders.GROUP, bytes(GROUP));
        headers.put(DeadLetterHeaders.REASON, bytes(reason));
        headers.put(DeadLetterHeaders.TOPIC, bytes(Topics.USAGE_EVENTS));
        headers.put(DeadLetterHeaders.TIME, bytes(Instant.now().toString()));
        return new SpoolRecord(record.key(), headers, record.value());
    }

    private static void logBody(SpoolRecord record) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf("the usage event set aside: %s", new String(record.value(), StandardCharsets.UTF_8));
        }
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
