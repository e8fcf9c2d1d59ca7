package io.apimeter.history;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Makes the rows of usage_log, in time order, as the gateway meters calls and the recorder stores them:
 * <ul>
 *   <li>OpenAI: chat completions, responses, embeddings, legacy completions; input, output, cached and reasoning
 *       tokens;</li>
 *   <li>ElevenLabs: text to speech, characters;</li>
 *   <li>Smartflo: a click-to-call (no usage, a cost of zero) and, for a call that was placed, the report that
 *       bills its seconds later (operation {@code call}, same occurred_at, its own event id derived from the call
 *       id, not counted as a call): two rows;</li>
 *   <li>a few percent of calls do not succeed: a provider error (4xx or 5xx) or timeout or a provider not
 *       reached, with no usage and a cost of zero (null when the model is unpriced); a client gone mid-stream, with
 *       the usage seen so far (tokens estimated); a call the gateway refused (429) with no usage and a cost of
 *       zero that is never unpriced.</li>
 * </ul>
 * Everything comes from one seeded random, drawn in a fixed order: the same seed gives the same rows.
 */
final class CallHistory {
    /** Receives each row as it is made (the same {@link Row} object, filled anew). */
    interface RowSink {
        void accept(Row row) throws InterruptedException;
    }

    private static final BigDecimal ZERO = BigDecimal.ZERO;
    private static final int[] OPENAI_ERRORS = {400, 15, 401, 4, 403, 2, 404, 4, 429, 30, 500, 25, 502, 5, 503, 15};
    private static final int[] ELEVENLABS_ERRORS = {400, 20, 401, 5, 422, 15, 429, 30, 500, 20, 503, 10};
    private static final int[] SMARTFLO_ERRORS = {400, 30, 401, 10, 429, 20, 500, 30, 503, 10};

    private final long rows;
    private final Customers customers;
    private final Timeline timeline;
    private final SplittableRandom random;
    private final Row row = new Row();

    CallHistory(long rows, Customers customers, Timeline timeline, SplittableRandom random) {
        this.rows = rows;
        this.customers = customers;
        this.timeline = timeline;
        this.random = random;
    }

    /** Makes exactly {@code rows} rows. */
    void generate(RowSink sink) throws InterruptedException {
        long made = 0;
        while (made < rows) {
            // Growing fractions: (made + u) / rows never decreases, so neither does occurred_at.
            long at = timeline.at((made + random.nextDouble()) / rows);
            int customer = customers.pick(random);
            Provider provider = customers.provider(customer, random);
            if (provider == Provider.SMARTFLO && rows - made < 2) {
                provider = Provider.OPENAI; // no room left for a placed call's second row
            }
            start(customer, at);
            boolean placed = switch (provider) {
                case OPENAI -> openAi(customer);
                case ELEVENLABS -> elevenLabs(customer);
                case SMARTFLO -> clickToCall(customer);
            };
            finish();
            sink.accept(row);
            made++;
            if (placed) {
                billedSeconds();
                sink.accept(row);
                made++;
            }
        }
    }

    private void start(int customer, long at) {
        Row r = row;
        UUID eventId = Customers.uuid(random);
        r.eventIdMsb = eventId.getMostSignificantBits();
        r.eventIdLsb = eventId.getLeastSignificantBits();
        r.customer = customer;
        r.apiKeyId = customers.apiKey(customer, random);
        r.occurredAt = at;
        r.month = timeline.monthIndex();
        r.countsAsCall = true;
        r.noUsage();
    }

    /** recorded_at: the call's end, plus the way through Kafka to the recorder. */
    private void finish() {
        row.recordedAt = row.occurredAt + row.latencyMs * 1000 + pipelineDelayMicros();
    }

    private long pipelineDelayMicros() {
        return logNormal(250_000, 0.8, 15_000, 30_000_000);
    }

