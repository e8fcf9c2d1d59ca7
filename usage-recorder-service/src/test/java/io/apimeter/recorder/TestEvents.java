package io.apimeter.recorder;

import io.apimeter.events.CloudEventHeaders;
import io.apimeter.events.Cost;
import io.apimeter.events.EventJson;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Topics;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.KafkaTestClient;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/** Usage events as the gateway publishes them, for tests. */
public final class TestEvents {
    private static KafkaTestClient client;

    private TestEvents() {
    }

    public static String newCustomer() {
        return "c-" + UUID.randomUUID();
    }

    public static UsageEvent openAi(String customerId, Instant occurredAt, String amount) {
        return new UsageEvent(UUID.randomUUID(), customerId, "key-" + customerId, Provider.OPENAI, "chat.completions",
                "gpt-4-0613", "gpt-4", occurredAt, 412, 200, Outcome.SUCCESS,
                new Usage(1200, 350, 100, 20, 0, 0, false), Cost.of(new BigDecimal(amount), "openai/gpt-4", 1));
    }

    public static UsageEvent elevenLabs(String customerId, Instant occurredAt) {
        return new UsageEvent(UUID.randomUUID(), customerId, "key-" + customerId, Provider.ELEVENLABS,
                "text-to-speech", "eleven_multilingual_v2", "eleven_multilingual_v2", occurredAt, 900, 200,
                Outcome.SUCCESS, new Usage(0, 0, 0, 0, 1000, 0, false),
                Cost.of(new BigDecimal("0.03"), "elevenlabs/default", 2));
    }

    public static UsageEvent failedSmartflo(String customerId, Instant occurredAt) {
        return new UsageEvent(UUID.randomUUID(), customerId, "key-" + customerId, Provider.SMARTFLO, "call", null,
                null, occurredAt, 30, 502, Outcome.PROVIDER_ERROR, Usage.NONE, Cost.unpricedCost());
    }

    public static synchronized KafkaTestClient kafka() {
        if (client == null) {
            // The broker the application under test was configured with.
            client = new KafkaTestClient(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        }
        return client;
    }

    /** Publishes like the gateway: key customerId, JSON value, CloudEvents headers. */
    public static void publish(UsageEvent event) {
        Map<String, String> headers = new LinkedHashMap<>();
        CloudEventHeaders.of(event, "gateway-service")
                .forEach((name, value) -> headers.put(name, new String(value, StandardCharsets.UTF_8)));
        kafka().send(Topics.USAGE_EVENTS, event.customerId(), EventJson.write(event), headers);
    }
}
