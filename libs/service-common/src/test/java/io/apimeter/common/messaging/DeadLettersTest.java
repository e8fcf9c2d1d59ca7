package io.apimeter.common.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.apimeter.events.EventFormatException;
import io.apimeter.events.EventJson;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void shouldRethrowAnInvalidRecordSoThatItIsDeadLetteredAndCountIt() {
        AtomicInteger rejected = new AtomicInteger();
        EventFormatException e = assertThrows(EventFormatException.class, () ->
                DeadLetters.parse("{not json", "usage event", EventJson::readUsageEvent, rejected::incrementAndGet));
        assertEquals(1, rejected.get());
        assertThrows(EventFormatException.class, () ->
                DeadLetters.parse("{\"provider\": \"OPENAI\"}", "usage event", EventJson::readUsageEvent,
                        rejected::incrementAndGet));
        assertEquals(2, rejected.get());
        assertTrue(e.getMessage().contains("UsageEvent"), e.getMessage());
    }

    @Test
    void shouldReturnTheEventOfAValidRecordWithoutCountingIt() {
        AtomicInteger rejected = new AtomicInteger();
        String text = "a valid record";
        assertSame(text, DeadLetters.parse(text, "text", s -> s, rejected::incrementAndGet));
        assertEquals(0, rejected.get());
    }

    @Test
    void shouldLetOtherFailuresPassUncounted() {
        AtomicInteger rejected = new AtomicInteger();
        IllegalStateException failure = new IllegalStateException("broken reader");
        assertSame(failure, assertThrows(IllegalStateException.class, () ->
                DeadLetters.parse("x", "usage event", s -> {
                    throw failure;
                }, rejected::incrementAndGet)));
        assertEquals(0, rejected.get());
        assertThrows(EventFormatException.class, () -> DeadLetters.parse("", "alert event", EventJson::readAlertEvent));
    }
}
