package io.apimeter.gateway.service;

import io.apimeter.gateway.entity.SmartfloCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Optional;

/** The calls placed through the gateway, so that each call's billed seconds are metered once, for its customer. */
@ApplicationScoped
@Transactional
public class SmartfloCalls {
    private final EntityManager entityManager;

    public SmartfloCalls(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    public void placed(String callId, String customerId, String apiKeyId, Instant placedAt) {
        if (SmartfloCall.findById(callId) != null) {
            return;
        }
        SmartfloCall call = new SmartfloCall();
        call.callId = callId;
        call.customerId = customerId;
        call.apiKeyId = apiKeyId;
        call.placedAt = placedAt;
        call.persist();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<SmartfloCall> find(String callId, String customerId) {
        SmartfloCall call = SmartfloCall.findById(callId);
        return call != null && call.customerId.equals(customerId) ? Optional.of(call) : Optional.empty();
    }

    /** Marks the call billed; false when a record for it was already metered (a resent record). */
    public boolean bill(String callId, long seconds, Instant at) {
        return entityManager.createQuery("update SmartfloCall c set c.billedAt = :at, c.billedSeconds = :seconds "
                        + "where c.callId = :id and c.billedAt is null")
                .setParameter("at", at).setParameter("seconds", seconds).setParameter("id", callId)
                .executeUpdate() == 1;
    }
}