    private boolean openAi(int customer) {
        Row r = row;
        r.provider = Provider.OPENAI;
        double u = random.nextDouble();
        Catalog.Model model;
        boolean streamable = true;
        if (u < 0.60) {
            r.operation = Catalog.CHAT_COMPLETIONS;
            model = Catalog.CHAT.pick(random);
        } else if (u < 0.75) {
            r.operation = Catalog.RESPONSES;
            model = Catalog.CHAT.pick(random);
        } else if (u < 0.99) {
            r.operation = Catalog.EMBEDDINGS;
            model = Catalog.EMBEDDING.pick(random);
            streamable = false;
        } else {
            r.operation = Catalog.COMPLETIONS;
            model = Catalog.LEGACY_COMPLETION.pick(random);
        }
        r.model = model.idBytes();
        Outcome outcome = outcome(customer, streamable);
        if (outcome == Outcome.REJECTED) {
            rejected();
            return false;
        }
        if (outcome != Outcome.SUCCESS && outcome != Outcome.CLIENT_ABORTED) {
            failed(outcome, OPENAI_ERRORS);
            price(model, 0, 0);
            return false;
        }
        double scale = customers.promptScale(customer);
        if (r.operation == Catalog.EMBEDDINGS) {
            r.inputTokens = logNormal(220 * scale, 1.1, 1, 8191);
            r.latencyMs = logNormal(120, 0.5, 15, 10_000);
        } else if (r.operation == Catalog.COMPLETIONS) {
            r.inputTokens = logNormal(300 * scale, 0.9, 1, 4000);
            r.outputTokens = logNormal(120, 0.8, 1, 4000);
            r.latencyMs = logNormal(250, 0.5, 40, 20_000) + r.outputTokens * (6 + random.nextInt(12));
        } else {
            r.inputTokens = logNormal(700 * scale, 1.0, 5, 128_000);
            r.outputTokens = model.reasoning() ? logNormal(1100, 0.8, 20, 65_536) : logNormal(180, 0.9, 1, 16_384);
            r.reasoningTokens = model.reasoning() ? (long) (r.outputTokens * (0.45 + 0.4 * random.nextDouble())) : 0;
            if (model.caches() && r.inputTokens >= 1024 && random.nextInt(100) < 40) {
                // served from the prompt cache in steps of 128 tokens beyond the first 1024
                r.cachedInputTokens = 1024 + 128 * random.nextLong((r.inputTokens - 1024) / 128 + 1);
            }
            r.latencyMs = logNormal(300, 0.5, 40, 20_000) + r.outputTokens * (8 + random.nextInt(20));
        }
        r.httpStatus = 200;
        r.outcome = Outcome.SUCCESS;
        if (outcome == Outcome.CLIENT_ABORTED) {
            // The stream ended without its usage: the gateway counts the prompt and the output relayed so far.
            double seen = 0.05 + 0.85 * random.nextDouble();
            r.outputTokens = (long) (r.outputTokens * seen);
            r.reasoningTokens = Math.min(r.reasoningTokens, r.outputTokens);
            r.cachedInputTokens = 0;
            r.estimated = true;
            r.latencyMs = (long) (r.latencyMs * seen);
            r.httpStatus = 499;
            r.outcome = Outcome.CLIENT_ABORTED;
        }
        price(model, r.inputTokens, r.outputTokens);
        return false;
    }

    private boolean elevenLabs(int customer) {
        Row r = row;
        r.provider = Provider.ELEVENLABS;
        r.operation = Catalog.TEXT_TO_SPEECH;
        Catalog.Model model = Catalog.VOICE.pick(random);
        r.model = model.idBytes();
        Outcome outcome = outcome(customer, true);
        if (outcome == Outcome.REJECTED) {
            rejected();
            return false;
        }
        if (outcome != Outcome.SUCCESS && outcome != Outcome.CLIENT_ABORTED) {
            failed(outcome, ELEVENLABS_ERRORS);
            price(model, 0, 0);
            return false;
        }
        // Billed: the characters ElevenLabs reports; the text's own count (estimated) when it reports none.
        r.characters = logNormal(380 * customers.promptScale(customer), 0.9, 1, 10_000);
        r.estimated = random.nextInt(100) < 3;
        r.latencyMs = logNormal(350, 0.4, 60, 20_000) + (long) (r.characters * (0.4 + random.nextDouble()));
        r.httpStatus = 200;
        r.outcome = Outcome.SUCCESS;
        if (outcome == Outcome.CLIENT_ABORTED) {
            r.latencyMs = (long) (r.latencyMs * (0.1 + 0.8 * random.nextDouble()));
            r.httpStatus = 499;
            r.outcome = Outcome.CLIENT_ABORTED;
        }
        price(model, r.characters, 0);
        return false;
    }

    /** A click-to-call; true when the call was placed, so its billed seconds follow in a second row. */
    private boolean clickToCall(int customer) {
        Row r = row;
        r.provider = Provider.SMARTFLO;
        r.operation = Catalog.CLICK_TO_CALL;
        r.model = null;
        Outcome outcome = outcome(customer, false);
        if (outcome == Outcome.REJECTED) {
            rejected();
            return false;
        }
        if (outcome != Outcome.SUCCESS) {
            failed(outcome, SMARTFLO_ERRORS);
            price(Catalog.PHONE_CALL, 0, 0);
            return false;
        }
        r.latencyMs = logNormal(420, 0.4, 80, 10_000);
        r.httpStatus = 200;
        r.outcome = Outcome.SUCCESS;
        price(Catalog.PHONE_CALL, 0, 0);
        return true;
    }

