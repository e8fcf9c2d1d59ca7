package io.apimeter.gateway.service;

import io.apimeter.events.Cost;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.events.UsageEvent;
import io.apimeter.gateway.messaging.UsageEventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/** Turns a finished call into a priced UsageEvent and publishes it. */
@ApplicationScoped
public class CallMeter {
    private final PriceBook priceBook;
    private final UsageEventPublisher publisher;
    private final UnpricedModelAlerts unpricedModels;

    public CallMeter(PriceBook priceBook, UsageEventPublisher publisher, UnpricedModelAlerts unpricedModels) {
        this.priceBook = priceBook;
        this.publisher = publisher;
        this.unpricedModels = unpricedModels;
    }

    /**
     * A call being made.
     *
     * @param reservation what it reserved against a BLOCK limit, released when it is metered; null for none
     */
    public record Call(CallerDirectory.Caller caller, Provider provider, String operation, String model,
                       Instant startedAt, long startedNanos, UsageLedger.Reservation reservation,
                       AtomicBoolean metered) {
        public Call(CallerDirectory.Caller caller, Provider provider, String operation, String model,
                    Instant startedAt, long startedNanos, UsageLedger.Reservation reservation) {
            this(caller, provider, operation, model, startedAt, startedNanos, reservation, new AtomicBoolean());
        }

        public Call(CallerDirectory.Caller caller, Provider provider, String operation, String model,
                    Instant startedAt, long startedNanos) {
            this(caller, provider, operation, model, startedAt, startedNanos, null);
        }

        /** Whether the call has been metered: a call is metered once, whichever path gets there first. */
        public boolean isMetered() {
            return metered.get();
        }
    }

    /** Meters a finished call; null when it was metered already (a call is metered once). */
    public UsageEvent record(Call call, int httpStatus, Outcome outcome, Usage usage) {
        long latencyMs = Math.max(0, (System.nanoTime() - call.startedNanos()) / 1_000_000);
        return record(call, UUID.randomUUID(), latencyMs, httpStatus, outcome, usage);
    }

    /**
     * Meters a call the gateway refused before calling the provider (outcome {@code REJECTED}): nothing used,
     * and a cost of zero, not unpriced, since nothing was bought whatever the model.
     */
    public UsageEvent reject(Call call, int httpStatus) {
        if (!call.metered().compareAndSet(false, true)) {
            return null;
        }
        long latencyMs = Math.max(0, (System.nanoTime() - call.startedNanos()) / 1_000_000);
        UsageEvent event = new UsageEvent(UUID.randomUUID(), call.caller().customerId(), call.caller().apiKeyId(),
                call.provider(), call.operation(), call.model(), null, call.startedAt(), latencyMs, httpStatus,
                Outcome.REJECTED, Usage.NONE, new Cost(BigDecimal.ZERO, Cost.USD, null, null, false));
        publish(call, event);
        return event;
    }

    /**
     * Meters usage that is not one request's answer, such as the billed seconds of a phone call reported
     * later: the caller gives the event id (the same report always gives the same id) and the duration.
     */
    public UsageEvent record(Call call, UUID eventId, long latencyMs, int httpStatus, Outcome outcome, Usage usage) {
        if (!call.metered().compareAndSet(false, true)) {
            return null;
        }
        PriceBook.Priced priced = priceBook.price(call.provider(), call.model(), call.startedAt(), usage);
        UsageEvent event = new UsageEvent(eventId, call.caller().customerId(), call.caller().apiKeyId(),
                call.provider(), call.operation(), call.model(), priced.pricedModel(), call.startedAt(), latencyMs,
                httpStatus, outcome, usage, priced.cost());
        publish(call, event);
        unpricedModels.check(event);
        return event;
    }

    /** Publishes the call's event and, when the call reserved against a BLOCK limit, settles the reservation. */
    private void publish(Call call, UsageEvent event) {
        if (call.reservation() == null) {
            publisher.publish(event);
        } else {
            call.reservation().settle(event, () -> publisher.publish(event));
        }
    }
}
