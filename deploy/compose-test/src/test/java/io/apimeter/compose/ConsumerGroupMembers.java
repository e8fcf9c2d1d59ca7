package io.apimeter.compose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

/** The members of a consumer group and the partitions of one topic each reads, through Kafka's Admin client. */
final class ConsumerGroupMembers implements AutoCloseable {
    private final Admin admin;

    /** A member: the address it connects from (its container) and its partitions of the topic. */
    record Member(String host, TreeSet<Integer> partitions) {
        @Override
        public String toString() {
            return host + " " + partitions.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
    }

    ConsumerGroupMembers(String bootstrap) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    List<Member> of(String group, String topic) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                .get(15, TimeUnit.SECONDS).get(group);
        List<Member> members = new ArrayList<>();
        for (MemberDescription member : description.members()) {
            TreeSet<Integer> partitions = new TreeSet<>();
            for (TopicPartition partition : member.assignment().topicPartitions()) {
                if (partition.topic().equals(topic)) {
                    partitions.add(partition.partition());
                }
            }
            members.add(new Member(member.host().replaceFirst("^/", ""), partitions));
        }
        return members;
    }

    /** How many partitions the topic has. */
    int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic).partitions().size();
    }

    @Override
    public void close() {
        admin.close();
    }
}
