package io.apimeter.gateway.service;

import io.apimeter.events.Cost;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import io.apimeter.events.UsageKind;
import io.apimeter.gateway.config.SmartfloConfig;
import io.apimeter.gateway.entity.SmartfloCall;
import io.apimeter.gateway.messaging.UsageEventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Bills a Smartflo call from a record of it, whether the record came from Smartflo's webhook or from its call records
 * API, in the same way:
 * <ul>
 *   <li>the first record bills its seconds: a {@link UsageKind#REPORT} event (operation {@code call}, occurredAt = when
 *       the call was placed), event id derived from the call id;</li>
 *   <li>a record with the seconds billed already changes nothing (a record delivered again);</li>
 *   <li>a record with other seconds corrects the bill: an {@link UsageKind#ADJUSTMENT} event (operation
 *       {@code call.adjustment}) of the difference in seconds and in cost (either may be negative), event id derived
 *       from the call id, the number of the correction and the record's seconds.</li>
 * </ul>
 * Neither counts as a call or a request: the click-to-call did. Seconds billed from the webhook are checked against
 * Smartflo's call records once (reconciliation), which correct them when they differ. One transaction per record,
 * under the call's row lock:
 * the event is appended to the spool before the call's row is updated, so a record whose transaction failed is billed
 * again with the same event id (which consumers keep once), never lost.
 */
@ApplicationScoped
public class SmartfloBilling {
    /** Operation of the event that bills a call's seconds. */
    public static final String CALL = "call";
    /** Operation of the event that corrects them. */
    public static final String ADJUSTMENT = "call.adjustment";
    private static final Logger LOG = Logger.getLogger(SmartfloBilling.class);

    private final SmartfloCalls calls;
    private final PriceBook priceBook;
    private final UsageEventPublisher publisher;
    private final UnpricedModelAlerts unpricedModels;
    private final Duration lookUpAfter;

    public SmartfloBilling(SmartfloCalls calls, PriceBook priceBook, UsageEventPublisher publisher,
                           UnpricedModelAlerts unpricedModels, SmartfloConfig config) {
        this.calls = calls;
        this.priceBook = priceBook;
        this.publisher = publisher;
        this.unpricedModels = unpricedModels;
        this.lookUpAfter = config.reconciliation().after();
    }

    /** What a record did. */
    public enum Result {
        /** The call's seconds were billed. */
        BILLED,
        /** The seconds billed were corrected. */
        ADJUSTED,
        /** The call was billed with these seconds already. */
        DUPLICATE,
        /** No such call of this customer is stored. */
        UNKNOWN
    }

    /** The spool could not take the event: nothing was billed, the record must be given again. */
    public static final class NotMetered extends RuntimeException {
        NotMetered(String callId) {
            super("the usage event of Smartflo call " + callId + " could not be kept; nothing was billed", null,
                    false, false);
        }
    }

    /**
     * Bills the call from a record of {@code seconds} billed seconds.
     *
     * @throws NotMetered when the event could not be kept (nothing changed); the database's exceptions when it is away
     */
    @Transactional
    public Result bill(String customerId, String callId, long seconds, SmartfloCall.Source source) {
        Optional<SmartfloCall> locked = calls.lock(callId, customerId);
        if (locked.isEmpty()) {
            return Result.UNKNOWN;
        }
        SmartfloCall call = locked.get();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (call.billedAt == null) {
            PriceBook.Priced priced = price(call, seconds);
            UsageEvent event = event(call, eventId("smartflo-call:" + callId), CALL, UsageKind.REPORT, seconds,
                    seconds * 1000, priced, priced.cost());
            publish(event, callId);
            unpricedModels.check(event);
            call.billedAt = now;
            call.billedSeconds = seconds;
            call.billedCost = priced.cost().amount();
            call.billedBy = source.name();
            checkAgainstSmartflosRecords(call, source, now);
            LOG.debugf("Smartflo call %s of %s billed %d s from the %s", callId, customerId, seconds, source);
            return Result.BILLED;
        }
        if (call.billedSeconds != null && call.billedSeconds == seconds) {
            return Result.DUPLICATE;
        }
        long before = call.billedSeconds == null ? 0 : call.billedSeconds;
        PriceBook.Priced priced = price(call, seconds);
        // The difference of the two prices, not the price of the difference: the call then costs exactly what its
        // corrected record costs, to the last of the 12 decimals.
        Cost difference = priced.cost().unpriced() ? Cost.unpricedCost() : Cost.of(
                PriceBook.normalize(priced.cost().amount().subtract(
                        call.billedCost == null ? BigDecimal.ZERO : call.billedCost)),
                priced.cost().priceId(), priced.cost().priceVersion());
        int number = call.adjustments + 1;
        UsageEvent event = event(call, eventId("smartflo-call-adjustment:" + callId + ":" + number + ":" + seconds),
                ADJUSTMENT, UsageKind.ADJUSTMENT, seconds - before, 0, priced, difference);
        publish(event, callId);
        call.adjustments = number;
        call.billedSeconds = seconds;
        if (!priced.cost().unpriced()) {
            call.billedCost = priced.cost().amount();
        }
        call.billedBy = source.name();
        checkAgainstSmartflosRecords(call, source, now);
        LOG.infof("Smartflo call %s of %s corrected from %d s to %d s by the %s", callId, customerId, before, seconds,
                source);
        return Result.ADJUSTED;
    }

    /**
     * Smartflo's call records API is the reference: seconds billed from the webhook are looked up there once
     * (reconciliation), and corrected to Smartflo's record when it differs. A customer who knows its webhook secret
     * can thus not bill its calls short for long.
     */
    private void checkAgainstSmartflosRecords(SmartfloCall call, SmartfloCall.Source source, Instant now) {
        if (source == SmartfloCall.Source.WEBHOOK && call.nextCheckAt == null) {
            call.nextCheckAt = now.plus(lookUpAfter);
        }
    }

    private PriceBook.Priced price(SmartfloCall call, long seconds) {
        return priceBook.price(Provider.SMARTFLO, null, call.placedAt, new Usage(0, 0, 0, 0, 0, seconds, false));
    }

    private void publish(UsageEvent event, String callId) {
        if (!publisher.publish(event)) {
            throw new NotMetered(callId);
        }
    }

    /** Billed in the month the call was placed, like its click-to-call. */
    private static UsageEvent event(SmartfloCall call, UUID eventId, String operation, UsageKind kind, long seconds,
                                    long latencyMs, PriceBook.Priced priced, Cost cost) {
        return new UsageEvent(eventId, call.customerId, call.apiKeyId, Provider.SMARTFLO, operation, null,
                priced.pricedModel(), call.placedAt, latencyMs, 200, Outcome.SUCCESS,
                new Usage(0, 0, 0, 0, 0, seconds, false), cost, kind);
    }

    private static UUID eventId(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }
}
