package io.apimeter.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The platform's topics as a single-broker setup needs them: every topic keyed on customerId, several
 * partitions so that consumers scale, the two state topics compacted. Production topics are declared
 * in {@code deploy/}.
 */
public final class KafkaTopics {
    public static final int PARTITIONS = 3;

    private KafkaTopics() {
    }

    public static List<NewTopic> all() {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : List.of("usage-events", "usage-events-dlq", "alert-events", "alert-events-dlq")) {
            topics.add(new NewTopic(name, PARTITIONS, (short) 1));
        }
        for (String name : List.of("quota-status", "customers")) {
            topics.add(new NewTopic(name, PARTITIONS, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        }
        return topics;
    }

    /** Creates the topics that do not exist yet; leaves existing ones as they are. */
    public static void ensure(Admin admin) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = all().stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create the platform's topics", e);
        }
    }
}
