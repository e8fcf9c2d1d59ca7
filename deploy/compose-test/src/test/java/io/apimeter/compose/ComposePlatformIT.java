package io.apimeter.compose;

import static io.apimeter.compose.Progress.say;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.compose.ConsumerGroupMembers.Member;
import io.apimeter.compose.PlatformApi.Recorded;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The platform as docker-compose.yml runs it, checked as an operator would: images built from this repository, every
 * container healthy, one metered call seen by every service and the admin's mailbox, then usage-recorder-service at
 * 2 replicas with one SIGKILLed while calls flow. Each step prints its figures ({@link Progress}); the project ends
 * with {@code down -v}, also when a step fails.
 *
 * <p>Needs a container engine (DOCKER_HOST) with docker-compose 1.29 on the PATH, the applications packaged, and the
 * ports of docker-compose.yml free on 127.0.0.1. deploy/compose-check prepares all that and runs it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposePlatformIT {
    private static final String RECORDER = "usage-recorder-service";
    private static final String ADMIN_MAILBOX = "ops@apimeter.test";
    private static final int LOAD_CALLS = Integer.parseInt(System.getenv().getOrDefault("COMPOSE_CHECK_CALLS", "300"));

    private static final PlatformApi api = new PlatformApi();
    private static ComposeStack stack;

    @BeforeAll
    static void up() throws IOException {
        Path root = Path.of(System.getProperty("apimeter.root", "../..")).toAbsolutePath().normalize();
        Path work = Path.of(System.getProperty("apimeter.compose.work", "target/compose-test")).toAbsolutePath();
        stack = new ComposeStack(root, work);
        stack.start();
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldMeterOneCallInTheLogTheSummaryTheQuotaTheAlertsAndTheMails() throws Exception {
        String customer = "c-compose-" + Instant.now().getEpochSecond();
        String key = api.newCustomer(customer);
        api.putQuota(customer, Map.of("openaiTokens", 20, "warnAtPercent", 80, "enforcement", "ALERT_ONLY"));
        assertEquals(200, api.chat(key), "the metered call's status");
        say("metered call through the gateway: 200 (customer %s)", customer);

        within(60, "calls in the log of " + customer)
                .untilAsserted(() -> assertEquals(new Recorded(1, 1), api.recorded(customer)));
        say("call log: 1 call recorded");
        within(60, "calls in the month's summary").untilAsserted(() -> assertEquals(1, api.summaryCalls(customer)));
        say("summary: 1 call this month");
        within(60, "the quota status over the limit").untilAsserted(() -> {
            JsonNode status = api.quotaStatus(customer);
            assertEquals(1, status.path("calls").asLong(), status.toString());
            assertTrue(status.path("dimensions").path(0).path("percent").asDouble() >= 100, status.toString());
        });
        say("quota status: %s", api.quotaStatus(customer).path("summary").asText());
        within(60, "an EXCEEDED alert of " + customer)
                .untilAsserted(() -> assertTrue(api.alertTypes(customer).contains("EXCEEDED"), "alerts"));
        List<String> alerts = api.alertTypes(customer);
        say("alerts of %s: %s", customer, String.join(",", alerts));
        // 20 s: a send left waiting by the mail server (which gives up on a silent connection after 30 s) and its retry
        // would take longer, so a mail client that loses the server's greeting fails here.
        within(20, "mails about " + customer + " to " + ADMIN_MAILBOX + " (one per alert)")
                .untilAsserted(() -> assertEquals(alerts.size(), api.mailSubjects(ADMIN_MAILBOX, customer).size()));
        for (String subject : api.mailSubjects(ADMIN_MAILBOX, customer)) {
            say("mail to %s: %s", ADMIN_MAILBOX, subject);
        }
    }

    @Test
    @Order(2)
    void shouldRecordEveryCallOnceWhenOneOfTwoRecorderReplicasIsKilled() throws Exception {
        say("scaling %s to 2 replicas", RECORDER);
        stack.scale(RECORDER, 2, "RECORDER_PORTS", "18081-18082");
        stack.awaitHealthy(Duration.ofMinutes(5));
        try (ConsumerGroupMembers group = new ConsumerGroupMembers("localhost:9092")) {
            AtomicReference<List<Member>> members = new AtomicReference<>(List.of());
            within(120, "the group " + RECORDER + " splitting usage-events between 2 members")
                    .pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                        members.set(group.of(RECORDER, "usage-events"));
                        assertEquals(2, members.get().size(), members.get().toString());
                        assertTrue(members.get().stream().noneMatch(m -> m.partitions().isEmpty()), members.get().toString());
                    });
            say("group %s shares usage-events' partitions:", RECORDER);
            members.get().forEach(member -> say("    member %s", member));

            // The calls of one customer go to one partition (keyed by customer id): one the victim reads, so that
            // the kill lands on the replica recording them.
            String victim = stack.replica(RECORDER, 2);
            java.util.Set<String> victimAddresses = stack.addresses(victim);
            Set<Integer> victimPartitions = members.get().stream().filter(m -> victimAddresses.contains(m.host()))
                    .findFirst().orElseThrow(() -> new AssertionError(victim + " " + victimAddresses + " is not among "
                            + members.get())).partitions();
            int partitionCount = group.partitions("usage-events");
            String customer = customerOnAPartitionOf(victimPartitions, partitionCount,
                    "c-scale-" + Instant.now().getEpochSecond());
            String key = api.newCustomer(customer);
            say("sending %d calls of %s (partition %d, read by %s); %s gets SIGKILL after a third of them", LOAD_CALLS,
                    customer, partitionOf(customer, partitionCount), victim, victim);
            Map<Integer, Long> statuses = send(key, victim).stream()
                    .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
            long ok = statuses.getOrDefault(200, 0L);
            assertEquals(LOAD_CALLS, ok, "calls that answered 200 (count by status, -1 for no answer: " + statuses + ")");
            var state = stack.state(victim);
            assertEquals("exited 137", state.getStatus() + " " + state.getExitCodeLong(), victim + " was not killed");

            within(180, "calls recorded for " + customer + " (all, each once) after the kill")
                    .untilAsserted(() -> assertEquals(new Recorded(LOAD_CALLS, LOAD_CALLS), api.recorded(customer)));
            say("after the kill: %d calls answered 200, %d recorded, %d distinct event ids: nothing lost, nothing doubled",
                    ok, LOAD_CALLS, LOAD_CALLS);
            within(60, "the survivor reading every partition of usage-events").untilAsserted(() -> {
                members.set(group.of(RECORDER, "usage-events"));
                assertEquals(1, members.get().size(), members.get().toString());
                assertEquals(partitionCount, members.get().get(0).partitions().size(), members.get().toString());
            });
            say("group %s now: %s", RECORDER, members.get().stream().map(Member::toString)
                    .collect(Collectors.joining(";")));
            within(120, "calls in the summary of " + customer)
                    .untilAsserted(() -> assertEquals(LOAD_CALLS, api.summaryCalls(customer)));
            say("summary of %s: %d calls", customer, LOAD_CALLS);
        }
    }

    /**
     * Sends the calls through the gateway, 4 at a time, and kills the victim once a third of them have been sent;
     * returns each call's status (-1 where none came).
     */
    private static List<Integer> send(String key, String victim) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Semaphore inFlight = new Semaphore(4);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < LOAD_CALLS; i++) {
                if (i == LOAD_CALLS / 3) {
                    stack.kill(victim);
                    var state = stack.state(victim);
                    say("killed %s (exit code %d, running: %s)", victim, state.getExitCodeLong(), state.getRunning());
                }
                inFlight.acquire();
                answers.add(pool.submit(() -> {
                    try {
                        return api.chat(key);
                    } catch (IOException e) {
                        return -1;
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(2, TimeUnit.MINUTES));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The first of {@code prefix}-1, -2, ... whose records go to one of {@code partitions}. */
    private static String customerOnAPartitionOf(Set<Integer> partitions, int partitionCount, String prefix) {
        for (int i = 1; ; i++) {
            String customer = prefix + "-" + i;
            if (partitions.contains(partitionOf(customer, partitionCount))) {
                return customer;
            }
        }
    }

    /** The partition of usage-events a customer's records go to: the Kafka client's own choice for a key. */
    private static int partitionOf(String customer, int partitionCount) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                customer.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitionCount;
    }

    /** Polls every second, through connection errors and failed assertions, for at most the given seconds. */
    private static ConditionFactory within(int seconds, String what) {
        return await(what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions();
    }
}
