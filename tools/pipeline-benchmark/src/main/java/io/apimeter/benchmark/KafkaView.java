package io.apimeter.benchmark;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/** The offsets of one topic and of the consumer groups that read it, through the Admin API. */
final class KafkaView implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 15;

    private final Admin admin;
    private final String topic;
    private final List<TopicPartition> partitions;

    KafkaView(String bootstrap, String topic) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "pipeline-benchmark-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
        this.topic = topic;
        try {
            List<TopicPartitionInfo> info = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions();
            this.partitions = info.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (RuntimeException e) {
            admin.close();
            throw new IllegalStateException("cannot describe the topic " + topic + " at " + bootstrap
                    + " (is the platform up?): " + e.getMessage(), e);
        }
    }

    String topic() {
        return topic;
    }

    int partitionCount() {
        return partitions.size();
    }

    /** The offset the next record of each partition will get. */
    Map<Integer, Long> endOffsets() {
        return offsets(OffsetSpec.latest());
    }

    /** The first offset each partition still holds. */
    Map<Integer, Long> startOffsets() {
        return offsets(OffsetSpec.earliest());
    }

    private Map<Integer, Long> offsets(OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = get(admin.listOffsets(request).all());
        Map<Integer, Long> offsets = new HashMap<>();
        answer.forEach((p, info) -> offsets.put(p.partition(), info.offset()));
        return offsets;
    }

    /** The group's committed offsets on this topic's partitions; partitions it never committed on are missing. */
    Map<Integer, Long> committed(String group) {
        Map<TopicPartition, OffsetAndMetadata> answer =
                get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<Integer, Long> offsets = new HashMap<>();
        answer.forEach((p, offset) -> {
            if (offset != null && p.topic().equals(topic)) {
                offsets.put(p.partition(), offset.offset());
            }
        });
        return offsets;
    }

    /** How many consumers the group has now (0 when the service is not running or the group is unknown). */
    int members(String group) {
        try {
            ConsumerGroupDescription description = get(admin.describeConsumerGroups(List.of(group)).all()).get(group);
            return description == null ? 0 : description.members().size();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not answer within " + TIMEOUT_SECONDS + " s", e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
