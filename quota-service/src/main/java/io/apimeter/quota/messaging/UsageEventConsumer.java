package io.apimeter.quota.messaging;

import io.apimeter.common.messaging.ConsumerLoops;
import io.apimeter.events.EventJson;
import io.apimeter.events.Topics;
import io.apimeter.quota.service.QuotaService;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Applies the usage events to the monthly counters, a poll's events in one transaction, and commits their offsets
 * after it; a record that is not a valid event goes to {@code usage-events-dlq}; a database outage is waited out
 * ({@link io.apimeter.common.messaging.BatchConsumer}).
 */
@ApplicationScoped
public class UsageEventConsumer {
    /** The consumer group, shared by every replica. */
    public static final String GROUP = "quota-service";

    private final QuotaService quotas;

    public UsageEventConsumer(QuotaService quotas) {
        this.quotas = quotas;
    }

    void start(@Observes StartupEvent event, ConsumerLoops loops) {
        loops.start("usage-events", Topics.USAGE_EVENTS, GROUP, record -> EventJson.readUsageEvent(record.value()),
                quotas::applyAll);
    }
}
