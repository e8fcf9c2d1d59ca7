package io.apimeter.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The platform's topics as a single-broker setup needs them: every topic keyed on customerId, several
 * partitions so that consumers scale, the two state topics compacted. Production topics are declared
 * in {@code deploy/}.
 *
 * <p>{@code usage-events} carries every call and is read by three consumer groups, so it has the most
 * partitions: {@link #USAGE_EVENT_PARTITIONS}, so that up to that many replicas of each consumer share it (a
 * partition is read by one member of a group), and 12 divides evenly among 1, 2, 3, 4, 6 or 12 replicas. One
 * customer's events stay in one partition, in order. The other topics carry far fewer records.
 */
public final class KafkaTopics {
    public static final int PARTITIONS = 3;
    public static final int USAGE_EVENT_PARTITIONS = 12;

    private KafkaTopics() {
    }

    public static List<NewTopic> all() {
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic("usage-events", USAGE_EVENT_PARTITIONS, (short) 1));
        for (String name : List.of("usage-events-dlq", "alert-events", "alert-events-dlq", "customers-dlq")) {
            topics.add(new NewTopic(name, PARTITIONS, (short) 1));
        }
        for (String name : List.of("quota-status", "customers")) {
            topics.add(new NewTopic(name, PARTITIONS, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        }
        return topics;
    }

    /**
     * Creates the topics that do not exist yet, and adds partitions to one that has fewer than it should (a
     * platform started before the count was raised); never removes any.
     */
    public static void ensure(Admin admin) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = all().stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
            Map<String, NewPartitions> grow = new java.util.HashMap<>();
            var described = admin.describeTopics(all().stream().map(NewTopic::name).filter(existing::contains)
                    .toList()).allTopicNames().get(30, TimeUnit.SECONDS);
            for (NewTopic topic : all()) {
                var description = described.get(topic.name());
                if (description != null && description.partitions().size() < topic.numPartitions()) {
                    grow.put(topic.name(), NewPartitions.increaseTo(topic.numPartitions()));
                }
            }
            if (!grow.isEmpty()) {
                admin.createPartitions(grow).all().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create the platform's topics", e);
        }
    }
}
