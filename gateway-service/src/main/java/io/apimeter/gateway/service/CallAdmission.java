package io.apimeter.gateway.service;

import io.apimeter.events.Months;
import io.apimeter.events.Provider;
import io.apimeter.events.QuotaDimension;
import io.apimeter.events.QuotaStatus;
import io.apimeter.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides, from memory only, whether a customer's call may go to the provider, before it is sent:
 * <ul>
 *   <li>a monthly quota with enforcement {@code BLOCK} that is used up in the current UTC month blocks the
 *   provider it counts ({@code OPENAI_TOKENS} OpenAI, {@code ELEVENLABS_CHARACTERS} ElevenLabs,
 *   {@code SMARTFLO_MINUTES} Smartflo) or, for {@code TOTAL_COST_USD}, every provider, until the month ends;
 *   a status of an earlier month blocks nothing;</li>
 *   <li>requests per minute with enforcement {@code BLOCK}: a status whose {@code rateLimitedUntil} lies ahead
 *   (quota-service counted the calls of every replica) refuses until then, and this replica admits at most
 *   its share of the limit in each UTC minute ({@link RequestRateLimiter}).</li>
 * </ul>
 * {@code ALERT_ONLY} limits are never enforced here. Refusals are counted by reason and provider.
 */
@ApplicationScoped
public class CallAdmission {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final String BLOCK = "BLOCK";

    /** Why a call is refused. */
    public enum Reason {
        /** A monthly quota in BLOCK mode is used up. */
        QUOTA_EXCEEDED("quota_exceeded"),
        /** This replica's share of the requests-per-minute limit is used up this minute. */
        RATE_LIMITED("rate_limit"),
        /** quota-service saw the customer over its requests-per-minute limit across all replicas. */
        RATE_LIMITED_PLATFORM("rate_limit_platform");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        /** The value of the {@code reason} tag of the rejected-calls metric. */
        public String tag() {
            return tag;
        }

        public boolean isRateLimit() {
            return this != QUOTA_EXCEEDED;
        }
    }

    /** A refusal: why, a message a person understands, and when to try again (whole seconds). */
    public record Rejection(Reason reason, String message, long retryAfterSeconds) {
    }

    /** Either a refusal, or the call may go on, with what it reserved against BLOCK limits (may be null). */
    public record Decision(Rejection rejection, UsageLedger.Reservation reservation) {
        static final Decision ADMITTED = new Decision(null, null);
    }

    private final QuotaStatuses statuses;
    private final RequestRateLimiter limiter;
    private final UsageLedger ledger;
    private final int replicas;
    private final Clock clock;
    private final MeterRegistry registry;

    @Inject
    public CallAdmission(QuotaStatuses statuses, UsageLedger ledger, GatewayConfig config, MeterRegistry registry) {
        this(statuses, new RequestRateLimiter(config.replicas(), Clock.systemUTC()), ledger,
                Math.max(1, config.replicas()), Clock.systemUTC(), registry);
    }

    CallAdmission(QuotaStatuses statuses, RequestRateLimiter limiter, UsageLedger ledger, int replicas, Clock clock,
                  MeterRegistry registry) {
        this.statuses = statuses;
        this.limiter = limiter;
        this.ledger = ledger;
        this.replicas = replicas;
        this.clock = clock;
        this.registry = registry;
    }

    /** Empty when the call may go on; otherwise why not. Reserves nothing. */
    public Optional<Rejection> check(String customerId, Provider provider) {
        return Optional.ofNullable(admit(customerId, provider, null).rejection());
    }

