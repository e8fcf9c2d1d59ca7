package io.apimeter.gateway.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.EventJson;
import io.apimeter.events.UsageEvent;
import io.apimeter.spool.EventSpool;
import io.apimeter.spool.SpoolRecord;
import io.apimeter.testkit.SampleEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolSenderTest {
    private static final long MB = 1 << 20;

    @TempDir
    Path dir;

    /**
     * A broker that keeps what it acknowledged and fails what {@code fails} names a failure for: by default a
     * timeout, as an absent broker does.
     */
    private static final class Broker implements SpoolSender.Transport {
        final List<String> taken = new CopyOnWriteArrayList<>();
        final AtomicInteger refused = new AtomicInteger();
        volatile Function<String, Throwable> fails;

        Broker(Predicate<String> refuses) {
            this.fails = e -> refuses.test(e) ? away() : null;
        }

        static Throwable away() {
            return new org.apache.kafka.common.errors.TimeoutException(
                    "Topic usage-events not present in metadata after 1000 ms.");
        }

        @Override
        public CompletableFuture<Void> send(SpoolRecord record) {
            String event = new String(record.value(), StandardCharsets.UTF_8);
            Throwable failure = fails.apply(event);
            if (failure != null) {
                refused.incrementAndGet();
                return CompletableFuture.failedFuture(failure);
            }
            taken.add(event);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Where refused records are set aside; {@code takes} says whether it can keep them at the moment. */
    private static final class SetAside implements BiPredicate<SpoolRecord, Throwable> {
        final List<String> kept = new CopyOnWriteArrayList<>();
        final AtomicInteger tries = new AtomicInteger();
        final AtomicBoolean takes = new AtomicBoolean(true);

        @Override
        public boolean test(SpoolRecord record, Throwable refusal) {
            tries.incrementAndGet();
            if (!takes.get()) {
                return false;
            }
            kept.add(new String(record.value(), StandardCharsets.UTF_8));
            return true;
        }
    }

    private static List<String> events(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "event-" + i).toList();
    }

    private static void append(EventSpool spool, SpoolSender sender, List<String> events) throws IOException {
        for (String event : events) {
            spool.append(event.getBytes(StandardCharsets.UTF_8));
            sender.wake();
        }
    }

    @Test
    void shouldSendEverySpooledEventInOrderAndEmptyTheSpool() throws IOException {
        Broker broker = new Broker(e -> false);
        AtomicInteger sent = new AtomicInteger();
        try (EventSpool spool = EventSpool.open(dir, MB, 2000, false)) {
            SpoolSender sender = new SpoolSender(spool, broker, new SetAside(), sent::addAndGet);
            sender.start("test-sender");
            append(spool, sender, events(500));
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.waiting() == 0);
            sender.stop(Duration.ofSeconds(5));
            assertEquals(events(500), broker.taken);
            assertEquals(500, sent.get());
            assertEquals(1, spool.listSegments().size(), "sent segments are deleted");
        }
    }

    @Test
    void shouldKeepEventsWhileTheBrokerIsAwayAndSendThemInOrderWhenItIsBack() throws IOException {
        Broker broker = new Broker(e -> true);
        AtomicInteger sent = new AtomicInteger();
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            SpoolSender sender = new SpoolSender(spool, broker, new SetAside(), sent::addAndGet);
            sender.start("test-sender");
            append(spool, sender, events(20));
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.refused.get() >= 3);
            assertEquals(20, spool.waiting());
            assertEquals(0, sent.get());

            broker.fails = e -> null;
            await().atMost(Duration.ofSeconds(40)).until(() -> spool.waiting() == 0);
            sender.stop(Duration.ofSeconds(5));
            assertEquals(events(20), broker.taken);
            assertEquals(20, sent.get());
        }
    }

    @Test
    void shouldSendAgainEverythingAfterARecordTheBrokerRefused() throws IOException {
        Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
        // event-3 is refused once; event-4 and event-5, sent with it, are taken
        Broker broker = new Broker(e -> e.equals("event-3") && refusedOnce.add(e));
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            for (String event : events(5)) {
                spool.append(event.getBytes(StandardCharsets.UTF_8));
            }
            SpoolSender sender = new SpoolSender(spool, broker, new SetAside(), n -> { });
            sender.start("test-sender");
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.waiting() == 0);
            sender.stop(Duration.ofSeconds(5));
            // at least once, never lost: event-4 and event-5 reach the broker twice, consumers drop the copies
            assertEquals(List.of("event-1", "event-2", "event-4", "event-5", "event-3", "event-4", "event-5"),
                    broker.taken);
        }
    }

    @Test
    void shouldSendAfterARestartWhatTheBrokerNeverAcknowledged() throws IOException {
        Broker away = new Broker(e -> true);
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            SpoolSender sender = new SpoolSender(spool, away, new SetAside(), n -> { });
            sender.start("test-sender");
            append(spool, sender, events(3));
            await().atMost(Duration.ofSeconds(5)).until(() -> away.refused.get() >= 1);
            sender.stop(Duration.ofSeconds(5));
            assertEquals(3, spool.waiting());
        }

        Broker back = new Broker(e -> false);
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            assertEquals(3, spool.waiting());
            SpoolSender sender = new SpoolSender(spool, back, new SetAside(), n -> { });
            sender.start("test-sender");
            await().atMost(Duration.ofSeconds(5)).until(() -> spool.waiting() == 0);
            sender.stop(Duration.ofSeconds(5));
            assertEquals(events(3), back.taken);
            assertTrue(away.taken.isEmpty());
        }
    }

    @Test
    void shouldSetAsideARecordTheBrokerRefusesForGoodAndSendTheRecordsBehindItInOrder() throws IOException {
        Broker broker = new Broker(e -> false);
        broker.fails = e -> e.equals("event-3") ? new RecordTooLargeException("The message is 300000 bytes") : null;
        SetAside setAside = new SetAside();
        AtomicInteger sent = new AtomicInteger();
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            SpoolSender sender = new SpoolSender(spool, broker, setAside, sent::addAndGet);
            sender.start("test-sender");
            append(spool, sender, events(6));
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.waiting() == 0);
            sender.stop(Duration.ofSeconds(5));
            assertEquals(List.of("event-1", "event-2", "event-4", "event-5", "event-6"), broker.taken);
            assertEquals(List.of("event-3"), setAside.kept);
            assertEquals(5, sent.get(), "a record set aside is not counted as sent");
        }
        // the position is past it: a restart does not send it again
        try (EventSpool reopened = EventSpool.open(dir, MB, MB, false)) {
            assertEquals(0, reopened.waiting());
        }
    }

    @Test
    void shouldSetAsideARecordRefusedInTheMiddleOfAFullBatch() throws IOException {
        Broker broker = new Broker(e -> false);
        broker.fails = e -> e.equals("event-150") ? new CompletionException(new InvalidRecordException("invalid")) : null;
        SetAside setAside = new SetAside();
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            for (String event : events(300)) {
                spool.append(event.getBytes(StandardCharsets.UTF_8));
            }
            SpoolSender sender = new SpoolSender(spool, broker, setAside, n -> { });
            sender.start("test-sender");
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.waiting() == 0);
            sender.stop(Duration.ofSeconds(5));
            List<String> expected = events(300).stream().filter(e -> !e.equals("event-150")).toList();
            assertEquals(expected, broker.taken, "each once, in order");
            assertEquals(List.of("event-150"), setAside.kept);
        }
    }

    @Test
    void shouldKeepARefusedRecordFirstInLineWhileItCannotBeSetAside() throws IOException {
        Broker broker = new Broker(e -> false);
        broker.fails = e -> e.equals("event-2") ? new RecordTooLargeException("too large") : null;
        SetAside setAside = new SetAside();
        setAside.takes.set(false);
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            SpoolSender sender = new SpoolSender(spool, broker, setAside, n -> { });
            sender.start("test-sender");
            append(spool, sender, events(3));
            await().atMost(Duration.ofSeconds(10)).until(() -> setAside.tries.get() >= 2);
            assertEquals(2, spool.waiting(), "event-2 and the event behind it wait, none is lost");

            setAside.takes.set(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.waiting() == 0);
            sender.stop(Duration.ofSeconds(5));
            assertEquals(List.of("event-2"), setAside.kept);
            assertEquals("event-1", broker.taken.get(0));
            assertEquals("event-3", broker.taken.get(broker.taken.size() - 1));
            assertFalse(broker.taken.contains("event-2"));
        }
    }

    @Test
    void shouldWaitOutAFailureThatIsNotAboutTheRecordThoughItIsNotRetriable() throws IOException {
        Broker broker = new Broker(e -> false);
        broker.fails = e -> new TopicAuthorizationException(Set.of("usage-events"));
        SetAside setAside = new SetAside();
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            SpoolSender sender = new SpoolSender(spool, broker, setAside, n -> { });
            sender.start("test-sender");
            append(spool, sender, events(3));
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.refused.get() >= 2);
            assertEquals(3, spool.waiting());

            broker.fails = e -> null;
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.waiting() == 0);
            sender.stop(Duration.ofSeconds(5));
            assertEquals(events(3), broker.taken);
            assertEquals(0, setAside.tries.get(), "nothing was set aside");
        }
    }

    @Test
    void shouldTellARecordTheBrokerRefusesForGoodFromABrokerThatIsAway() {
        assertTrue(SendFailures.refusesRecord(new RecordTooLargeException("too large")));
        assertTrue(SendFailures.refusesRecord(new CompletionException(new InvalidRecordException("invalid"))));
        assertTrue(SendFailures.refusesRecord(new org.apache.kafka.common.errors.SerializationException("bad")));
        assertFalse(SendFailures.refusesRecord(Broker.away()));
        assertFalse(SendFailures.refusesRecord(new java.util.concurrent.TimeoutException()));
        assertFalse(SendFailures.refusesRecord(new TopicAuthorizationException(Set.of("usage-events"))));
        assertFalse(SendFailures.refusesRecord(new org.apache.kafka.common.errors.UnknownServerException("boom")));
        assertFalse(SendFailures.refusesRecord(new IllegalStateException("producer closed")));
    }

    @Test
    void shouldGiveARecordOfTheEarlierSpoolFormatTheKeyAndHeadersOfItsEvent() throws Exception {
        // an earlier gateway spooled the event JSON alone
        UsageEvent event = SampleEvents.openAi("c-earlier", Instant.parse("2026-11-30T23:59:59.999Z"), "0.01");
        SpoolRecord earlier = SpoolRecord.of(EventJson.mapper().writeValueAsBytes(event));

        SpoolRecord keyed = UsageEventPublisher.withEnvelope(earlier);
        assertEquals("c-earlier", keyed.key());
        assertEquals(CloudEventHeaders.of(event, UsageEventPublisher.SOURCE).keySet(), keyed.headers().keySet());
        assertEquals(event.eventId().toString(), keyed.header(CloudEventHeaders.ID));
        assertEquals("2026-11-30T23:59:59.999Z", keyed.header(CloudEventHeaders.TIME));
        assertEquals(earlier.value(), keyed.value());
        assertEquals(null, UsageEventPublisher.withEnvelope(SpoolRecord.of("{\"eventId\":\"x\"}".getBytes(
                StandardCharsets.UTF_8))), "an event without customer and time cannot be keyed");
    }
}
