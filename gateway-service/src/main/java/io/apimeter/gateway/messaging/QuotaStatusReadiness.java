package io.apimeter.gateway.messaging;

import io.apimeter.events.Channels;
import io.apimeter.events.Topics;
import io.apimeter.gateway.config.GatewayConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Readiness waits until this replica has read the quota-status topic up to the end it had at start, so that a
 * new replica does not admit calls of a blocked customer before it knows of the block. A partition counts as read
 * when the record just before that end was handled, or when the consumer was past that end on two checks in a
 * row (the last record can be a tombstone the broker has cleaned away). Once read, the check stays up. After
 * {@code apimeter.gateway.quota-status.ready-max-wait} it reports up anyway, with a warning: a broker that is away
 * at start must not keep the gateway out of service (calls are then decided on what was read).
 */
@Readiness
@ApplicationScoped
public class QuotaStatusReadiness implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(QuotaStatusReadiness.class);
    static final String NAME = "quota-status read";
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(8);

    private final KafkaClientService kafka;
    private final QuotaStatusConsumer consumer;
    private final long maxWaitNanos;
    private volatile long startedNanos = System.nanoTime();
    private volatile Map<TopicPartition, Long> endAtStart;
    private final Set<TopicPartition> pastEndBefore = new HashSet<>();
    private volatile boolean caughtUp;
    private volatile boolean gaveUp;

    public QuotaStatusReadiness(KafkaClientService kafka, QuotaStatusConsumer consumer, GatewayConfig config) {
        this.kafka = kafka;
        this.consumer = consumer;
        this.maxWaitNanos = config.quotaStatus().readyMaxWait().toNanos();
    }

    void onStart(@Observes StartupEvent event) {
        startedNanos = System.nanoTime();
        KafkaConsumer<String, String> client = client();
        if (client != null) {
            // Taken at once, not at the first probe: "the end at start", even if the first probe comes late.
            client.runOnPollingThread(QuotaStatusReadiness::endOffsets).subscribe().with(
                    ends -> {
                        if (endAtStart == null) {
                            endAtStart = ends;
                        }
                    },
                    failure -> LOG.debugf("quota-status end offsets not known yet: %s", failure.toString()));
        }
    }

    @Override
    public HealthCheckResponse call() {
        if (caughtUp) {
            return HealthCheckResponse.named(NAME).up().withData("caughtUp", true).build();
        }
        String waitingFor;
        try {
            waitingFor = check();
        } catch (RuntimeException e) {
            waitingFor = "the broker: " + e.getClass().getSimpleName();
        }
        if (waitingFor == null) {
            caughtUp = true;
            LOG.infof("quota-status read up to its end at start (%s)", endAtStart);
            return HealthCheckResponse.named(NAME).up().withData("caughtUp", true).build();
        }
        if (System.nanoTime() - startedNanos > maxWaitNanos) {
            if (!gaveUp) {
                gaveUp = true;
                LOG.warnf("quota-status not read to its end after %d s (waiting for %s); reporting ready anyway,"
                        + " calls are decided on the statuses read so far", Duration.ofNanos(maxWaitNanos).toSeconds(),
                        waitingFor);
            }
            return HealthCheckResponse.named(NAME).up().withData("caughtUp", false).build();
        }
        return HealthCheckResponse.named(NAME).down().withData("waitingFor", waitingFor).build();
    }

    /** Null when every partition is read up to its end at start; otherwise what is still awaited. */
    private synchronized String check() {
        KafkaConsumer<String, String> client = client();
        if (client == null) {
            return "the quota-status consumer to start";
        }
        if (endAtStart == null) {
            endAtStart = client.runOnPollingThread(QuotaStatusReadiness::endOffsets).await().atMost(CHECK_TIMEOUT);
        }
        Map<TopicPartition, Long> positions = client.runOnPollingThread(c -> {
            Map<TopicPartition, Long> at = new HashMap<>();
            for (TopicPartition partition : c.assignment()) {
                at.put(partition, c.position(partition, KAFKA_TIMEOUT));
            }
            return at;
        }).await().atMost(CHECK_TIMEOUT);
        Map<Integer, Long> handled = consumer.readUpTo();
        Set<TopicPartition> waiting = new HashSet<>();
        for (Map.Entry<TopicPartition, Long> end : endAtStart.entrySet()) {
            TopicPartition partition = end.getKey();
            long target = end.getValue();
            if (handled.getOrDefault(partition.partition(), 0L) >= target) {
                continue;
            }
            Long position = positions.get(partition);
            boolean pastEnd = position != null && position >= target;
            if (pastEnd && pastEndBefore.contains(partition)) {
                continue;
            }
            if (pastEnd) {
                pastEndBefore.add(partition);
            } else {
                pastEndBefore.remove(partition);
            }
            waiting.add(partition);
        }
        return waiting.isEmpty() ? null : "partitions " + waiting;
    }

    private static Map<TopicPartition, Long> endOffsets(Consumer<String, String> c) {
        List<org.apache.kafka.common.PartitionInfo> infos = c.partitionsFor(Topics.QUOTA_STATUS, KAFKA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("the topic " + Topics.QUOTA_STATUS + " does not exist (yet)");
        }
        List<TopicPartition> partitions = infos.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        return c.endOffsets(partitions, KAFKA_TIMEOUT);
    }

    private KafkaConsumer<String, String> client() {
        try {
            return kafka.getConsumer(Channels.QUOTA_STATUS_IN);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
