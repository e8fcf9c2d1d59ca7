package io.apimeter.common.messaging;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Trace context across Kafka, the one way every service carries it: W3C {@code traceparent} (and {@code tracestate})
 * record headers, written and read with OpenTelemetry's {@link TextMapPropagator}; a PRODUCER span
 * {@code "<topic> publish"} where a record is published, and the consumer's spans ({@code BatchConsumer}). SmallRye
 * Kafka's own tracing is switched off on every channel ({@code mp.messaging.connector.smallrye-kafka.tracing-enabled}),
 * so that a record carries exactly one context, the one written here.
 *
 * <p>Off (every method a no-op, nothing allocated) when the OpenTelemetry SDK is disabled
 * ({@code quarkus.otel.sdk.disabled}, the services' default) or absent.
 *
 * <p>Span attributes name the topic, the event id, the customer, provider, model and outcome: never a key, a
 * credential or a record's value.
 */
@Singleton
public final class MessageTracing {
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /** The instrumentation scope of the spans written here. */
    public static final String SCOPE = "io.apimeter.messaging";

    static final String SYSTEM = "messaging.system";
    static final String DESTINATION = "messaging.destination.name";
    static final String OPERATION_TYPE = "messaging.operation.type";
    static final String OPERATION_NAME = "messaging.operation.name";
    static final String MESSAGE_ID = "messaging.message.id";
    static final String MESSAGE_KEY = "messaging.kafka.message.key";
    static final String PARTITION = "messaging.destination.partition.id";
    static final String OFFSET = "messaging.kafka.offset";
    static final String GROUP = "messaging.consumer.group.name";
    static final String BATCH_COUNT = "messaging.batch.message_count";

    private static final MessageTracing OFF = new MessageTracing(OpenTelemetry.noop(), false);

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean enabled;

    @Inject
    MessageTracing(Instance<OpenTelemetry> openTelemetry,
                   @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled) {
        this(sdkDisabled || !openTelemetry.isResolvable() ? OpenTelemetry.noop() : openTelemetry.get(),
                !sdkDisabled && openTelemetry.isResolvable());
    }

    private MessageTracing(OpenTelemetry openTelemetry, boolean enabled) {
        this.tracer = openTelemetry.getTracer(SCOPE);
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.enabled = enabled;
    }

    /** Tracing with the given SDK (tests, code outside CDI). */
    public static MessageTracing of(OpenTelemetry openTelemetry) {
        return new MessageTracing(openTelemetry, true);
    }

    /** No tracing at all. */
    public static MessageTracing off() {
        return OFF;
    }

    public boolean enabled() {
        return enabled;
    }

    Tracer tracer() {
        return tracer;
    }

    /**
     * Starts the PRODUCER span {@code "<topic> publish"} of one record, child of the current context; the caller adds
     * its attributes, {@link #inject}s the span's context into the record and ends it. An invalid span when off.
     */
    public Span startPublish(String topic, Object messageId, String key) {
        return enabled ? startPublish(topic, messageId, key, Context.current()) : Span.getInvalid();
    }

    /** {@link #startPublish(String, Object, String)} with the given parent (a context kept since, or the root). */
    public Span startPublish(String topic, Object messageId, String key, Context parent) {
        if (!enabled) {
            return Span.getInvalid();
        }
        SpanBuilder builder = tracer.spanBuilder(topic + " publish").setSpanKind(SpanKind.PRODUCER)
                .setParent(parent)
                .setAttribute(SYSTEM, "kafka")
                .setAttribute(DESTINATION, topic)
                .setAttribute(OPERATION_TYPE, "send")
                .setAttribute(OPERATION_NAME, "publish");
        if (messageId != null) {
            builder.setAttribute(MESSAGE_ID, messageId.toString());
        }
        if (key != null) {
            builder.setAttribute(MESSAGE_KEY, key);
        }
        return builder.startSpan();
    }

    /** Writes the context of {@code span} (within the current context) into record headers; nothing when off. */
    public void inject(Span span, Map<String, byte[]> headers) {
        if (enabled) {
            inject(Context.current().with(span), headers);
        }
    }

    /** Writes the trace context of {@code context} into record headers, replacing any there; nothing when off. */
    public void inject(Context context, Map<String, byte[]> headers) {
        if (!enabled) {
            return;
        }
        headers.remove(TRACEPARENT);
        headers.remove(TRACESTATE);
        propagator.inject(context, headers,
                (carrier, name, value) -> carrier.put(name, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes the trace context of {@code context} into Kafka headers, replacing any there; nothing when off. */
    public void inject(Context context, Headers headers) {
        if (!enabled) {
            return;
        }
        headers.remove(TRACEPARENT);
        headers.remove(TRACESTATE);
        propagator.inject(context, headers,
                (carrier, name, value) -> carrier.add(name, value.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The trace context of {@code context} as text, {@code traceparent} and (when there is one) {@code tracestate},
     * to be kept with something sent later (an outbox row); empty when off or when there is no span.
     */
    public Map<String, String> carrier(Context context) {
        if (!enabled) {
            return Map.of();
        }
        Map<String, String> carrier = new HashMap<>(2);
        propagator.inject(context, carrier, Map::put);
        return carrier;
    }

    /** The context a record's headers carry (its last {@code traceparent}); the root context when none or off. */
    public Context extract(Headers headers) {
        if (!enabled || headers.lastHeader(TRACEPARENT) == null) {
            return Context.root();
        }
        return propagator.extract(Context.root(), headers, KafkaHeaderGetter.INSTANCE);
    }

    /** The context kept as text by {@link #carrier}; the root context when none or off. */
    public Context extract(String traceparent, String tracestate) {
        if (!enabled || traceparent == null) {
            return Context.root();
        }
        Map<String, String> carrier = new HashMap<>(2);
        carrier.put(TRACEPARENT, traceparent);
        if (tracestate != null) {
            carrier.put(TRACESTATE, tracestate);
        }
        return propagator.extract(Context.root(), carrier, MapGetter.INSTANCE);
    }

    private enum KafkaHeaderGetter implements TextMapGetter<Headers> {
        INSTANCE;

        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new java.util.ArrayList<>();
            for (Header header : carrier) {
                keys.add(header.key());
            }
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            if (carrier == null) {
                return null;
            }
            Header header = carrier.lastHeader(key);
            return header == null || header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8);
        }
    }

    private enum MapGetter implements TextMapGetter<Map<String, String>> {
        INSTANCE;

        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    }
}
