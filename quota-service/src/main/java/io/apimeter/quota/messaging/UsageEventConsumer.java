package io.apimeter.quota.messaging;

import io.apimeter.common.messaging.DeadLetters;
import io.apimeter.common.messaging.Retrying;
import io.apimeter.events.Channels;
import io.apimeter.events.EventJson;
import io.apimeter.events.UsageEvent;
import io.apimeter.quota.config.QuotaConfig;
import io.apimeter.quota.service.QuotaService;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Applies each usage event to the monthly counters. The record is acknowledged (and its offset later
 * committed) only once the transaction has committed; an invalid record or one that keeps failing is
 * nacked and goes to {@code usage-events-dlq}.
 */
@ApplicationScoped
public class UsageEventConsumer {
    private final QuotaService quotas;
    private final QuotaConfig config;

    public UsageEventConsumer(QuotaService quotas, QuotaConfig config) {
        this.quotas = quotas;
        this.config = config;
    }

    @Incoming(Channels.USAGE_EVENTS_IN)
    @Blocking
    public void consume(String payload) {
        UsageEvent event = DeadLetters.parse(payload, "usage event", EventJson::readUsageEvent);
        Retrying.run("applying usage event " + event.eventId(), config.applyAttempts(), config.applyBackoff(),
                () -> quotas.apply(event));
    }
}
