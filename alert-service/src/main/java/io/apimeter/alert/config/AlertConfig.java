package io.apimeter.alert.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Settings of alert-service, under {@code apimeter.alert}. */
@ConfigMapping(prefix = "apimeter.alert")
public interface AlertConfig {

    /** Admin addresses every alert is mailed to; comma-separated in env ALERT_ADMIN_EMAILS. */
    @WithDefault("admin@apimeter.local")
    List<String> adminEmails();

    /** How often the notification sender looks for messages due (at least 1s). */
    @WithDefault("1s")
    Duration sendInterval();

    /** Most notifications one sender transaction handles. */
    @WithDefault("20")
    int sendBatchSize();

    /** Pause before the second attempt to send a notification; doubled after each further failure. */
    @WithDefault("5s")
    Duration retryInitialBackoff();

    /** Longest pause between two attempts. */
    @WithDefault("5m")
    Duration retryMaxBackoff();

    /** Attempts after which a notification is marked FAILED and no longer tried. */
    @WithDefault("20")
    int maxAttempts();

    /** Attempts to store one alert event (database failures) before it goes to the dead-letter topic. */
    @WithDefault("5")
    int applyAttempts();

    /** Pause after the first failed attempt to store an event; doubled after each further one. */
    @WithDefault("200ms")
    Duration applyBackoff();
}
