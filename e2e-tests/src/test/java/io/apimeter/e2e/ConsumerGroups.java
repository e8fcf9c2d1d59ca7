package io.apimeter.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What a service's consumer group has read, as an operator checks it: committed offsets against the topic's end. */
final class ConsumerGroups {
    private ConsumerGroups() {
    }

    /** The end offset of each partition of the topic now. */
    static Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends(Admin admin, String topic)
            throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
    }

    /** The sum over the topic's partitions of the offsets the group has committed (0 where it committed none). */
    static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long sum = 0;
        for (var entry : committed.entrySet()) {
            if (entry.getKey().topic().equals(topic) && entry.getValue() != null) {
                sum += entry.getValue().offset();
            }
        }
        return sum;
    }

    /** How many records of the topic the group has not committed yet: the sum of end minus committed offsets. */
    static long lag(Admin admin, String group, String topic) throws Exception {
        long ends = 0;
        for (var end : ends(admin, topic).values()) {
            ends += end.offset();
        }
        return ends - committed(admin, group, topic);
    }

    /** Waits until the group has committed every partition of the topic up to its end. */
    static void awaitCaughtUp(Admin admin, String group, String topic, Duration patience) {
        await().atMost(patience).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            var ends = ends(admin, topic);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            for (var end : ends.entrySet()) {
                OffsetAndMetadata position = committed.get(end.getKey());
                assertEquals(end.getValue().offset(), position == null ? 0 : position.offset(),
                        group + " has read " + end.getKey());
            }
        });
    }

    /** How many records a topic holds now: the sum over its partitions of latest minus earliest offset. */
    static long recordsIn(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
        }
        long count = 0;
        for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values()) {
            count += end.offset();
        }
        for (var start : admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS).values()) {
            count -= start.offset();
        }
        return count;
    }
}
