package io.apimeter.gateway.service;

import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import io.apimeter.events.Months;
import io.apimeter.events.Provider;
import io.apimeter.gateway.config.SmartfloConfig;
import io.apimeter.gateway.entity.SmartfloCall;
import io.apimeter.gateway.messaging.AlertEventPublisher;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Bills Smartflo calls from Smartflo's own records when its webhook did not: every
 * {@code apimeter.gateway.smartflo.reconciliation.interval} it takes the calls placed at least
 * {@code reconciliation.after} ago that are due to be looked up, and asks Smartflo's call records API for each one's
 * record, with the customer's own Smartflo token:
 * <ul>
 *   <li>a call not billed yet is billed from the record exactly as from the webhook ({@link SmartfloBilling});</li>
 *   <li>a call billed from the webhook is looked up once too, and corrected by an adjustment when Smartflo's record
 *       bills other seconds than the one posted to the webhook;</li>
 *   <li>a call without a record yet (or whose record Smartflo could not give now) is looked up again later, the
 *       longer it has gone on the later (half its age, at least {@code reconciliation.interval}): a call of hours is
 *       not asked about every minute;</li>
 *   <li>a call still without any record {@code reconciliation.alert-after} after it was placed raises one
 *       {@code UNBILLED_CALL} alert for the admins (event id derived from the call id, noted once the broker took
 *       it) and is looked up again once per that period, until {@code reconciliation.give-up-after}.</li>
 * </ul>
 * Replicas share the work: each run claims its calls with {@code for update skip locked} and moves their next look-up
 * ahead, so a call is looked up by one replica at a time.
 */
@ApplicationScoped
public class SmartfloReconciliation {
    private static final Logger LOG = Logger.getLogger(SmartfloReconciliation.class);
    private static final long ALERT_SEND_TIMEOUT_SECONDS = 30;

    private final SmartfloCalls calls;
    private final SmartfloBilling billing;
    private final SmartfloCallRecords records;
    private final CallerDirectory directory;
    private final AlertEventPublisher alerts;
    private final SmartfloConfig.Reconciliation config;

    public SmartfloReconciliation(SmartfloCalls calls, SmartfloBilling billing, SmartfloCallRecords records,
                                  CallerDirectory directory, AlertEventPublisher alerts, SmartfloConfig config) {
        this.calls = calls;
        this.billing = billing;
        this.records = records;
        this.directory = directory;
        this.alerts = alerts;
        this.config = config.reconciliation();
    }

    /** What one run did: calls looked up, billed or corrected from Smartflo's records, and alerts raised. */
    public record Run(int lookedUp, int billed, int corrected, int alerted) {
    }

