package io.apimeter.alert.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of alert-service, under {@code apimeter.alert}. */
@ConfigMapping(prefix = "apimeter.alert")
public interface AlertConfig {

    /** Admin addresses every alert is mailed to; comma-separated in env ALERT_ADMIN_EMAILS. */
    @WithDefault("admin@apimeter.local")
    List<String> adminEmails();

    /**
     * How often the notification sender looks for messages due (at least 1s). A new alert wakes it at once;
     * the rounds pick up retries that came due.
     */
    @WithDefault("1s")
    Duration sendInterval();

    /** Most notifications one sender transaction handles. */
    @WithDefault("20")
    int sendBatchSize();

    /**
     * How many notifications of a batch are sent at the same time. Each send waits for the mail server (or the
     * webhook) to answer; sending several at once keeps a burst of alerts from queueing behind one another.
     */
    @WithDefault("8")
    int sendConcurrency();

    /** Pause before the second attempt to send a notification; doubled after each further failure. */
    @WithDefault("5s")
    Duration retryInitialBackoff();

    /** Longest pause between two attempts. */
    @WithDefault("5m")
    Duration retryMaxBackoff();

    /** Attempts after which a notification is marked FAILED and no longer tried. */
    @WithDefault("20")
    int maxAttempts();

    /**
     * How long a sender holds the notifications it has claimed before another sender (another replica, or this
     * one after a crash) may take them over. Must be longer than one send takes (mail timeout, webhook timeout).
     */
    @WithDefault("2m")
    Duration sendLease();

    /**
     * How long a mail send waits for the mail server's answer before a warning; the answer is still waited for up
     * to half the lease, since a late acceptance given up on would be sent again.
     */
    @WithDefault("30s")
    Duration mailTimeout();

    /**
     * On shutdown, how long sends under way may take to be accepted and marked; a mail whose mark did not make it
     * in time may be sent again after the lease.
     */
    @WithDefault("30s")
    Duration stopTimeout();


    /** Webhooks of customers. */
    Webhook webhook();

    /** Settings of customers' webhooks, under {@code apimeter.alert.webhook}. */
    interface Webhook {
        /**
         * The key each webhook's signing secret is derived from (env ALERT_WEBHOOK_SIGNING_KEY), at least 32
         * characters. Without it webhooks cannot be created (503) and deliveries wait; the service still runs.
         * Changing it changes every webhook's secret.
         */
        Optional<String> signingKey();

        /**
         * Whether webhook URLs may point at loopback, private, link-local, CGNAT or other internal addresses
         * (env ALERT_WEBHOOK_ALLOW_PRIVATE). Only for tests and local demos with a receiver on 127.0.0.1.
         */
        @WithDefault("false")
        boolean allowPrivateAddresses();

        /** Longest a delivery may take, from connecting to the end of the answer. */
        @WithDefault("5s")
        Duration timeout();
    }
}
