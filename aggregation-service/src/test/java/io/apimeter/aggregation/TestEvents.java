package io.apimeter.aggregation;

import io.apimeter.events.Cost;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * Usage events with the quantities and costs a summary test chooses, as the gateway publishes them; the
 * fixed samples are in {@link io.apimeter.testkit.SampleEvents}.
 */
public final class TestEvents {
    private TestEvents() {
    }

    public static UsageEvent smartfloCall(String customerId, Instant occurredAt, long seconds, String amount) {
        return new UsageEvent(UUID.randomUUID(), customerId, "key-" + customerId, Provider.SMARTFLO, "call", null,
                "smartflo-call", occurredAt, 30, 200, Outcome.SUCCESS, new Usage(0, 0, 0, 0, 0, seconds, false),
                Cost.of(new BigDecimal(amount), "smartflo/minute", 1));
    }

    /** An OpenAI call with the given token counts and cost. */
    public static UsageEvent openAi(String customerId, Instant occurredAt, long input, long output, String amount) {
        return new UsageEvent(UUID.randomUUID(), customerId, "key-" + customerId, Provider.OPENAI, "chat.completions",
                "gpt-3.5-turbo", "gpt-3.5-turbo", occurredAt, 100, 200, Outcome.SUCCESS,
                Usage.tokens(input, output), Cost.of(new BigDecimal(amount), "openai/gpt-3.5-turbo", 1));
    }
}
