package io.apimeter.benchmark;

import io.apimeter.events.Cost;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Valid UsageEvent v1 records as the gateway would publish them, for customers that belong to one run only
 * ({@code bench-<runid>-<n>}), with the price book's prices of the local platform (gpt-4, ElevenLabs default,
 * Smartflo default). Every event is added to {@link #expected()} as it is made.
 *
 * <p>Mix: 60 % OpenAI chat completions (tokens, some cached), 25 % ElevenLabs text-to-speech (characters),
 * 15 % Smartflo calls (seconds); 2 % of the calls fail at the provider (502 or timeout) with no usage and a
 * cost of zero, like the gateway meters them.
 */
final class EventGenerator {
    /** The CloudEvents source of the benchmark's events. */
    static final String SOURCE = "apimeter/pipeline-benchmark";

    /**
     * The customer id pattern the services accept on their REST APIs, copied from
     * {@code libs/service-common/src/main/java/io/apimeter/common/rest/Params.java} (CUSTOMER_ID) so that the
     * benchmark's customers can be looked at there too; this module does not depend on service-common.
     */
    static final Pattern CUSTOMER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private static final BigDecimal GPT4_INPUT_PER_TOKEN = new BigDecimal("0.00003");   // $0.03 per 1k
    private static final BigDecimal GPT4_OUTPUT_PER_TOKEN = new BigDecimal("0.00006");  // $0.06 per 1k
    private static final BigDecimal ELEVENLABS_PER_CHARACTER = new BigDecimal("0.00003"); // $0.30 per 10k
    private static final BigDecimal SMARTFLO_PER_MINUTE = new BigDecimal("0.02");
    private static final BigDecimal SIXTY = BigDecimal.valueOf(60);
    /** Scale of a Smartflo amount: fits quota-service's numeric(30, 12) exactly, so its sums match to the last digit. */
    static final int SMARTFLO_SCALE = 10;

    private final String runId;
    private final String[] customers;
    private final SplittableRandom random;
    private final ExpectedTotals expected = new ExpectedTotals();

    /**
     * @param runId     makes this run's customer ids unique; letters and digits
     * @param customers how many customers the events are spread over
     * @param seed      seed of the quantities and of the customer picked for each event; the event ids are random
     */
    EventGenerator(String runId, int customers, long seed) {
        if (!runId.matches("[a-z0-9]{1,16}")) {
            throw new IllegalArgumentException("run id must be 1 to 16 lowercase letters or digits: " + runId);
        }
        if (customers < 1) {
            throw new IllegalArgumentException("at least one customer is needed");
        }
        this.runId = runId;
        this.customers = new String[customers];
        for (int i = 0; i < customers; i++) {
            String id = "bench-" + runId + "-" + i;
            if (!CUSTOMER_ID.matcher(id).matches()) {
                throw new IllegalStateException("not a valid customer id: " + id);
            }
            this.customers[i] = id;
        }
        this.random = new SplittableRandom(seed);
    }

    /** A new run id: the time in seconds (base 36) and four random characters, e.g. {@code t5x2k1ab3f}. */
    static String newRunId() {
        String time = Long.toString(System.currentTimeMillis() / 1000, 36);
        String suffix = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
        return (time + suffix.substring(0, Math.min(4, suffix.length()))).toLowerCase(Locale.ROOT);
    }

    String runId() {
        return runId;
    }

    /** This run's customer ids, in order. */
    List<String> customerIds() {
        return List.of(customers);
    }

    /** The sums of every event made so far. */
    ExpectedTotals expected() {
        return expected;
    }

    /** The next event, occurring at {@code occurredAt}; added to the expected sums. */
    UsageEvent next(Instant occurredAt) {
        String customer = customers[customers.length == 1 ? 0 : random.nextInt(customers.length)];
        String apiKeyId = "key-" + customer;
        int pick = random.nextInt(100);
        boolean failed = random.nextInt(100) < 2;
        UsageEvent event;
        if (pick < 60) {
            event = openAi(customer, apiKeyId, occurredAt, failed);
        } else if (pick < 85) {
            event = elevenLabs(customer, apiKeyId, occurredAt, failed);
        } else {
            event = smartflo(customer, apiKeyId, occurredAt, failed);
        }
        expected.add(event);
        return event;
    }

    private UsageEvent openAi(String customer, String apiKeyId, Instant at, boolean failed) {
        if (failed) {
            return failure(customer, apiKeyId, Provider.OPENAI, "chat.completions", "gpt-4-0613", "gpt-4", at,
                    "openai/gpt-4");
        }
        long input = 20 + random.nextInt(4000);
        long output = 1 + random.nextInt(1000);
        long cached = random.nextInt(4) == 0 ? random.nextLong(input + 1) : 0;
        BigDecimal amount = GPT4_INPUT_PER_TOKEN.multiply(BigDecimal.valueOf(input))
                .add(GPT4_OUTPUT_PER_TOKEN.multiply(BigDecimal.valueOf(output)));
        return new UsageEvent(UUID.randomUUID(), customer, apiKeyId, Provider.OPENAI, "chat.completions",
                "gpt-4-0613", "gpt-4", at, 150 + random.nextInt(3000), 200, Outcome.SUCCESS,
                new Usage(input, output, cached, 0, 0, 0, false), Cost.of(amount, "openai/gpt-4", 1));
    }

    private UsageEvent elevenLabs(String customer, String apiKeyId, Instant at, boolean failed) {
        if (failed) {
            return failure(customer, apiKeyId, Provider.ELEVENLABS, "text-to-speech", "eleven_multilingual_v2",
                    "eleven_multilingual_v2", at, "elevenlabs/default");
        }
        long characters = 10 + random.nextInt(5000);
        return new UsageEvent(UUID.randomUUID(), customer, apiKeyId, Provider.ELEVENLABS, "text-to-speech",
                "eleven_multilingual_v2", "eleven_multilingual_v2", at, 200 + random.nextInt(2000), 200,
                Outcome.SUCCESS, new Usage(0, 0, 0, 0, characters, 0, false),
                Cost.of(ELEVENLABS_PER_CHARACTER.multiply(BigDecimal.valueOf(characters)), "elevenlabs/default", 1));
    }

    private UsageEvent smartflo(String customer, String apiKeyId, Instant at, boolean failed) {
        if (failed) {
            return failure(customer, apiKeyId, Provider.SMARTFLO, "call", null, "*", at, "smartflo/default");
        }
        long seconds = 1 + random.nextInt(900);
        BigDecimal amount = SMARTFLO_PER_MINUTE.multiply(BigDecimal.valueOf(seconds))
                .divide(SIXTY, SMARTFLO_SCALE, RoundingMode.HALF_UP);
        return new UsageEvent(UUID.randomUUID(), customer, apiKeyId, Provider.SMARTFLO, "call", null, "*", at,
                seconds * 1000, 200, Outcome.SUCCESS, new Usage(0, 0, 0, 0, 0, seconds, false),
                Cost.of(amount, "smartflo/default", 1));
    }

    /** A call the provider failed or did not answer in time: nothing used, priced at zero. */
    private UsageEvent failure(String customer, String apiKeyId, Provider provider, String operation, String model,
                               String pricedModel, Instant at, String priceId) {
        boolean timeout = random.nextBoolean();
        return new UsageEvent(UUID.randomUUID(), customer, apiKeyId, provider, operation, model, pricedModel, at,
                timeout ? 30_000 : 50 + random.nextInt(500), timeout ? 504 : 502,
                timeout ? Outcome.PROVIDER_TIMEOUT : Outcome.PROVIDER_ERROR, Usage.NONE,
                Cost.of(BigDecimal.ZERO, priceId, 1));
    }
}
