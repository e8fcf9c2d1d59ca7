package io.apimeter.quota.service;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.Months;
import io.apimeter.events.QuotaDimension;
import io.apimeter.quota.entity.Quota;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * RATE_LIMIT: one alert per burst, a burst being consecutive UTC minutes in which the customer made more
 * requests than its requests-per-minute limit. The first call over the limit in a minute marks the minute;
 * the alert fires unless the minute before (or after) is marked too. The caller holds the customer's lock.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class RateLimits {
    private static final Logger LOG = Logger.getLogger(RateLimits.class);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm 'UTC on' yyyy-MM-dd")
            .withZone(ZoneOffset.UTC);

    private final ActivityCounters counters;
    private final AlertLedger ledger;
    private final Outbox outbox;

    public RateLimits(ActivityCounters counters, AlertLedger ledger, Outbox outbox) {
        this.counters = counters;
        this.ledger = ledger;
        this.outbox = outbox;
    }

    /** Checks the minute of one call just counted; returns the alert fired, or null. */
    public AlertEvent check(Quota quota, ActivityCounters.Minute minute, Instant occurredAt, UUID causeEventId) {
        Integer limit = quota.requestsPerMinute;
        if (limit == null || minute.requests() <= limit || minute.overLimit()) {
            return null;
        }
        if (!counters.markOverLimit(quota.customerId, minute.start())
                || counters.neighbourOverLimit(quota.customerId, minute.start())) {
            return null;
        }
        AlertEvent alert = new AlertEvent(UUID.randomUUID(), AlertType.RATE_LIMIT, quota.customerId,
                QuotaDimension.REQUESTS_PER_MINUTE, Months.of(minute.start()).toString(), 100,
                BigDecimal.valueOf(minute.requests()), BigDecimal.valueOf(limit),
                message(quota.customerId, minute, limit), occurredAt, causeEventId);
        if (!ledger.recordActivityAlert(quota.customerId, AlertType.RATE_LIMIT, minute.start(), alert.eventId(),
                causeEventId, Instant.now().truncatedTo(ChronoUnit.MICROS))) {
            return null;
        }
        outbox.add(alert);
        LOG.infof("RATE_LIMIT alert for %s: %s", quota.customerId, alert.message());
        return alert;
    }

    static String message(String customerId, ActivityCounters.Minute minute, int limit) {
        return customerId + " made " + AlertMessages.number(BigDecimal.valueOf(minute.requests()))
                + " requests in the minute of " + MINUTE.format(minute.start()) + ", over its limit of "
                + AlertMessages.number(BigDecimal.valueOf(limit)) + " requests per minute";
    }
}
