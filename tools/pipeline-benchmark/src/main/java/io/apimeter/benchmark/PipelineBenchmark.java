package io.apimeter.benchmark;

import io.apimeter.events.Topics;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The counting side's throughput. Publishes usage events straight to {@code usage-events} (not through the
 * gateway), then times how long usage-recorder-service, aggregation-service and quota-service, which read the
 * topic at the same time in their own consumer groups, take to commit up to its end; then checks that their
 * databases count exactly what was published. With {@code --lag-only} it publishes nothing and samples the
 * groups' lag while something else (the load generator through the gateway) produces.
 */
public final class PipelineBenchmark {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROGRESS = Duration.ofSeconds(5);
    private static final Duration SETTLE = Duration.ofSeconds(10);
    /** Kept so that the level set on it is not lost to garbage collection. */
    private static final Logger KAFKA_LOG = Logger.getLogger("org.apache.kafka");

    private PipelineBenchmark() {
    }

    public static void main(String[] args) {
        if (CommandLine.wantsHelp(args)) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        Options options;
        try {
            options = CommandLine.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("pipeline-benchmark: " + e.getMessage());
            System.err.print(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        KAFKA_LOG.setLevel(Level.WARNING);
        int status;
        try {
            status = options.lagOnly() ? lagOnly(options) : catchUp(options);
        } catch (IllegalStateException e) {
            System.err.println("pipeline-benchmark: " + e.getMessage());
            status = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 1;
        }
        System.exit(status);
    }

    static int catchUp(Options options) throws InterruptedException {
        try (KafkaView kafka = new KafkaView(options.bootstrap(), Topics.USAGE_EVENTS)) {
            Map<Integer, Long> endBefore = kafka.endOffsets();
            Map<Integer, Long> startBefore = kafka.startOffsets();
            for (String group : options.groups()) {
                int members = kafka.members(group);
                long lag = Lag.of(endBefore, kafka.committed(group), startBefore);
                System.out.printf("%s: %d consumer(s), %,d events behind before the run%s%n", group, members, lag,
                        members == 0 ? "  WARNING: no consumer; is the service running?" : "");
                if (lag > 0) {
                    System.out.printf("  WARNING: %s starts %,d events behind; its time includes them%n", group, lag);
                }
            }

            String runId = EventGenerator.newRunId();
            EventGenerator generator = new EventGenerator(runId, options.customers(), new SecureRandom().nextLong());
            System.out.printf("run %s: publishing %,d usage events of %,d customers (bench-%s-0 ...) to %s (%d partitions)%n",
                    runId, options.events(), options.customers(), runId, kafka.topic(), kafka.partitionCount());
            Publisher.Result published;
            try (Publisher publisher = new Publisher(options.bootstrap())) {
                published = publisher.publish(generator, options.events());
            }
            if (published.failed() > 0) {
                System.err.printf("the broker did not take %,d of %,d events (first: %s)%n", published.failed(),
                        options.events(), published.firstError());
                return 1;
            }
            Map<Integer, Long> end = kafka.endOffsets();
            System.out.printf("published %,d events in %.1f s (%,.0f events/s); end offsets %s%n", published.acked(),
                    published.seconds(), published.acked() / published.seconds(), end);

            Map<String, Double> caughtUp = awaitGroups(kafka, options, end, published.firstSendNanos());
            for (String group : options.groups()) {
                Double s = caughtUp.get(group);
                if (s == null) {
                    System.out.printf("%s: NOT caught up within %s; %,d events behind%n", group, options.timeout(),
                            Lag.of(end, kafka.committed(group), startBefore));
                } else {
                    System.out.printf("%s: caught up %.1f s after the first publish: %,.0f events/s%n", group, s,
                            options.events() / s);
                }
            }
            String check;
            int status = 0;
            if (caughtUp.size() < options.groups().size()) {
                check = "not checked: a group did not catch up";
                status = 1;
            } else {
                List<String> differences = checkDatabases(options, generator);
                if (differences.isEmpty()) {
                    check = "ok";
                } else {
                    check = differences.size() + " mismatches";
                    status = 1;
                    System.out.println("MISMATCHES:");
                    differences.forEach(line -> System.out.println("  " + line));
                }
            }
            System.out.println();
            System.out.print(Report.catchUp(runId, options.events(), options.customers(), published, options.groups(),
                    caughtUp, check));
            return status;
        }
    }

    /** Polls the groups' committed offsets until each has reached {@code end}; seconds from the first publish. */
    private static Map<String, Double> awaitGroups(KafkaView kafka, Options options, Map<Integer, Long> end,
                                                   long firstSendNanos) throws InterruptedException {
        Map<String, Double> caughtUp = new LinkedHashMap<>();
        long deadline = firstSendNanos + options.timeout().toNanos();
        long nextProgress = System.nanoTime() + PROGRESS.toNanos();
        while (caughtUp.size() < options.groups().size()) {
            long tick = System.nanoTime();
            List<String> behind = new ArrayList<>();
            for (String group : options.groups()) {
                if (caughtUp.containsKey(group)) {
                    continue;
                }
                Map<Integer, Long> committed = kafka.committed(group);
                long now = System.nanoTime();
                if (Lag.caughtUp(end, committed)) {
                    caughtUp.put(group, (now - firstSendNanos) / 1e9);
                    System.out.printf("  %s caught up after %.1f s%n", group, (now - firstSendNanos) / 1e9);
                } else {
                    behind.add(String.format("%s %,d", group, Lag.of(end, committed, Map.of())));
                }
            }
            if (caughtUp.size() == options.groups().size()) {
                break;
            }
            long now = System.nanoTime();
            if (now >= deadline) {
                break;
            }
            if (now >= nextProgress) {
                System.out.printf("  %.0f s: behind %s%n", (now - firstSendNanos) / 1e9, String.join(", ", behind));
                nextProgress = now + PROGRESS.toNanos();
            }
            long sleep = tick + POLL.toNanos() - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
        }
        return caughtUp;
    }

    /**
     * Compares the databases with what was published. A group commits after its database transaction, so they
     * should match at once; if not, they are read again once a second for a few seconds, and it is said.
     */
    private static List<String> checkDatabases(Options options, EventGenerator generator) throws InterruptedException {
        DatabaseCheck check = new DatabaseCheck(options.pgUrl(), options.pgUser(), options.pgPassword());
        long start = System.nanoTime();
        List<String> differences = check.differences(generator.expected(), generator.customerIds());
        while (!differences.isEmpty() && System.nanoTime() - start < SETTLE.toNanos()) {
            Thread.sleep(1000);
            differences = check.differences(generator.expected(), generator.customerIds());
            if (differences.isEmpty()) {
                System.out.printf("  NOTE: the databases matched only %.1f s after every group had committed%n",
                        (System.nanoTime() - start) / 1e9);
            }
        }
        if (differences.isEmpty()) {
            System.out.printf("databases: usage_log has exactly %,d rows for run %s; aggregation's and quota's sums "
                    + "(calls, errors, tokens, characters, seconds, cost %s USD) match%n", generator.expected().events(),
                    generator.runId(), generator.expected().all().cost().toPlainString());
        }
        return differences;
    }

    static int lagOnly(Options options) throws InterruptedException {
        try (KafkaView kafka = new KafkaView(options.bootstrap(), Topics.USAGE_EVENTS)) {
            Map<Integer, Long> start = kafka.startOffsets();
            Map<String, List<Long>> lags = new LinkedHashMap<>();
            options.groups().forEach(g -> lags.put(g, new ArrayList<>()));
            List<Double> times = new ArrayList<>();
            long firstEnd = -1;
            long lastEnd = 0;
            long t0 = System.nanoTime();
            long deadline = t0 + options.duration().toNanos();
            System.out.printf("sampling the lag of %s on %s once a second for %s%n", String.join(", ", options.groups()),
                    kafka.topic(), options.duration());
            for (long next = t0; next <= deadline; next += Duration.ofSeconds(1).toNanos()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                Map<Integer, Long> end = kafka.endOffsets();
                double at = (System.nanoTime() - t0) / 1e9;
                long total = end.values().stream().mapToLong(Long::longValue).sum();
                if (firstEnd < 0) {
                    firstEnd = total;
                }
                lastEnd = total;
                times.add(at);
                StringBuilder line = new StringBuilder(String.format("  %3.0f s:", at));
                for (String group : options.groups()) {
                    long lag = Lag.of(end, kafka.committed(group), start);
                    lags.get(group).add(lag);
                    line.append(String.format(" %s %,d", group, lag));
                }
                System.out.println(line);
            }
            double seconds = times.get(times.size() - 1) - times.get(0);
            double arrivalRate = seconds > 0 ? (lastEnd - firstEnd) / seconds : 0;
            Map<String, LagStats> stats = new LinkedHashMap<>();
            lags.forEach((group, series) -> stats.put(group, LagStats.of(times, series, arrivalRate)));
            System.out.println();
            System.out.print(Report.lag(stats, seconds, arrivalRate));
            return 0;
        }
    }
}
