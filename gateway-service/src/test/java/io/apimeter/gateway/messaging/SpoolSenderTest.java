package io.apimeter.gateway.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolSenderTest {
    private static final long MB = 1 << 20;

    @TempDir
    Path dir;

    /** A broker that keeps what it acknowledged and refuses what {@code refuses} says, as an absent broker does. */
    private static final class Broker implements SpoolSender.Transport {
        final List<String> taken = new CopyOnWriteArrayList<>();
        final AtomicInteger refused = new AtomicInteger();
        volatile Predicate<String> refuses;

        Broker(Predicate<String> refuses) {
            this.refuses = refuses;
        }

        @Override
        public CompletableFuture<Void> send(byte[] payload) {
            String event = new String(payload, StandardCharsets.UTF_8);
            if (refuses.test(event)) {
                refused.incrementAndGet();
                return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException(
                        "Topic usage-events not present in metadata after 1000 ms."));
            }
            taken.add(event);
            return CompletableFuture.completedFuture(null);
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
            SpoolSender sender = new SpoolSender(spool, broker, sent::addAndGet);
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
            SpoolSender sender = new SpoolSender(spool, broker, sent::addAndGet);
            sender.start("test-sender");
            append(spool, sender, events(20));
            await().atMost(Duration.ofSeconds(5)).until(() -> broker.refused.get() >= 3);
            assertEquals(20, spool.waiting());
            assertEquals(0, sent.get());

            broker.refuses = e -> false;
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
            SpoolSender sender = new SpoolSender(spool, broker, n -> { });
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
            SpoolSender sender = new SpoolSender(spool, away, n -> { });
            sender.start("test-sender");
            append(spool, sender, events(3));
            await().atMost(Duration.ofSeconds(5)).until(() -> away.refused.get() >= 1);
            sender.stop(Duration.ofSeconds(5));
            assertEquals(3, spool.waiting());
        }

        Broker back = new Broker(e -> false);
        try (EventSpool spool = EventSpool.open(dir, MB, MB, false)) {
            assertEquals(3, spool.waiting());
            SpoolSender sender = new SpoolSender(spool, back, n -> { });
            sender.start("test-sender");
            await().atMost(Duration.ofSeconds(5)).until(() -> spool.waiting() == 0);
            sender.stop(Duration.ofSeconds(5));
            assertEquals(events(3), back.taken);
            assertTrue(away.taken.isEmpty());
        }
    }
}
