package io.apimeter.common.messaging;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The spans of one batch of a {@link BatchConsumer}, following OpenTelemetry's messaging conventions for batch
 * processing:
 *
 * <ul>
 *     <li>A batch of one record: one CONSUMER span {@code "<topic> process"}, child of the context the record
 *     carries, so the record's trace (the gateway's call) goes on into this consumer's transaction.</li>
 *     <li>A batch of several: one CONSUMER span {@code "<topic> process"} for the batch, a trace of its own, with a
 *     link to each record's context; and, for each record that carries a context, a CONSUMER span
 *     {@code "<topic> process"} child of it and linked to the batch span, from the start of the batch to its
 *     commit: each call's trace still reaches the transaction that applied its event.</li>
 * </ul>
 *
 * The batch span is the current context while the handler runs (what the handler publishes, through an outbox,
 * carries it; log lines written meanwhile carry its ids in their MDC, {@code traceId} and {@code spanId}). Retries
 * and dead letters are span events; a batch abandoned on shutdown ends with status ERROR. Whether a span is kept is
 * the sampler's choice (parent based: a record of an unsampled call makes a span that records nothing).
 */
final class BatchSpans {
    /** The SDK keeps 128 links a span by default; more would only be dropped. */
    static final int MAX_LINKS = 128;
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("apimeter.reason");
    private static final BatchSpans NONE = new BatchSpans(Span.getInvalid(), Map.of());

    private final Span batch;
    /** The span of each record of a batch of several that carries a context. */
    private final Map<ConsumerRecord<String, String>, Span> records;
    private final Context context;

    private BatchSpans(Span batch, Map<ConsumerRecord<String, String>, Span> records) {
        this.batch = batch;
        this.records = records;
        this.context = Context.root().with(batch);
    }

    static BatchSpans none() {
        return NONE;
    }

    /** Starts the spans of a batch just polled; {@link #none()} when tracing is off. */
    static BatchSpans start(MessageTracing tracing, BatchConsumer.Settings settings,
                            List<ConsumerRecord<String, String>> batch) {
        if (!tracing.enabled() || batch.isEmpty()) {
            return NONE;
        }
        String name = settings.topic() + " process";
        Instant started = Instant.now();
        if (batch.size() == 1) {
            ConsumerRecord<String, String> record = batch.get(0);
            SpanBuilder builder = consumerSpan(tracing, settings, name, started)
                    .setParent(tracing.extract(record.headers()));
            describe(builder, record);
            return new BatchSpans(builder.startSpan(), Map.of());
        }
        SpanBuilder builder = consumerSpan(tracing, settings, name, started).setNoParent()
                .setAttribute(MessageTracing.BATCH_COUNT, (long) batch.size());
        List<ConsumerRecord<String, String>> traced = new ArrayList<>();
        List<Context> contexts = new ArrayList<>();
        for (ConsumerRecord<String, String> record : batch) {
            Context carried = tracing.extract(record.headers());
            SpanContext parent = Span.fromContext(carried).getSpanContext();
            if (!parent.isValid()) {
                continue;
            }
            traced.add(record);
            contexts.add(carried);
            if (traced.size() <= MAX_LINKS) {
                builder.addLink(parent);
            }
        }
        Span batchSpan = builder.startSpan();
        Map<ConsumerRecord<String, String>, Span> recordSpans = new IdentityHashMap<>();
        for (int i = 0; i < traced.size(); i++) {
            SpanBuilder one = consumerSpan(tracing, settings, name, started).setParent(contexts.get(i))
                    .addLink(batchSpan.getSpanContext());
            describe(one, traced.get(i));
            recordSpans.put(traced.get(i), one.startSpan());
        }
        return new BatchSpans(batchSpan, recordSpans);
    }

    private static SpanBuilder consumerSpan(MessageTracing tracing, BatchConsumer.Settings settings, String name,
                                            Instant started) {
        return tracing.tracer().spanBuilder(name).setSpanKind(SpanKind.CONSUMER).setStartTimestamp(started)
                .setAttribute(MessageTracing.SYSTEM, "kafka")
                .setAttribute(MessageTracing.DESTINATION, settings.topic())
                .setAttribute(MessageTracing.GROUP, settings.groupId())
                .setAttribute(MessageTracing.OPERATION_TYPE, "process")
                .setAttribute(MessageTracing.OPERATION_NAME, "process");
    }

    /** Where the record came from, its event id and key (the customer id): never its value. */
    private static void describe(SpanBuilder builder, ConsumerRecord<String, String> record) {
        builder.setAttribute(MessageTracing.PARTITION, String.valueOf(record.partition()))
                .setAttribute(MessageTracing.OFFSET, record.offset());
        Header id = record.headers().lastHeader("ce_id");
        if (id != null && id.value() != null) {
            builder.setAttribute(MessageTracing.MESSAGE_ID,
                    new String(id.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        if (record.key() != null) {
            builder.setAttribute(MessageTracing.MESSAGE_KEY, record.key());
        }
    }

    /**
     * Makes the batch span current until the scope is closed. In a service, Quarkus's context storage also puts its
     * ids into the logging MDC meanwhile ({@code traceId}, {@code spanId}, {@code parentId}, {@code sampled}).
     */
    Scope makeCurrent() {
        return this == NONE ? Scope.noop() : context.makeCurrent();
    }

    /** An attempt to apply the batch failed; it is tried again. */
    void retrying(String failure) {
        if (this != NONE) {
            batch.addEvent("retry", Attributes.of(REASON, failure));
        }
    }

    /** A record of the batch went to the dead-letter topic. */
    void deadLettered(ConsumerRecord<String, String> record, String reason) {
        if (this == NONE) {
            return;
        }
        Span span = records.getOrDefault(record, batch);
        Attributes attributes = Attributes.of(REASON, reason, AttributeKey.longKey(MessageTracing.OFFSET),
                record.offset());
        if (span != batch) {
            batch.addEvent("dead-lettered", attributes);
        }
        span.addEvent("dead-lettered", attributes);
        span.setStatus(StatusCode.ERROR, "dead-lettered");
    }

    /** Ends every span: committed, or left to be read again ({@code failure} says why). */
    void end(String failure) {
        if (this == NONE) {
            return;
        }
        if (failure != null) {
            batch.setStatus(StatusCode.ERROR, failure);
        }
        for (Span span : records.values()) {
            if (failure != null) {
                span.setStatus(StatusCode.ERROR, failure);
            }
            span.end();
        }
        batch.end();
    }
}
