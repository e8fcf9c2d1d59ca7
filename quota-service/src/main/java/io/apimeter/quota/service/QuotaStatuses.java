package io.apimeter.quota.service;

import io.apimeter.events.Months;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.quota.entity.CustomerState;
import io.apimeter.quota.entity.MonthlyUsage;
import io.apimeter.quota.entity.Quota;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * A customer's QuotaStatus for the gateway, always of the current UTC month, written to the outbox in the
 * transaction of the change: on every quota change, and after a usage event only when what the gateway
 * decides on changed (the month, the monthly dimensions at 100% under BLOCK, {@code rateLimitedUntil}). The
 * caller holds the customer's lock, so statuses of one customer enter the outbox in order.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class QuotaStatuses {
    private static final Logger LOG = Logger.getLogger(QuotaStatuses.class);

    private final EntityManager em;
    private final ActivityCounters counters;
    private final Outbox outbox;

    public QuotaStatuses(EntityManager em, ActivityCounters counters, Outbox outbox) {
        this.em = em;
        this.counters = counters;
        this.outbox = outbox;
    }

    /**
     * Writes the customer's status to the outbox when {@code always} or when it differs from the last one
     * written in what the gateway decides on; returns it, or null when nothing was written. Its updatedAt is
     * taken under the customer's lock and is always after the previous one's, so that a consumer keeping the
     * newest by updatedAt keeps the last decided, even with replicas whose clocks differ a little.
     */
    public QuotaStatus publish(CustomerState state, Quota quota, boolean always) {
        return publish(state, quota, always, null);
    }

    /**
     * As {@link #publish(CustomerState, Quota, boolean)}, after counting the customer's events up to
     * {@code lastEventId}. A customer with a monthly limit in BLOCK mode gets a status after every batch of its
     * events, naming the last: each gateway replica adds what it metered after that event to the status's
     * figures, so that a BLOCK limit holds while events are on their way (see the gateway's UsageLedger).
     */
    public QuotaStatus publish(CustomerState state, Quota quota, boolean always, UUID lastEventId) {
        boolean counting = lastEventId != null && blocksMonthly(quota);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (state.statusUpdatedAt != null && !now.isAfter(state.statusUpdatedAt)) {
            now = state.statusUpdatedAt.plus(1, ChronoUnit.MICROS);
        }
        YearMonth month = Months.of(now);
        MonthlyUsage usage = em.find(MonthlyUsage.class, new MonthlyUsage.Key(quota.customerId, month.toString()));
        long requestsThisMinute = quota.requestsPerMinute == null ? 0 : counters.requestsIn(quota.customerId, now);
        QuotaStatus status = of(quota, usage, requestsThisMinute, now);
        if (counting) {
            status = new QuotaStatus(status.customerId(), status.month(), status.blocked(), status.dimensions(),
                    status.rateLimitedUntil(), status.updatedAt(), lastEventId);
        }
        String fingerprint = fingerprint(status);
        if (!always && !counting && fingerprint.equals(state.statusFingerprint)) {
            return null;
        }
        state.statusFingerprint = fingerprint;
        state.statusUpdatedAt = now;
        state.updatedAt = now;
        outbox.add(status);
        LOG.debugf("quota status of %s: %s", quota.customerId, fingerprint);
        return status;
    }

    /**
     * The status at {@code now}: every limited dimension of the current month (percent rounded down, so that
     * 100 means reached; 100 for a limit of zero) and requests per minute in the current minute. {@code blocked}
     * follows the gateway's rule: enforcement BLOCK and some monthly dimension with {@code used >= limit}.
     *
     * @param usage              the current month's counters, null when nothing was used
     * @param requestsThisMinute requests counted in the UTC minute of {@code now}
     */
    static QuotaStatus of(Quota quota, MonthlyUsage usage, long requestsThisMinute, Instant now) {
        Enforcement enforcement = Enforcement.valueOf(quota.enforcement);
        List<QuotaStatus.Dimension> dimensions = new ArrayList<>();
        boolean exceeded = false;
        for (DimensionUsage dimension : MonthlyStanding.of(usage, quota)) {
            if (dimension.limit() == null) {
                continue;
            }
            exceeded |= dimension.exceeded();
            dimensions.add(dimension(dimension, enforcement));
        }
        Instant rateLimitedUntil = null;
        if (quota.requestsPerMinute != null) {
            DimensionUsage perMinute = new DimensionUsage(QuotaDimension.REQUESTS_PER_MINUTE,
                    BigDecimal.valueOf(requestsThisMinute), BigDecimal.valueOf(quota.requestsPerMinute));
            dimensions.add(dimension(perMinute, enforcement));
            if (enforcement == Enforcement.BLOCK && perMinute.exceeded()) {
                rateLimitedUntil = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
            }
        }
        return new QuotaStatus(quota.customerId, Months.of(now).toString(), enforcement == Enforcement.BLOCK && exceeded,
                List.copyOf(dimensions), rateLimitedUntil, now);
    }

    /** Whether the quota limits a monthly dimension in BLOCK mode. */
    static boolean blocksMonthly(Quota quota) {
        return Enforcement.BLOCK.name().equals(quota.enforcement) && (quota.openaiTokens != null
                || quota.elevenlabsCharacters != null || quota.smartfloMinutes != null || quota.totalCostUsd != null);
    }

    /** What the gateway decides on: the month, the monthly dimensions that block, the rate-limit block. */
    static String fingerprint(QuotaStatus status) {
        String blocking = status.dimensions().stream()
                .filter(d -> d.dimension() != QuotaDimension.REQUESTS_PER_MINUTE)
                .filter(d -> Enforcement.BLOCK.name().equals(d.enforcement()))
                .filter(d -> d.percent() != null && d.percent().compareTo(BigDecimal.valueOf(100)) >= 0)
                .map(d -> d.dimension().name())
                .collect(Collectors.joining(","));
        return status.month() + "|" + blocking + "|" + status.rateLimitedUntil();
    }

    private static QuotaStatus.Dimension dimension(DimensionUsage usage, Enforcement enforcement) {
        return new QuotaStatus.Dimension(usage.dimension(), usage.used(), usage.limit(), usage.percent(),
                enforcement.name());
    }
}
