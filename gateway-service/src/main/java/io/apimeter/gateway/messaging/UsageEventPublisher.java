package io.apimeter.gateway.messaging;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.apimeter.events.Channels;
import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.UsageEvent;
import io.apimeter.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Publishes one UsageEvent per metered call to {@code usage-events}, keyed on the customer, without ever
 * making the call wait for the broker: the event is appended to a local spool on disk, and a single
 * background sender passes the spool on to the broker in order (acks=all, idempotent producer), marking
 * its place only once the broker has acknowledged. While the broker is away, events wait in the spool; a
 * restarted gateway sends what its spool still holds.
 */
@ApplicationScoped
public class UsageEventPublisher {
    static final String SOURCE = "apimeter/gateway-service";
    private static final Logger LOG = Logger.getLogger(UsageEventPublisher.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final long DROP_LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

    private final Emitter<String> emitter;
    private final EventSpool spool;
    private final SpoolSender sender;
    private final long maxBytes;
    private final Counter published;
    private final Counter spooled;
    private final Counter failed;
    private final AtomicLong droppedSinceLog = new AtomicLong();
    private volatile long lastDropLog = System.nanoTime() - DROP_LOG_INTERVAL_NANOS;

    public UsageEventPublisher(@Channel(Channels.USAGE_EVENTS_OUT) Emitter<String> emitter, MeterRegistry registry,
                               GatewayConfig config) {
        this.emitter = emitter;
        GatewayConfig.Spool settings = config.spool();
        this.maxBytes = settings.maxBytes().asLongValue();
        try {
            this.spool = EventSpool.open(Path.of(settings.dir()), maxBytes, settings.segmentBytes().asLongValue(),
                    settings.fsync(), settings.positionInterval());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the usage event spool in " + settings.dir(), e);
        }
        this.published = Counter.builder("apimeter.gateway.usage.events").tag("result", "published")
                .description("Usage events the broker acknowledged").register(registry);
        this.spooled = Counter.builder("apimeter.gateway.usage.events").tag("result", "spooled")
                .description("Usage events written to the local spool, to be sent to the broker").register(registry);
        this.failed = Counter.builder("apimeter.gateway.usage.events").tag("result", "failed")
                .description("Usage events lost: the spool was full or the disk refused them").register(registry);
        Gauge.builder("apimeter.gateway.usage.events.waiting", spool, EventSpool::waiting)
                .description("Usage events in the spool that the broker has not acknowledged yet").register(registry);
        Gauge.builder("apimeter.gateway.usage.spool.bytes", spool, EventSpool::bytes).baseUnit("bytes")
                .description("Bytes the usage event spool holds on disk").register(registry);
        this.sender = new SpoolSender(spool, this::send, published::increment, settings.sendLinger());
    }

    void onStart(@Observes StartupEvent event) {
        sender.start("usage-event-sender");
    }

    void onStop(@Observes ShutdownEvent event) {
        sender.stop(STOP_TIMEOUT);
        try {
            spool.close();
        } catch (IOException e) {
            LOG.warnf("closing the usage event spool: %s", e.toString());
        }
    }

    /**
     * Appends the event to the spool for sending; returns at once. Returns false when the event could not be
     * kept (spool full, disk failure): it is then counted as failed and logged, and the call goes on.
     */
    public boolean publish(UsageEvent event) {
        String reason;
        byte[] payload;
        try {
            payload = EventJson.mapper().writeValueAsBytes(event);
        } catch (IOException e) {
            dropped(event, "it cannot be written as JSON: " + e.getMessage());
            return false;
        }
        try {
            if (spool.append(payload)) {
                spooled.increment();
                sender.wake();
                return true;
            }
            reason = "the spool in " + spool.dir() + " is full (" + maxBytes + " bytes)";
        } catch (IOException | RuntimeException e) {
            reason = "the spool in " + spool.dir() + " cannot be written: " + e;
        }
        dropped(event, reason);
        return false;
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

    /** Sends one spooled event through the emitter; the stage completes when the broker has acknowledged it. */
    private CompletionStage<Void> send(byte[] payload) {
        Envelope envelope = envelope(payload);
        if (envelope == null) {
            // Cannot happen for what publish() wrote; skipped so that it cannot hold back the events behind it.
            failed.increment();
            LOG.errorf("a spooled usage event is not valid and is skipped: it lacks eventId, customerId or occurredAt");
            return CompletableFuture.completedFuture(null);
        }
        return KafkaSend.send(emitter, envelope.customerId(), new String(payload, StandardCharsets.UTF_8),
                CloudEventHeaders.of(envelope.eventId(), UsageEvent.TYPE, SOURCE, envelope.occurredAt(),
                        envelope.customerId()));
    }

    /** What the key and the CloudEvents headers of a spooled event need. */
    record Envelope(UUID eventId, String customerId, Instant occurredAt) {
    }

    /**
     * The event id, customer and time of a spooled event, read with a streaming parser (the rest of the event is
     * skipped, not bound): the sender handles every event, so this is most of its work. Null when one is missing.
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
