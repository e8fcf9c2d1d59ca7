package io.apimeter.common.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * The service's batch consumers: each service starts its own with {@link #start} once it is up, and all of them
 * are stopped before anything they use (the database, the transaction manager) is shut down.
 */
@ApplicationScoped
public class ConsumerLoops {
    private static final Logger LOG = Logger.getLogger(ConsumerLoops.class);

    private final MeterRegistry registry;
    private final ConsumerSettings settings;
    private final Map<String, Object> kafka;
    private final MessageTracing tracing;
    private final List<BatchConsumer<?>> consumers = new CopyOnWriteArrayList<>();

    public ConsumerLoops(MeterRegistry registry, ConsumerSettings settings,
                         @Identifier("default-kafka-broker") Map<String, Object> kafka, MessageTracing tracing) {
        this.registry = registry;
        this.tracing = tracing;
        this.settings = settings;
        this.kafka = kafka;
    }

    /** Starts reading {@code topic} as {@code groupId}; see {@link BatchConsumer}. */
    public <T> BatchConsumer<T> start(String name, String topic, String groupId, BatchConsumer.Parser<T> parser,
                                      BatchConsumer.Handler<T> handler) {
        BatchConsumer<T> consumer = BatchConsumer.start(new BatchConsumer.Settings(name, topic, groupId,
                clientSettings(), settings.maxBatch(), settings.minBackoff(), settings.maxBackoff(),
                settings.dataAttempts(), settings.sessionTimeout()), tracing, parser, handler, registry);
        consumers.add(consumer);
        return consumer;
    }

    public List<BatchConsumer<?>> consumers() {
        return List.copyOf(consumers);
    }

    void stop(@Observes ShutdownEvent event) {
        for (BatchConsumer<?> consumer : consumers) {
            if (!consumer.stop(settings.stopTimeout())) {
                LOG.warnf("consumer %s did not stop within %s; its uncommitted batch is read again at the next start",
                        consumer.name(), settings.stopTimeout());
            }
        }
    }

    /** The Kafka client settings of {@code kafka.*} (bootstrap servers, security), for a plain client. */
    private Map<String, Object> clientSettings() {
        Map<String, Object> client = new java.util.HashMap<>();
        kafka.forEach((key, value) -> {
            if (org.apache.kafka.clients.consumer.ConsumerConfig.configNames().contains(key)
                    || org.apache.kafka.clients.producer.ProducerConfig.configNames().contains(key)) {
                client.put(key, value);
            }
        });
        return client;
    }
}