    /**
     * The report of a placed call's seconds, from Smartflo's call record: same customer, key and occurred_at (the
     * call is billed in the month it was placed), an event id derived from the call id, latency the call's length,
     * recorded once the call ended and its record came in.
     */
    private void billedSeconds() {
        Row r = row;
        String callId = Long.toHexString(random.nextLong() | Long.MIN_VALUE);
        UUID eventId = UUID.nameUUIDFromBytes(("smartflo-call:" + callId).getBytes(StandardCharsets.UTF_8));
        r.eventIdMsb = eventId.getMostSignificantBits();
        r.eventIdLsb = eventId.getLeastSignificantBits();
        r.operation = Catalog.CALL;
        r.noUsage();
        // Unanswered calls are billed 0 seconds.
        r.callSeconds = random.nextInt(100) < 12 ? 0 : logNormal(75, 1.0, 1, 3600);
        r.latencyMs = r.callSeconds * 1000;
        r.httpStatus = 200;
        r.outcome = Outcome.SUCCESS;
        r.countsAsCall = false;
        price(Catalog.PHONE_CALL, r.callSeconds, 0);
        r.recordedAt = r.occurredAt + r.callSeconds * 1_000_000 + logNormal(8_000_000, 0.7, 1_000_000, 300_000_000)
                + pipelineDelayMicros();
    }

    private Outcome outcome(int customer, boolean streamable) {
        if (random.nextDouble() >= customers.errorRate(customer)) {
            return Outcome.SUCCESS;
        }
        int x = random.nextInt(100);
        if (x < 58) {
            return Outcome.PROVIDER_ERROR;
        } else if (x < 68) {
            return Outcome.PROVIDER_TIMEOUT;
        } else if (x < 72) {
            return Outcome.PROVIDER_UNREACHABLE;
        } else if (x < 84) {
            return streamable ? Outcome.CLIENT_ABORTED : Outcome.PROVIDER_ERROR;
        }
        return Outcome.REJECTED;
    }

    /** A call that reached no usage: the provider's error answer, its silence or no provider at all. */
    private void failed(Outcome outcome, int[] errorStatuses) {
        Row r = row;
        r.outcome = outcome;
        switch (outcome) {
            case PROVIDER_TIMEOUT -> {
                // silent for the read timeout (120 s), or not connected within the connect timeout (10 s)
                boolean connect = random.nextInt(10) == 0;
                r.latencyMs = (connect ? 10_000 : 120_000) + random.nextInt(40);
                r.httpStatus = 504;
            }
            case PROVIDER_UNREACHABLE -> {
                r.latencyMs = logNormal(20, 1.0, 1, 3_000);
                r.httpStatus = 502;
            }
            default -> {
                r.latencyMs = logNormal(180, 0.7, 5, 30_000);
                r.httpStatus = weighted(errorStatuses);
            }
        }
    }

    /** Refused by the gateway before the provider was called (a BLOCK limit): nothing used, a cost of zero. */
    private void rejected() {
        Row r = row;
        r.outcome = Outcome.REJECTED;
        r.httpStatus = 429;
        r.latencyMs = random.nextInt(3);
        r.pricedModel = null;
        r.costUsd = ZERO;
        r.unpriced = false;
        r.priceId = null;
        r.priceVersion = 0;
    }

    /** Prices the row as the gateway does: by the model's entry; unpriced (no amount) when it has none. */
    private void price(Catalog.Model model, long inputUnits, long outputUnits) {
        Row r = row;
        if (!model.priced()) {
            r.pricedModel = null;
            r.costUsd = null;
            r.unpriced = true;
            r.priceId = null;
            r.priceVersion = 0;
            return;
        }
        r.pricedModel = model.pricedModelBytes();
        r.costUsd = PriceBook.amount(model.entry(), inputUnits, outputUnits);
        r.unpriced = false;
        r.priceId = model.priceIdBytes();
        r.priceVersion = model.entry().version();
    }

    /** One of {@code value, weight, value, weight, ...}, by weight. */
    private int weighted(int[] valuesAndWeights) {
        int total = 0;
        for (int i = 1; i < valuesAndWeights.length; i += 2) {
            total += valuesAndWeights[i];
        }
        int x = random.nextInt(total);
        for (int i = 1; i < valuesAndWeights.length; i += 2) {
            x -= valuesAndWeights[i];
            if (x < 0) {
                return valuesAndWeights[i - 1];
            }
        }
        return valuesAndWeights[valuesAndWeights.length - 2];
    }

    private long logNormal(double median, double sigma, long min, long max) {
        long value = Math.round(median * Math.exp(sigma * random.nextGaussian()));
        return Math.max(min, Math.min(max, value));
    }
}
