package io.apimeter.gateway.service;

import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.events.UsageEvent;
import io.apimeter.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this replica let through for a customer with a monthly limit in BLOCK mode that quota-service has not
 * counted yet: the worst case of the calls under way (reservations) and the usage of the calls it metered since
 * the last of its own events that a quota status counted ({@link QuotaStatus#lastEventId()}). Added to the
 * status's figures, this lets the gateway refuse once a limit is reached without waiting for the pipeline.
 *
 * <p>Bounds: with one replica a limit is overshot by at most what the calls under way use beyond their
 * reservation (their worst case is reserved, so only an estimate that falls short). With {@code N} replicas each
 * replica only sees its own calls until the next status, so each spends at most {@code 1/N} of the headroom the
 * status leaves ({@code (limit - used) / N}); together they stay within the limit plus, at most, {@code N} times
 * the calls under way. A status that counted events of another replica last confirms none of this replica's:
 * they stay counted here (the status may already hold them: refusing a little early, never late) until a later
 * status names one of them, or for {@code apimeter.gateway.quota.unconfirmed-for} at most, the longest the
 * gateway waits for quota-service.
 *
 * <p>Amounts are in each dimension's unit: tokens, characters, minutes and USD.
 */
@ApplicationScoped
public class UsageLedger {
    static final QuotaDimension[] MONTHLY = {QuotaDimension.OPENAI_TOKENS, QuotaDimension.ELEVENLABS_CHARACTERS,
        QuotaDimension.SMARTFLO_MINUTES, QuotaDimension.TOTAL_COST_USD};
    private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);

    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
    private final long unconfirmedForNanos;

    @Inject
    public UsageLedger(GatewayConfig config) {
        this(config.quota().unconfirmedFor());
    }

    UsageLedger(Duration unconfirmedFor) {
        this.unconfirmedForNanos = unconfirmedFor.toNanos();
    }

    /** Usage in the units of the monthly dimensions, indexed as {@link #MONTHLY}. */
    public static BigDecimal[] amounts(io.apimeter.events.Usage usage, BigDecimal cost) {
        return new BigDecimal[] {BigDecimal.valueOf(usage.totalTokens()), BigDecimal.valueOf(usage.characters()),
            BigDecimal.valueOf(usage.callSeconds()).divide(SECONDS_PER_MINUTE, MathContext.DECIMAL64),
            cost == null ? BigDecimal.ZERO : cost};
    }

    static int index(QuotaDimension dimension) {
        return switch (dimension) {
            case OPENAI_TOKENS -> 0;
            case ELEVENLABS_CHARACTERS -> 1;
            case SMARTFLO_MINUTES -> 2;
            case TOTAL_COST_USD -> 3;
            case REQUESTS_PER_MINUTE -> throw new IllegalArgumentException("not a monthly dimension");
        };
    }

    /** A limited dimension as the status reads it: used and limit. */
    record Limit(QuotaDimension dimension, BigDecimal used, BigDecimal limit) {
    }

    /**
     * Reserves {@code demand} for a call of the customer in {@code month}, unless, for one of the limits, what
     * this replica has under way and unconfirmed plus the demand would go beyond its share of the headroom the
     * status leaves.
     */
    Reserved reserve(String customerId, String month, Limit[] limits, BigDecimal[] demand, int replicas) {
        Account account = accounts.computeIfAbsent(customerId, id -> new Account());
        synchronized (account) {
            account.enter(month);
            account.expire(System.nanoTime() - unconfirmedForNanos);
            BigDecimal share = BigDecimal.valueOf(replicas);
            for (Limit limit : limits) {
                int i = index(limit.dimension());
                BigDecimal headroom = limit.limit().subtract(limit.used());
                BigDecimal mine = replicas == 1 ? headroom : headroom.divide(share, 12, RoundingMode.DOWN);
                BigDecimal wanted = account.reserved[i].add(account.unconfirmed[i]).add(demand[i]);
                if (wanted.compareTo(mine) > 0) {
                    return new Reserved(null, limit);
                }
            }
            for (int i = 0; i < demand.length; i++) {
                account.reserved[i] = account.reserved[i].add(demand[i]);
            }
            return new Reserved(new Reservation(account, month, demand), null);
        }
    }

    /** Either the reservation made, or the limit the call would cross. */
    record Reserved(Reservation reservation, Limit crossed) {
    }

    /** A status applied: this replica's events up to the one it names are counted in it. */
    public void confirm(QuotaStatus status) {
        Account account = accounts.get(status.customerId());
        if (account == null) {
            return;
        }
        synchronized (account) {
            account.enter(status.month());
            UUID last = status.lastEventId();
            if (last == null || !account.pending.containsKey(last)) {
                return;
            }
            Iterator<Pending> oldestFirst = account.pending.values().iterator();
            while (oldestFirst.hasNext()) {
                Pending pending = oldestFirst.next();
                oldestFirst.remove();
                account.subtract(pending.amounts());
                if (pending.eventId().equals(last)) {
                    return;
                }
            }
        }
    }

    /** What the replica holds unconfirmed and reserved for the customer, per dimension: for tests and metrics. */
    BigDecimal[] outstanding(String customerId) {
        Account account = accounts.get(customerId);
        BigDecimal[] total = zeros();
        if (account != null) {
            synchronized (account) {
                for (int i = 0; i < total.length; i++) {
                    total[i] = account.reserved[i].add(account.unconfirmed[i]);
                }
            }
        }
        return total;
    }

    private static BigDecimal[] zeros() {
        return new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
    }

    /**
     * A call's worst case, held until the call is metered. Settling publishes the call's event and counts its
     * usage in one step under the customer's lock, so the ledger holds this replica's events in the order they
     * were sent.
     */
    public static final class Reservation {
        private final Account account;
        private final String month;
        private final BigDecimal[] demand;
        private boolean done;

        private Reservation(Account account, String month, BigDecimal[] demand) {
            this.account = account;
            this.month = month;
            this.demand = demand;
        }

        /** Releases the reservation and, with the same lock held, publishes the call's event and counts it. */
        public void settle(UsageEvent event, Runnable publish) {
            synchronized (account) {
                release();
                publish.run();
                if (month.equals(account.month)) {
                    BigDecimal[] used = amounts(event.usage(), event.cost().amountOrZero());
                    account.pending.put(event.eventId(), new Pending(event.eventId(), used, System.nanoTime()));
                    account.add(used);
                }
            }
        }

        /** Gives the reservation back: the call was not made. */
        public void release() {
            synchronized (account) {
                if (done) {
                    return;
                }
                done = true;
                if (month.equals(account.month)) {
                    for (int i = 0; i < demand.length; i++) {
                        account.reserved[i] = account.reserved[i].subtract(demand[i]);
                    }
                }
            }
        }
    }

    private record Pending(UUID eventId, BigDecimal[] amounts, long meteredNanos) {
    }

    /** One customer's reservations and unconfirmed usage in one month; guarded by itself. */
    private static final class Account {
        private String month;
        private final LinkedHashMap<UUID, Pending> pending = new LinkedHashMap<>();
        private final BigDecimal[] unconfirmed = zeros();
        private BigDecimal[] reserved = zeros();

        /** A new month starts from nothing: the statuses of the new month count from zero too. */
        void enter(String statusMonth) {
            if (statusMonth != null && !statusMonth.equals(month)) {
                month = statusMonth;
                pending.clear();
                System.arraycopy(zeros(), 0, unconfirmed, 0, unconfirmed.length);
                reserved = zeros();
            }
        }

        void expire(long before) {
            Iterator<Pending> oldestFirst = pending.values().iterator();
            while (oldestFirst.hasNext()) {
                Pending oldest = oldestFirst.next();
                if (oldest.meteredNanos() - before >= 0) {
                    return;
                }
                oldestFirst.remove();
                subtract(oldest.amounts());
            }
        }

        void add(BigDecimal[] amounts) {
            for (int i = 0; i < amounts.length; i++) {
                unconfirmed[i] = unconfirmed[i].add(amounts[i]);
            }
        }

        void subtract(BigDecimal[] amounts) {
            for (int i = 0; i < amounts.length; i++) {
                unconfirmed[i] = unconfirmed[i].subtract(amounts[i]);
            }
        }
    }
}
