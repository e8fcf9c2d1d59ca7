package io.apimeter.quota.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.math.BigDecimal;
import java.time.Duration;

/** Settings of quota-service, under {@code apimeter.quota}. */
@ConfigMapping(prefix = "apimeter.quota")
public interface QuotaConfig {

    /**
     * How often the outbox relay looks for events left to publish (alerts, quota statuses: a failed send,
     * another replica's rows). A run also starts right after each transaction that wrote to the outbox. At least 1s.
     */
    @WithDefault("1s")
    Duration outboxInterval();

    /** Most outbox rows one relay transaction sends. */
    @WithDefault("100")
    int outboxBatchSize();

    /** How long the relay waits for the broker to acknowledge one record before it tries again later. */
    @WithDefault("10s")
    Duration outboxSendTimeout();


    /** How often minute and hourly counts older than their retention are deleted. Longer than zero. */
    @WithDefault("10m")
    Duration pruneInterval();

    /**
     * How long per-minute request and cost counts are kept: at least the 60-minute look-back of unusual
     * activity; the margin beyond it lets a late event still count in its own minute. At least 1h; the service
     * does not start with less.
     */
    @WithDefault("2h")
    Duration minuteCountsRetention();

    /**
     * How long the ids of applied usage events are remembered to ignore redeliveries. Keep it longer than
     * the retention of the usage-events topic: a replay from further back than this would count twice. At least
     * 1d; the service does not start with less.
     */
    @WithDefault("30d")
    Duration processedEventRetention();

    /** The unusual-activity rule, see {@link Unusual}. */
    Unusual unusual();

    /**
     * UNUSUAL_ACTIVITY: a customer's requests (or cost) in the last 60 minutes, by occurredAt, are more than
     * {@link #factor()} times its own average hourly requests (or cost) over the previous
     * {@link #baselineDays()} days, the last hour has at least {@link #minRequests()} requests (or
     * {@link #minCostUsd()} USD), and the customer has at least {@link #minHistoryHours()} hours of history.
     * At most one alert per customer per {@link #cooldown()}.
     */
    interface Unusual {
        /** Whether the rule is evaluated at all. */
        @WithDefault("true")
        boolean enabled();

        /** How many times its hourly average the last hour must exceed. */
        @WithDefault("5")
        BigDecimal factor();

        /**
         * Days before the last hour over which the hourly average is taken (hours since the first call only); hourly
         * counts are kept one day longer. At least 1.
         */
        @WithDefault("7")
        int baselineDays();

        /** Fewest requests in the last hour for the request rule to apply. */
        @WithDefault("100")
        long minRequests();

        /** Least cost in USD in the last hour for the cost rule to apply. */
        @WithDefault("5")
        BigDecimal minCostUsd();

        /** Hours between the customer's first call and the start of the last hour before the rule applies. */
        @WithDefault("24")
        int minHistoryHours();

        /** Least time between two UNUSUAL_ACTIVITY alerts of one customer (by occurredAt). */
        @WithDefault("1h")
        Duration cooldown();
    }
}
