package io.apimeter.e2e;

import io.apimeter.simulator.ProviderSimulator;
import io.apimeter.simulator.smartflo.SmartfloSignature;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady, open-loop load through the gateway: one call slot at a fixed rate whether or not earlier calls were
 * answered, the slots going round the customers and through a fixed mix of OpenAI chat (whole, streamed, and a
 * few the provider fails), ElevenLabs text-to-speech and Smartflo click-to-call, each click-to-call followed by the
 * call record Smartflo posts to the gateway's webhook when the call ends (to the customer's own URL, signed with its
 * Smartflo webhook secret).
 *
 * <p>Every call can be found again in the usage log: OpenAI and ElevenLabs calls name a model of their own
 * (slot n of an OpenAI call asks for {@code gpt-3.5-turbo-0000-00-n}, which the gateway prices as
 * {@code gpt-3.5-turbo}, the suffix looking like a date); a call record's usage event id is derived from its
 * call id; a click-to-call has the same {@code occurredAt} as its call record. The quantities of slot n are fixed
 * ({@link #inputTokens(long)} ...), so the usage the run will reach can be planned.
 */
final class HarnessLoad {
    enum Kind { CHAT, CHAT_ERROR, CHAT_STREAM, SPEECH, CLICK_TO_CALL, CALL_RECORD }

    /**
     * A customer of the run: its id, its platform API key, its contact address and the Smartflo webhook secret the
     * platform issued it (its call records are signed with it). The key and the secret stay out of {@link #toString}.
     */
    record Customer(String id, String apiKey, String contact, String smartfloWebhookSecret) {
        @Override
        public String toString() {
            return "Customer[id=" + id + ", contact=" + contact + "]";
        }
    }

    /**
     * One HTTP call to the gateway and what came of it. {@code marker} is the model the call named (OpenAI,
     * ElevenLabs) or the Smartflo call id; {@code status} is 0 when no answer came; {@code problem} says what was
     * wrong with the answer (null when it was the expected one).
     */
    record Answer(long slot, Kind kind, String customer, String marker, long inputTokens, long outputTokens,
                  long characters, long seconds, int status, String problem, long startedNanos, long answeredNanos) {
        boolean answered() {
            return status > 0;
        }

        /** The provider failed this call on purpose: a 5xx passed through is the right answer. */
        boolean providerError() {
            return kind == Kind.CHAT_ERROR;
        }

        /** The usage event id the gateway derives from a Smartflo call id (call records only). */
        UUID callRecordEventId() {
            return UUID.nameUUIDFromBytes(("smartflo-call:" + marker).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The mix, per customer: 20 slots, of which one in 20 is an OpenAI call the provider fails with a 500. */
    private static final Kind[] MIX = {
            Kind.CHAT, Kind.CHAT_STREAM, Kind.SPEECH, Kind.CLICK_TO_CALL, Kind.CHAT,
            Kind.SPEECH, Kind.CHAT_STREAM, Kind.CHAT, Kind.SPEECH, Kind.CHAT_ERROR,
            Kind.CHAT_STREAM, Kind.CLICK_TO_CALL, Kind.CHAT, Kind.SPEECH, Kind.CHAT_STREAM,
            Kind.CHAT, Kind.CLICK_TO_CALL, Kind.CHAT, Kind.SPEECH, Kind.CHAT_STREAM};
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final String gateway;
    private final List<Customer> customers;
    private final ProviderSimulator simulator;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final AtomicLong slots = new AtomicLong();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger maxBacklog = new AtomicInteger();
    private ScheduledExecutorService pace;
    private ThreadPoolExecutor workers;

    HarnessLoad(String gatewayUrl, List<Customer> customers, ProviderSimulator simulator) {
        this.gateway = gatewayUrl;
        this.customers = List.copyOf(customers);
        this.simulator = simulator;
    }

    // ---- the plan: what slot n is -------------------------------------------------------------------------

    static int customerOf(long slot, int customers) {
        return (int) (slot % customers);
    }

    static Kind kindOf(long slot, int customers) {
        return MIX[(int) ((slot / customers) % MIX.length)];
    }

    static long inputTokens(long slot) {
        return 20 + slot % 180;
    }

    static long outputTokens(long slot) {
        return 5 + slot % 40;
    }

    static long characters(long slot) {
        return 50 + slot % 350;
    }

    static long seconds(long slot) {
        return 10 + slot % 170;
    }

    /** The model an OpenAI or ElevenLabs call of this slot names: unique per slot, priced as its family. */
    static String model(Kind kind, long slot) {
        String dated = String.format(Locale.ROOT, "%04d-%02d-%02d", slot / 10_000, (slot / 100) % 100, slot % 100);
        return switch (kind) {
            case CHAT, CHAT_ERROR -> "gpt-3.5-turbo-" + dated;
            case CHAT_STREAM -> "gpt-4-" + dated;
            case SPEECH -> "eleven_multilingual_v2-h" + slot;
            default -> null;
        };
    }

    /**
     * What a customer will have used after the first {@code slotCount} slots, priced with the default price book
     * (gpt-3.5-turbo $0.0005/$0.0015 and gpt-4 $0.03/$0.06 per 1,000 tokens, ElevenLabs $0.30 per 10,000
     * characters, Smartflo $0.02 per minute): to size quotas so that thresholds are crossed during the run.
     */
    static Planned planned(int customer, int customers, long slotCount) {
        long tokens = 0;
        long chars = 0;
        long secs = 0;
        BigDecimal cost = BigDecimal.ZERO;
        for (long slot = customer; slot < slotCount; slot += customers) {
            switch (kindOf(slot, customers)) {
                case CHAT -> {
                    tokens += inputTokens(slot) + outputTokens(slot);
                    cost = cost.add(perThousand(inputTokens(slot), "0.0005")).add(perThousand(outputTokens(slot), "0.0015"));
                }
                case CHAT_STREAM -> {
                    tokens += inputTokens(slot) + outputTokens(slot);
                    cost = cost.add(perThousand(inputTokens(slot), "0.03")).add(perThousand(outputTokens(slot), "0.06"));
                }
                case SPEECH -> {
                    chars += characters(slot);
                    cost = cost.add(BigDecimal.valueOf(characters(slot)).multiply(new BigDecimal("0.00003")));
                }
                case CLICK_TO_CALL -> {
                    secs += seconds(slot);
                    cost = cost.add(BigDecimal.valueOf(seconds(slot)).multiply(new BigDecimal("0.02"))
                            .divide(BigDecimal.valueOf(60), 12, java.math.RoundingMode.HALF_UP));
                }
                default -> {
                }
            }
        }
        return new Planned(tokens, chars, secs, cost);
    }

    record Planned(long tokens, long characters, long seconds, BigDecimal costUsd) {
    }

    private static BigDecimal perThousand(long units, String price) {
        return BigDecimal.valueOf(units).multiply(new BigDecimal(price)).movePointLeft(3);
    }

    // ---- running -----------------------------------------------------------------------------------------

    /** Starts the load: {@code slotsPerSecond} call slots a second (each click-to-call slot makes two calls). */
    void start(double slotsPerSecond) {
        workers = new ThreadPoolExecutor(96, 96, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                r -> daemon(r, "harness-call"));
        pace = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "harness-pace"));
        long period = Math.round(1_000_000_000L / slotsPerSecond);
        pace.scheduleAtFixedRate(() -> {
            long slot = slots.getAndIncrement();
            workers.execute(() -> call(slot));
            maxBacklog.accumulateAndGet(workers.getQueue().size(), Math::max);
        }, 0, period, TimeUnit.NANOSECONDS);
    }

    /** Stops making new calls and waits for the calls in flight to be answered. */
    void stop(Duration patience) throws InterruptedException {
        pace.shutdownNow();
        pace.awaitTermination(10, TimeUnit.SECONDS);
        workers.shutdown();
        if (!workers.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            workers.shutdownNow();
        }
    }

    /** Calls answered (whatever the status) so far. */
    int answered() {
        return answered.get();
    }

    long slots() {
        return slots.get();
    }

    int maxBacklog() {
        return maxBacklog.get();
    }

    List<Answer> answers() {
        return new ArrayList<>(answers);
    }

    /** Calls that started at or after {@code fromNanos} and were answered by {@code toNanos} (System.nanoTime). */
    int answeredBetween(long fromNanos, long toNanos) {
        int count = 0;
        for (Answer answer : answers) {
            if (answer.answered() && answer.startedNanos() - fromNanos >= 0 && toNanos - answer.answeredNanos() >= 0) {
                count++;
            }
        }
        return count;
    }

    private void call(long slot) {
        Customer customer = customers.get(customerOf(slot, customers.size()));
        Kind kind = kindOf(slot, customers.size());
        try {
            switch (kind) {
                case CHAT, CHAT_ERROR, CHAT_STREAM -> chat(customer, kind, slot);
                case SPEECH -> speech(customer, slot);
                case CLICK_TO_CALL -> {
                    String callId = clickToCall(customer, slot);
                    if (callId != null) {
                        callRecord(customer, slot, callId);
                    }
                }
                default -> throw new IllegalStateException(kind.name());
            }
        } catch (RuntimeException e) {
            answers.add(new Answer(slot, kind, customer.id(), null, 0, 0, 0, 0, 0, "harness: " + e, System.nanoTime(),
                    System.nanoTime()));
        }
    }

    private void chat(Customer customer, Kind kind, long slot) {
        String model = model(kind, slot);
        boolean stream = kind == Kind.CHAT_STREAM;
        HttpRequest.Builder request = request("/openai/v1/chat/completions")
                .header("Authorization", "Bearer " + customer.apiKey())
                .header("Content-Type", "application/json")
                .header("x-sim-prompt-tokens", String.valueOf(inputTokens(slot)))
                .header("x-sim-completion-tokens", String.valueOf(outputTokens(slot)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"harness call " + slot + "\"}]}"));
        if (kind == Kind.CHAT_ERROR) {
            request.header("x-sim-status", "500");
        }
        long started = System.nanoTime();
        Exchange exchange = send(request.build());
        String problem = exchange.problem;
        if (problem == null) {
            if (kind == Kind.CHAT_ERROR) {
                problem = exchange.status == 500 ? null : unexpected(exchange, 500);
            } else if (exchange.status != 200) {
                problem = unexpected(exchange, 200);
            } else if (stream) {
                problem = exchange.body.contains("data: [DONE]") ? null : "the stream did not end with [DONE]";
            } else {
                long prompt = JsonPath.from(exchange.body).getLong("usage.prompt_tokens");
                problem = prompt == inputTokens(slot) ? null : "the answer says " + prompt + " prompt tokens";
            }
        }
        boolean billed = kind != Kind.CHAT_ERROR;
        answers.add(new Answer(slot, kind, customer.id(), model, billed ? inputTokens(slot) : 0,
                billed ? outputTokens(slot) : 0, 0, 0, exchange.status, problem, started, exchange.answeredNanos));
        count(exchange);
    }

    private void speech(Customer customer, long slot) {
        String model = model(Kind.SPEECH, slot);
        String text = "harness speech " + slot;
        HttpRequest request = request("/elevenlabs/v1/text-to-speech/harness-voice")
                .header("xi-api-key", customer.apiKey())
                .header("Content-Type", "application/json")
                .header("x-sim-character-cost", String.valueOf(characters(slot)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\",\"model_id\":\"" + model + "\"}"))
                .build();
        long started = System.nanoTime();
        Exchange exchange = send(request);
        String problem = exchange.problem;
        if (problem == null && exchange.status != 200) {
            problem = unexpected(exchange, 200);
        } else if (problem == null && exchange.bytes != 64L * text.length()) {
            problem = "the audio has " + exchange.bytes + " bytes, not " + 64L * text.length();
        }
        answers.add(new Answer(slot, Kind.SPEECH, customer.id(), model, 0, 0, characters(slot), 0, exchange.status,
                problem, started, exchange.answeredNanos));
        count(exchange);
    }

    /** Places the call; its call id when the gateway answered 200 with one. */
    private String clickToCall(Customer customer, long slot) {
        HttpRequest request = request("/smartflo/v1/click_to_call")
                .header("Authorization", "Bearer " + customer.apiKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"agent_number\":\"0501234567\",\"destination_number\":\"91"
                        + (9_000_000_000L + slot) + "\"}"))
                .build();
        long started = System.nanoTime();
        Exchange exchange = send(request);
        String problem = exchange.problem;
        String callId = null;
        if (problem == null && exchange.status != 200) {
            problem = unexpected(exchange, 200);
        } else if (problem == null) {
            callId = JsonPath.from(exchange.body).getString("call_id");
            problem = callId == null ? "no call_id in " + exchange.body : null;
        }
        answers.add(new Answer(slot, Kind.CLICK_TO_CALL, customer.id(), callId, 0, 0, 0, 0, exchange.status, problem,
                started, exchange.answeredNanos));
        count(exchange);
        return problem == null ? callId : null;
    }

    /**
     * The call ends after {@link #seconds(long)} billed seconds; Smartflo posts its record to the customer's webhook
     * URL, signed over the raw body with the customer's webhook secret.
     */
    private void callRecord(Customer customer, long slot, String callId) {
        byte[] record = simulator.completeCall(callId, seconds(slot)).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = request("/smartflo/webhooks/cdr/" + customer.id())
                .header(SmartfloSignature.HEADER, SmartfloSignature.sign(customer.smartfloWebhookSecret(), record))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(record))
                .build();
        long started = System.nanoTime();
        Exchange exchange = send(request);
        String problem = exchange.problem;
        if (problem == null && exchange.status != 200) {
            problem = unexpected(exchange, 200);
        } else if (problem == null && Boolean.TRUE.equals(JsonPath.from(exchange.body).get("duplicate"))) {
            problem = "the gateway took the first record of " + callId + " for a duplicate";
        }
        answers.add(new Answer(slot, Kind.CALL_RECORD, customer.id(), callId, 0, 0, 0, seconds(slot), exchange.status,
                problem, started, exchange.answeredNanos));
        count(exchange);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(gateway + path)).timeout(CALL_TIMEOUT);
    }

    private void count(Exchange exchange) {
        if (exchange.status > 0) {
            answered.incrementAndGet();
        }
    }

    private static String unexpected(Exchange exchange, int expected) {
        String body = exchange.body == null ? "" : exchange.body;
        return "status " + exchange.status + " (expected " + expected + "): "
                + body.substring(0, Math.min(200, body.length()));
    }

    /** The status and body of one exchange, or the reason there was none. */
    private static final class Exchange {
        int status;
        String body;
        long bytes;
        String problem;
        long answeredNanos;
    }

    private Exchange send(HttpRequest request) {
        Exchange exchange = new Exchange();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            exchange.status = response.statusCode();
            exchange.bytes = response.body().length;
            exchange.body = new String(response.body(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            exchange.problem = "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.problem = "interrupted";
        }
        exchange.answeredNanos = System.nanoTime();
        return exchange;
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
