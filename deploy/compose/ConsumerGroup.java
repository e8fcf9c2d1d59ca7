import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Prints the members of a consumer group and the partitions each one reads, one line per member:
 * {@code member <host> <partitions of the topic, comma-separated>} (the Kafka client may log on the same output).
 * Used by deploy/compose-check; run with the Kafka client on the class path:
 * {@code java -cp 'tools/local-platform/target/lib/*' ConsumerGroup.java BOOTSTRAP GROUP TOPIC}.
 */
public class ConsumerGroup {
    public static void main(String[] args) throws Exception {
        java.util.logging.LogManager.getLogManager().reset();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(args[1])).all()
                    .get(15, TimeUnit.SECONDS).get(args[1]);
            for (MemberDescription member : group.members()) {
                TreeSet<Integer> partitions = new TreeSet<>();
                for (TopicPartition partition : member.assignment().topicPartitions()) {
                    if (partition.topic().equals(args[2])) {
                        partitions.add(partition.partition());
                    }
                }
                System.out.println("member " + member.host().replaceFirst("^/", "") + " "
                        + String.join(",", partitions.stream().map(String::valueOf).toList()));
            }
        }
    }
}
