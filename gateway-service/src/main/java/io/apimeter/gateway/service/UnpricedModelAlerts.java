package io.apimeter.gateway.service;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import io.apimeter.gateway.messaging.AlertEventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Tells the admins when calls are recorded unpriced because the price book has no price for their model: an
 * {@code UNPRICED_MODEL} alert for the platform, at most once per provider and model family per hour on this
 * replica, so a flood of calls to a new model does not flood the admins. Only calls that used something are
 * reported: a call the provider refused costs nothing, and a client cannot raise alerts with made-up model names.
 */
@ApplicationScoped
public class UnpricedModelAlerts {
    static final Duration QUIET_PERIOD = Duration.ofHours(1);
    /** After the broker refused an alert, how long until a call of the model tries again. */
    static final Duration RETRY_AFTER = Duration.ofMinutes(1);
    private static final Logger LOG = Logger.getLogger(UnpricedModelAlerts.class);
    private static final int FORGET_ABOVE = 10_000;

    private final AlertEventPublisher publisher;
    /** Provider and model family of each alert raised, with when (System.nanoTime()). */
    private final Map<String, Long> raised = new ConcurrentHashMap<>();

    public UnpricedModelAlerts(AlertEventPublisher publisher) {
        this.publisher = publisher;
    }

    /** Looks at a metered call; raises the alert when it is the first unpriced one of its model this hour. */
    public void check(UsageEvent event) {
        if (!event.cost().unpriced() || !usedSomething(event.usage())) {
            return;
        }
        String family = event.model() == null ? "(no model)" : ModelFamilies.familyOf(event.model());
        String key = event.provider() + "/" + family;
        long now = System.nanoTime();
        boolean[] first = {false};
        raised.compute(key, (k, last) -> {
            if (last == null || now - last >= QUIET_PERIOD.toNanos()) {
                first[0] = true;
                return now;
            }
            return last;
        });
        if (!first[0]) {
            return;
        }
        forgetOldOnes(now);
        String month = event.billingMonth().toString();
        AlertEvent alert = new AlertEvent(UUID.randomUUID(), AlertType.UNPRICED_MODEL, AlertEvent.PLATFORM, null,
                month, null, null, null,
                String.format("%s model %s has no price: calls by customer %s in %s are recorded unpriced."
                                + " Add a price for %s model %s with POST /admin/prices.",
                        event.provider(), event.model() == null ? "(none)" : event.model(), event.customerId(), month,
                        event.provider(), family),
                event.occurredAt(), event.eventId());
        LOG.warnf("%s model %s has no price; customer %s's call %s is recorded unpriced", event.provider(),
                event.model(), event.customerId(), event.eventId());
        publisher.publish(alert).whenComplete((ok, error) -> {
            if (error != null) {
                // An unpriced call of the model a minute from now tries again; not every call while Kafka is away.
                raised.replace(key, now, now - QUIET_PERIOD.toNanos() + RETRY_AFTER.toNanos());
                LOG.warnf("the UNPRICED_MODEL alert for %s was not published: %s", key, error.toString());
            }
        });
    }

    private static boolean usedSomething(Usage usage) {
        return usage.totalTokens() > 0 || usage.characters() > 0 || usage.callSeconds() > 0;
    }

    private void forgetOldOnes(long now) {
        if (raised.size() > FORGET_ABOVE) {
            raised.values().removeIf(at -> now - at >= QUIET_PERIOD.toNanos());
        }
    }
}
