package io.apimeter.gateway.messaging;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.apimeter.common.messaging.MessageTracing;
import io.apimeter.events.Channels;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.events.UsageEvent;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.spool.EventSpool;
import io.apimeter.spool.RecordFile;
import io.apimeter.spool.SpoolRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.InvalidRecordException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Publishes one UsageEvent per metered call to {@code usage-events}, keyed on the customer, without ever
 * making the call wait for the broker: the event, with its key and CloudEvents headers, is appended to a local
 * spool on disk, and a single background sender passes the spool on to the broker in order (acks=all, idempotent
 * producer), marking its place only once the broker has acknowledged. While the broker is away, events wait in the
 * spool; a restarted gateway sends what its spool still holds. An event the broker refuses for good goes to
 * {@code usage-events-dlq} (or a file) instead of holding back the events behind it ({@link RejectedUsageEvents}).
 *
 * <p>With tracing on, each event gets a PRODUCER span {@code "usage-events publish"}, child of the call's server
 * span, ending once the event is in the spool; its context goes into the record's headers ({@code traceparent},
 * {@code tracestate}), which the spool keeps with the event, so an event sent after a broker outage still carries
 * the context of the call that made it.
 */
@ApplicationScoped
public class UsageEventPublisher {
    static final String SOURCE = "apimeter/gateway-service";
    /** The channel of {@code usage-events-dlq}, for the events the broker refused for good. */
    static final String DEAD_LETTER_CHANNEL = "usage-events-dlq-out";
    /**
     * The largest spool record (key, headers, event JSON and framing): a quarter of the producer's
     * {@code max.request.size} and of the topic's {@code max.message.bytes} (1 MiB each), so that no event the spool
     * took is refused for its size. An event is a few hundred bytes.
     */
    static final int MAX_RECORD_BYTES = EventSpool.DEFAULT_MAX_RECORD_BYTES;
    private static final Logger LOG = Logger.getLogger(UsageEventPublisher.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final long DROP_LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

    private final Emitter<String> emitter;
    private final Emitter<String> deadLetterEmitter;
    private final EventSpool spool;
    private final RecordFile rejectedFile;
    private final SpoolSender sender;
    private final long maxBytes;
    private final Counter published;
    private final Counter spooled;
    private final Counter failed;
    private final Counter tooLarge;
    private final MessageTracing tracing;
    private final AtomicLong droppedSinceLog = new AtomicLong();
    private volatile long lastDropLog = System.nanoTime() - DROP_LOG_INTERVAL_NANOS;

    public UsageEventPublisher(@Channel(Channels.USAGE_EVENTS_OUT) Emitter<String> emitter,
                               @Channel(DEAD_LETTER_CHANNEL) Emitter<String> deadLetterEmitter,
                               MeterRegistry registry, GatewayConfig config, MessageTracing tracing) {
        this.emitter = emitter;
        this.tracing = tracing;
        this.deadLetterEmitter = deadLetterEmitter;
        GatewayConfig.Spool settings = config.spool();
        this.maxBytes = settings.maxBytes().asLongValue();
        try {
            this.spool = EventSpool.open(Path.of(settings.dir()),
                    EventSpool.Settings.of(maxBytes, settings.segmentBytes().asLongValue())
                            .withFsync(settings.fsync())
                            .withPositionInterval(settings.positionInterval())
                            .withMaxRecordBytes(MAX_RECORD_BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the usage event spool in " + settings.dir(), e);
        }
        this.rejectedFile = new RecordFile(spool.dir().resolve(RejectedUsageEvents.FILE), settings.fsync());
        this.published = Counter.builder("apimeter.gateway.usage.events").tag("result", "published")
                .description("Usage events the broker acknowledged").register(registry);
        this.spooled = Counter.builder("apimeter.gateway.usage.events").tag("result", "spooled")
                .description("Usage events written to the local spool, to be sent to the broker").register(registry);
        this.failed = Counter.builder("apimeter.gateway.usage.events").tag("result", "failed")
                .description("Usage events lost: the spool was full, the disk refused them, or they were larger than"
                        + " a spool record may be").register(registry);
        this.tooLarge = Counter.builder("apimeter.gateway.usage.events.too.large")
                .description("Usage events larger than a spool record may be, never spooled (also counted as failed)")
                .register(registry);
        Gauge.builder("apimeter.gateway.usage.events.waiting", spool, EventSpool::waiting)
                .description("Usage events in the spool that the broker has not acknowledged yet").register(registry);
        Gauge.builder("apimeter.gateway.usage.spool.bytes", spool, EventSpool::bytes).baseUnit("bytes")
                .description("Bytes the usage event spool holds on disk").register(registry);
        RejectedUsageEvents rejected = new RejectedUsageEvents(this::sendDeadLetter, rejectedFile, registry);
        this.sender = new SpoolSender(spool, this::send, rejected::setAside, published::increment,
                settings.sendLinger());
    }

    void onStart(@Observes StartupEvent event) {
        sender.start("usage-event-sender");
    }

    void onStop(@Observes ShutdownEvent event) {
        sender.stop(STOP_TIMEOUT);
        try {
            spool.close();
            rejectedFile.close();
        } catch (IOException e) {
            LOG.warnf("closing the usage event spool: %s", e.toString());
        }
    }

    /**
     * Appends the event, with its key and CloudEvents headers, to the spool for sending; returns at once. Returns
     * false when the event could not be kept (spool full, disk failure, an event larger than a spool record may be):
     * it is then counted as failed and logged, and the call goes on.
     */
    public boolean publish(UsageEvent event) {
        Span span = tracing.startPublish(Topics.USAGE_EVENTS, event.eventId(), event.customerId());
        String reason = append(event, span);
        if (reason != null) {
            span.setStatus(StatusCode.ERROR, "usage event lost");
            dropped(event, reason);
        }
        span.end();
        return reason == null;
    }

    /** Appends the event to the spool with its key and headers; null when it is in, else why it is not. */
    private String append(UsageEvent event, Span span) {
        SpoolRecord record;
        try {
            Map<String, byte[]> headers = CloudEventHeaders.of(event, SOURCE);
            if (span.isRecording()) {
                span.setAttribute("apimeter.customer_id", event.customerId());
                span.setAttribute("apimeter.provider", String.valueOf(event.provider()));
                span.setAttribute("apimeter.operation", event.operation());
                if (event.model() != null) {
                    span.setAttribute("apimeter.model", event.model());
                }
                span.setAttribute("apimeter.outcome", String.valueOf(event.outcome()));
            }
            tracing.inject(span, headers);
            record = new SpoolRecord(event.customerId(), headers, EventJson.mapper().writeValueAsBytes(event));
        } catch (IOException | RuntimeException e) {
            return "it cannot be written as a record: " + e.getMessage();
        }
        String reason;
        try {
            switch (spool.append(record)) {
                case APPENDED -> {
                    spooled.increment();
                    sender.wake();
                    return null;
                }
                case FULL -> reason = "the spool in " + spool.dir() + " is full (" + maxBytes + " bytes)";
                case TOO_LARGE -> {
                    tooLarge.increment();
                    reason = "it is larger than a spool record may be (" + record.value().length + " bytes of JSON, at"
                            + " most " + spool.maxRecordBytes() + " bytes with key and headers)";
                }
                default -> throw new IllegalStateException("unknown append result");
            }
        } catch (IOException | RuntimeException e) {
            reason = "the spool in " + spool.dir() + " cannot be written: " + e;
        }
        return reason;
    }

    /** Every dropped event is counted; the log names it, or sums up the drops when many come at once. */
    private void dropped(UsageEvent event, String reason) {
        failed.increment();
        long dropped = droppedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastDropLog >= DROP_LOG_INTERVAL_NANOS) {
            lastDropLog = now;
            droppedSinceLog.addAndGet(-dropped);
            LOG.errorf("usage event %s of customer %s is lost: %s (%d usage events lost since the last report)",
                    event.eventId(), event.customerId(), reason, dropped);
        }
    }

    /**
     * Sends one spooled event through the emitter; the stage completes when the broker has acknowledged it. A record
     * an earlier gateway spooled holds the event JSON alone: its key and headers are read from the JSON.
     */
    private CompletionStage<Void> send(SpoolRecord record) {
        SpoolRecord keyed = record.key() != null ? record : withEnvelope(record);
        if (keyed == null) {
            // Cannot happen for what publish() wrote; set aside so that it cannot hold back the events behind it.
            return CompletableFuture.failedFuture(new InvalidRecordException(
                    "a spooled usage event is not valid: it lacks eventId, customerId or occurredAt"));
        }
        return KafkaSend.send(emitter, keyed.key(), new String(keyed.value(), StandardCharsets.UTF_8),
                keyed.headers());
    }

    private CompletionStage<Void> sendDeadLetter(SpoolRecord letter) {
        return KafkaSend.send(deadLetterEmitter, letter.key(), new String(letter.value(), StandardCharsets.UTF_8),
                letter.headers());
    }

    /** A record of the earlier spool format (the JSON alone) with the key and headers of its event; null if invalid. */
    static SpoolRecord withEnvelope(SpoolRecord record) {
        Envelope envelope = envelope(record.value());
        if (envelope == null) {
            return null;
        }
        return new SpoolRecord(envelope.customerId(), CloudEventHeaders.of(envelope.eventId(), UsageEvent.TYPE,
                SOURCE, envelope.occurredAt(), envelope.customerId()), record.value());
    }

    /** What the key and the CloudEvents headers of a spooled event need. */
    record Envelope(UUID eventId, String customerId, Instant occurredAt) {
    }

    /**
     * The event id, customer and time of a spooled event, read with a streaming parser (the rest of the event is
     * skipped, not bound). Only records of the earlier spool format need it. Null when one is missing.
     */
    static Envelope envelope(byte[] payload) {
        String eventId = null;
        String customerId = null;
        String occurredAt = null;
        try (JsonParser parser = EventJson.mapper().createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                String text = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                switch (name) {
                    case "eventId" -> eventId = text;
                    case "customerId" -> customerId = text;
                    case "occurredAt" -> occurredAt = text;
                    default -> parser.skipChildren();
                }
            }
            if (eventId == null || customerId == null || customerId.isBlank() || occurredAt == null) {
                return null;
            }
            return new Envelope(UUID.fromString(eventId), customerId, Instant.parse(occurredAt));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The background sender, for tests that stand in for a broker that is away. */
    SpoolSender sender() {
        return sender;
    }

    /** The spool, for tests. */
    EventSpool spool() {
        return spool;
    }
}