    /**
     * Decides whether a call may go on. Against a monthly limit in BLOCK mode, the call reserves its worst case
     * ({@code demand}, in the units of {@link UsageLedger#MONTHLY}, computed only when such a limit applies;
     * null: reserve nothing): refused when the status says the limit is reached, or when this replica's calls
     * under way and not yet counted by quota-service plus this one would go beyond this replica's share of what
     * is left. A refused call is counted in the metrics.
     */
    public Decision admit(String customerId, Provider provider, Supplier<BigDecimal[]> demand) {
        QuotaStatus status = statuses.get(customerId);
        if (status == null) {
            return Decision.ADMITTED;
        }
        Decision decision = decide(status, customerId, provider, demand);
        if (decision.rejection() != null) {
            Counter.builder("apimeter.gateway.rejected.calls").tag("reason", decision.rejection().reason().tag())
                    .tag("provider", provider.name())
                    .description("Calls the gateway refused without calling the provider, by reason")
                    .register(registry).increment();
        }
        return decision;
    }

    private Decision decide(QuotaStatus status, String customerId, Provider provider, Supplier<BigDecimal[]> demand) {
        Instant now = clock.instant();
        List<QuotaStatus.Dimension> dimensions = status.dimensions() == null ? List.of() : status.dimensions();
        YearMonth month = Months.of(now);
        UsageLedger.Reservation reservation = null;
        if (status.isFor(monthText(month))) {
            QuotaStatus.Dimension exhausted = exhausted(dimensions, own(provider));
            if (exhausted == null) {
                exhausted = exhausted(dimensions, QuotaDimension.TOTAL_COST_USD);
            }
            if (exhausted != null) {
                return refuse(new Rejection(Reason.QUOTA_EXCEEDED, quotaMessage(exhausted, month),
                        secondsUntil(now, Months.end(month))));
            }
            UsageLedger.Limit[] limits = demand == null ? null : blocking(dimensions, own(provider));
            if (limits != null && limits.length > 0) {
                UsageLedger.Reserved reserved = ledger.reserve(customerId, status.month(), limits, demand.get(),
                        replicas);
                if (reserved.crossed() != null) {
                    return refuse(new Rejection(Reason.QUOTA_EXCEEDED, reserveMessage(reserved.crossed(), month),
                            secondsUntil(now, Months.end(month))));
                }
                reservation = reserved.reservation();
            }
        }
        Rejection rate = rateLimit(status, customerId, dimensions, now);
        if (rate != null) {
            if (reservation != null) {
                reservation.release();
            }
            return refuse(rate);
        }
        return new Decision(null, reservation);
    }

    private static Decision refuse(Rejection rejection) {
        return new Decision(rejection, null);
    }

    /** The dimensions that limit this provider's calls in BLOCK mode: its own, and total cost. */
    private static UsageLedger.Limit[] blocking(List<QuotaStatus.Dimension> dimensions, QuotaDimension own) {
        return dimensions.stream()
                .filter(d -> (d.dimension() == own || d.dimension() == QuotaDimension.TOTAL_COST_USD)
                        && BLOCK.equals(d.enforcement()) && d.limit() != null && d.used() != null)
                .map(d -> new UsageLedger.Limit(d.dimension(), d.used(), d.limit()))
                .toArray(UsageLedger.Limit[]::new);
    }

    private Rejection rateLimit(QuotaStatus status, String customerId, List<QuotaStatus.Dimension> dimensions,
                                Instant now) {
        QuotaStatus.Dimension rate = dimensions.stream()
                .filter(d -> d.dimension() == QuotaDimension.REQUESTS_PER_MINUTE && BLOCK.equals(d.enforcement())
                        && d.limit() != null)
                .findFirst().orElse(null);
        if (status.rateLimitedUntil() != null && status.rateLimitedUntil().isAfter(now)) {
            long retryAfter = secondsUntil(now, status.rateLimitedUntil());
            return new Rejection(Reason.RATE_LIMITED_PLATFORM, rateMessage(rate, retryAfter), retryAfter);
        }
        if (rate != null && rate.limit().signum() >= 0
                && rate.limit().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
            long limit = rate.limit().setScale(0, RoundingMode.FLOOR).longValueExact();
            if (!limiter.tryAcquire(customerId, limit)) {
                long retryAfter = limiter.secondsToMinuteEnd();
                return new Rejection(Reason.RATE_LIMITED, rateMessage(rate, retryAfter), retryAfter);
            }
        }
        return null;
    }

