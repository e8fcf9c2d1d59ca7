package io.apimeter.benchmark;

import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;

/**
 * The sums of everything published, per provider, added up while the events are generated: what the
 * consumers' tables must hold for this run's customers once they have caught up.
 */
final class ExpectedTotals {
    private final Map<Provider, long[]> counts = new EnumMap<>(Provider.class);
    private final Map<Provider, BigDecimal> costs = new EnumMap<>(Provider.class);
    private long events;

    private static final int CALLS = 0;
    private static final int ERRORS = 1;
    private static final int INPUT = 2;
    private static final int OUTPUT = 3;
    private static final int CACHED = 4;
    private static final int REASONING = 5;
    private static final int CHARACTERS = 6;
    private static final int SECONDS = 7;

    ExpectedTotals() {
        for (Provider provider : Provider.values()) {
            counts.put(provider, new long[8]);
            costs.put(provider, BigDecimal.ZERO);
        }
    }

    /** Adds one published event (the way the consumers count it: every outcome is a call, errors are counted). */
    void add(UsageEvent event) {
        long[] c = counts.get(event.provider());
        Usage usage = event.usage();
        c[CALLS]++;
        if (event.outcome().isError()) {
            c[ERRORS]++;
        }
        c[INPUT] = Math.addExact(c[INPUT], usage.inputTokens());
        c[OUTPUT] = Math.addExact(c[OUTPUT], usage.outputTokens());
        c[CACHED] = Math.addExact(c[CACHED], usage.cachedInputTokens());
        c[REASONING] = Math.addExact(c[REASONING], usage.reasoningTokens());
        c[CHARACTERS] = Math.addExact(c[CHARACTERS], usage.characters());
        c[SECONDS] = Math.addExact(c[SECONDS], usage.callSeconds());
        costs.merge(event.provider(), event.cost().amountOrZero(), BigDecimal::add);
        events++;
    }

    long events() {
        return events;
    }

    ProviderTotals of(Provider provider) {
        long[] c = counts.get(provider);
        return new ProviderTotals(c[CALLS], c[ERRORS], c[INPUT], c[OUTPUT], c[CACHED], c[REASONING], c[CHARACTERS],
                c[SECONDS], costs.get(provider));
    }

    /** All providers together. */
    ProviderTotals all() {
        long[] sum = new long[8];
        BigDecimal cost = BigDecimal.ZERO;
        for (Provider provider : Provider.values()) {
            long[] c = counts.get(provider);
            for (int i = 0; i < sum.length; i++) {
                sum[i] = Math.addExact(sum[i], c[i]);
            }
            cost = cost.add(costs.get(provider));
        }
        return new ProviderTotals(sum[CALLS], sum[ERRORS], sum[INPUT], sum[OUTPUT], sum[CACHED], sum[REASONING],
                sum[CHARACTERS], sum[SECONDS], cost);
    }

    /** What quota-service counts: tokens of OpenAI calls, characters of ElevenLabs, seconds of Smartflo. */
    QuotaTotals quota() {
        ProviderTotals openai = of(Provider.OPENAI);
        return new QuotaTotals(Math.addExact(openai.inputTokens(), openai.outputTokens()),
                of(Provider.ELEVENLABS).characters(), of(Provider.SMARTFLO).callSeconds(), all().cost(), events);
    }
}