    @Scheduled(every = "${apimeter.gateway.smartflo.reconciliation.interval:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!config.enabled()) {
            return;
        }
        try {
            Run run = run(Instant.now());
            if (run.lookedUp() > 0) {
                LOG.debugf("Smartflo reconciliation: %s", run);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Smartflo reconciliation did not run: %s", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Looks up the calls due at {@code now}. */
    public Run run(Instant now) throws InterruptedException {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        List<SmartfloCalls.Due> due = calls.claimDue(at, at.minus(config.giveUpAfter()), at.plus(config.interval()),
                config.batchSize());
        int billed = 0;
        int corrected = 0;
        int alerted = 0;
        for (SmartfloCalls.Due call : due) {
            switch (lookUp(call, at)) {
                case BILLED -> billed++;
                case CORRECTED -> corrected++;
                case ALERTED -> alerted++;
                default -> {
                }
            }
        }
        return new Run(due.size(), billed, corrected, alerted);
    }

    private enum Done { NOTHING, BILLED, CORRECTED, ALERTED }

    private Done lookUp(SmartfloCalls.Due call, Instant now) throws InterruptedException {
        Optional<String> token;
        try {
            token = directory.credential(call.customerId(), Provider.SMARTFLO);
        } catch (RuntimeException e) {
            LOG.debugf("Smartflo call %s not looked up: the customer's token cannot be read (%s)", call.callId(),
                    e.toString());
            return unbilledAlertIfDue(call, now, "its customer's Smartflo token could not be read");
        }
        if (token.isEmpty()) {
            if (call.billed()) {
                calls.nextLookUp(call.callId(), null);
                return Done.NOTHING;
            }
            return unbilledAlertIfDue(call, now, "no Smartflo token is stored for the customer, so Smartflo's call"
                    + " records cannot be asked");
        }
        OptionalLong seconds;
        try {
            seconds = records.billedSeconds(token.get(), call.callId());
        } catch (SmartfloCallRecords.Unavailable e) {
            LOG.debugf("Smartflo call %s not looked up: %s", call.callId(), e.getMessage());
            return unbilledAlertIfDue(call, now, e.getMessage());
        }
        if (seconds.isEmpty()) {
            if (call.billed()) {
                // Billed from the webhook, and Smartflo's records have nothing to set against it.
                calls.nextLookUp(call.callId(), null);
                return Done.NOTHING;
            }
            return unbilledAlertIfDue(call, now, "Smartflo's call records have no record of it");
        }
        SmartfloBilling.Result result;
        try {
            result = billing.bill(call.customerId(), call.callId(), seconds.getAsLong(),
                    SmartfloCall.Source.RECORDS_API);
        } catch (RuntimeException e) {
            LOG.warnf("Smartflo call %s could not be billed from Smartflo's record now: %s", call.callId(),
                    e.toString());
            return Done.NOTHING;
        }
        calls.nextLookUp(call.callId(), null);
        return switch (result) {
            case BILLED -> Done.BILLED;
            case ADJUSTED -> Done.CORRECTED;
            default -> Done.NOTHING;
        };
    }

    /**
     * For a call still unbilled {@code alert-after} after it was placed: the UNBILLED_CALL alert, once, and from then
     * on a look-up once per that period. Nothing for a call billed already or not that old yet.
     */
    private Done unbilledAlertIfDue(SmartfloCalls.Due call, Instant now, String why) throws InterruptedException {
        Duration halfItsAge = Duration.between(call.placedAt(), now).dividedBy(2);
        Instant later = now.plus(halfItsAge.compareTo(config.interval()) > 0 ? halfItsAge : config.interval());
        if (call.billed()) {
            calls.nextLookUp(call.callId(), later);
            return Done.NOTHING;
        }
        Instant alertAt = call.placedAt().plus(config.alertAfter());
        if (now.isBefore(alertAt)) {
            calls.nextLookUp(call.callId(), later.isBefore(alertAt) ? later : alertAt);
            return Done.NOTHING;
        }
        Instant nextLookUp = now.plus(config.alertAfter());
        if (call.unbilledAlertAt() != null) {
            calls.nextLookUp(call.callId(), nextLookUp);
            return Done.NOTHING;
        }
        String month = Months.of(call.placedAt()).toString();
        // The same call always gives the same alert id: an alert sent twice (its noting failed) is stored once.
        UUID alertId = UUID.nameUUIDFromBytes(("smartflo-unbilled:" + call.callId()).getBytes(StandardCharsets.UTF_8));
        AlertEvent alert = new AlertEvent(alertId, AlertType.UNBILLED_CALL, AlertEvent.PLATFORM, null, month, null,
                null, null, String.format("Smartflo call %s, placed by customer %s at %s, has no billing record %s"
                                + " later: %s, so it is not billed.", call.callId(), call.customerId(),
                        call.placedAt().truncatedTo(ChronoUnit.SECONDS), describe(config.alertAfter()), why),
                now, null);
        try {
            alerts.publish(alert).get(ALERT_SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("the UNBILLED_CALL alert of Smartflo call %s was not published (tried again at the next run): %s",
                    call.callId(), e.toString());
            return Done.NOTHING;
        }
        LOG.warnf("Smartflo call %s of customer %s is unbilled %s after it was placed: UNBILLED_CALL raised",
                call.callId(), call.customerId(), describe(config.alertAfter()));
        try {
            calls.unbilledAlerted(call.callId(), now);
            calls.nextLookUp(call.callId(), nextLookUp);
        } catch (RuntimeException e) {
            LOG.warnf("the UNBILLED_CALL alert of Smartflo call %s was sent but not noted: %s", call.callId(),
                    e.toString());
        }
        return Done.ALERTED;
    }

    private static String describe(Duration duration) {
        if (duration.toHours() > 0 && duration.toMinutesPart() == 0 && duration.toSecondsPart() == 0) {
            return duration.toHours() + " h";
        }
        if (duration.toMinutes() > 0 && duration.toSecondsPart() == 0) {
            return duration.toMinutes() + " min";
        }
        return duration.toSeconds() + " s";
    }
}
