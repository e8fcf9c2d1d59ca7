package io.apimeter.testkit;

import io.apimeter.events.Cost;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * Usage events as the gateway publishes them, each with a new eventId, and customer ids for tests. Tests
 * assert on the quantities, latency, model and price given here: change them together.
 */
public final class SampleEvents {
    private SampleEvents() {
    }

    /** A customer id no other test uses: the database and the topics are shared by every test of the JVM. */
    public static String newCustomer() {
        return "c-" + UUID.randomUUID();
    }

    /** A priced GPT-4 chat completion: 1200 input, 350 output, 100 cached and 20 reasoning tokens, 412 ms. */
    public static UsageEvent openAi(String customerId, Instant occurredAt, String amount) {
        return new UsageEvent(UUID.randomUUID(), customerId, "key-" + customerId, Provider.OPENAI, "chat.completions",
                "gpt-4-0613", "gpt-4", occurredAt, 412, 200, Outcome.SUCCESS,
                new Usage(1200, 350, 100, 20, 0, 0, false), Cost.of(new BigDecimal(amount), "openai/gpt-4", 1));
    }

    /** A text-to-speech call of 1000 characters costing $0.03. */
    public static UsageEvent elevenLabs(String customerId, Instant occurredAt) {
        return new UsageEvent(UUID.randomUUID(), customerId, "key-" + customerId, Provider.ELEVENLABS,
                "text-to-speech", "eleven_multilingual_v2", "eleven_multilingual_v2", occurredAt, 900, 200,
                Outcome.SUCCESS, new Usage(0, 0, 0, 0, 1000, 0, false),
                Cost.of(new BigDecimal("0.03"), "elevenlabs/default", 2));
    }

    /** A Smartflo call the provider failed (HTTP 502): no usage, no price. */
    public static UsageEvent failedSmartflo(String customerId, Instant occurredAt) {
        return new UsageEvent(UUID.randomUUID(), customerId, "key-" + customerId, Provider.SMARTFLO, "call", null,
                null, occurredAt, 30, 502, Outcome.PROVIDER_ERROR, Usage.NONE, Cost.unpricedCost());
    }
}