    /** The month as quota statuses name it ({@code 2026-11}), made once a month rather than once a call. */
    private String monthText(YearMonth month) {
        MonthText current = monthText;
        if (current == null || !current.month().equals(month)) {
            current = new MonthText(month, month.toString());
            monthText = current;
        }
        return current.text();
    }

    private record MonthText(YearMonth month, String text) {
    }

    private volatile MonthText monthText;

    private static QuotaDimension own(Provider provider) {
        return switch (provider) {
            case OPENAI -> QuotaDimension.OPENAI_TOKENS;
            case ELEVENLABS -> QuotaDimension.ELEVENLABS_CHARACTERS;
            case SMARTFLO -> QuotaDimension.SMARTFLO_MINUTES;
        };
    }

    /** The dimension if it is limited in BLOCK mode and used up (used at or above the limit: 100%). */
    private static QuotaStatus.Dimension exhausted(List<QuotaStatus.Dimension> dimensions, QuotaDimension which) {
        for (QuotaStatus.Dimension d : dimensions) {
            if (d.dimension() != which || !BLOCK.equals(d.enforcement())) {
                continue;
            }
            boolean usedUp = d.limit() != null && d.used() != null
                    ? d.used().compareTo(d.limit()) >= 0
                    : d.percent() != null && d.percent().compareTo(HUNDRED) >= 0;
            if (usedUp) {
                return d;
            }
        }
        return null;
    }

    private static String quotaMessage(QuotaStatus.Dimension d, YearMonth month) {
        boolean cost = d.dimension() == QuotaDimension.TOTAL_COST_USD;
        String limit = d.limit() == null ? "" : " of " + (cost ? "$" + money(d.limit()) : quantity(d.limit()));
        return "Monthly " + limitName(d.dimension()) + limit + (cost ? " for all providers" : "") + " reached for " + month
                + "; ask your administrator to raise it.";
    }

    private static String reserveMessage(UsageLedger.Limit crossed, YearMonth month) {
        boolean cost = crossed.dimension() == QuotaDimension.TOTAL_COST_USD;
        String limit = " of " + (cost ? "$" + money(crossed.limit()) : quantity(crossed.limit()));
        return "Monthly " + limitName(crossed.dimension()) + limit + " for " + month + " is nearly used up: what is left does not cover "
                + "this request at its largest. Ask for less (for example a lower max_tokens), or ask your "
                + "administrator to raise the limit.";
    }

    /** How a refusal names the limit of a dimension. */
    private static String limitName(QuotaDimension dimension) {
        return switch (dimension) {
            case OPENAI_TOKENS -> "OpenAI token limit";
            case ELEVENLABS_CHARACTERS -> "ElevenLabs character limit";
            case SMARTFLO_MINUTES -> "Smartflo call minute limit";
            case TOTAL_COST_USD -> "cost limit";
            case REQUESTS_PER_MINUTE -> "limit";
        };
    }

    private static String rateMessage(QuotaStatus.Dimension rate, long retryAfter) {
        String limit = rate == null || rate.limit() == null ? "" : " of " + quantity(rate.limit()) + " requests per minute";
        return "Rate limit" + limit + " reached; try again in " + retryAfter + (retryAfter == 1 ? " second." : " seconds.");
    }

    private static String quantity(BigDecimal value) {
        if (value == null) {
            return "";
        }
        DecimalFormat format = new DecimalFormat("#,##0.############", DecimalFormatSymbols.getInstance(Locale.US));
        return format.format(value);
    }

    private static String money(BigDecimal value) {
        DecimalFormat format = new DecimalFormat("#,##0.00##########", DecimalFormatSymbols.getInstance(Locale.US));
        return format.format(value);
    }

    /** Whole seconds from now to {@code then}, rounded up, at least 1. */
    static long secondsUntil(Instant now, Instant then) {
        long millis = Duration.between(now, then).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }
}
