package io.apimeter.alert;

import io.apimeter.events.CustomerRecord;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.testkit.KafkaTestClient;
import io.apimeter.testkit.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.common.utils.Utils;

/** Customer records as gateway-service publishes them on the compacted customers topic. */
final class CustomerRecords {
    private static final KafkaTestClient KAFKA = KafkaTestClient.shared();

    private CustomerRecords() {
    }

    static CustomerRecord active(String customerId, String email, Instant updatedAt) {
        return new CustomerRecord(customerId, "Customer " + customerId, email, "ACTIVE", updatedAt);
    }

    static void publish(CustomerRecord record) {
        KAFKA.send(Topics.CUSTOMERS, record.customerId(), EventJson.write(record));
    }

    /** A tombstone: the customer is deleted. */
    static void delete(String customerId) {
        KAFKA.send(Topics.CUSTOMERS, customerId, null);
    }

    /**
     * A new customer id whose records land on the same partition as {@code customerId}'s (the producer's default
     * partitioner), so that once its record is applied every earlier record of {@code customerId} has been too.
     */
    static String onSamePartitionAs(String customerId) {
        int partition = partition(customerId);
        while (true) {
            String candidate = "c-" + UUID.randomUUID();
            if (partition(candidate) == partition) {
                return candidate;
            }
        }
    }

    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % KafkaTopics.PARTITIONS;
    }
}
