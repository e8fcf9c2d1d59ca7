package io.apimeter.gateway.service;

import io.apimeter.gateway.config.SmartfloConfig;
import io.apimeter.gateway.entity.SmartfloCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The calls placed through the gateway, so that each call is billed for its customer from its call record, once,
 * corrected by a later record that differs, and looked up in Smartflo's records while no record came.
 */
@ApplicationScoped
@Transactional
public class SmartfloCalls {
    private static final String INSERT = "insert into smartflo_call (call_id, customer_id, api_key_id, placed_at,"
            + " next_check_at) values (:id, :customer, :key, :placed, :check) on conflict (call_id) do nothing";

    private final EntityManager entityManager;
    private final Duration lookUpAfter;

    public SmartfloCalls(EntityManager entityManager, SmartfloConfig config) {
        this.entityManager = entityManager;
        this.lookUpAfter = config.reconciliation().after();
    }

    /** A call placed: who placed it, with which key, when. */
    public record Placed(String callId, String customerId, String apiKeyId, Instant placedAt) {
    }

    /** Stores a call placed (a call stored already stays as it is); throws when the database cannot take it. */
    public void placed(Placed call) {
        insert(call);
    }

    /** Stores calls placed, as {@link #placed}, in one transaction: the journal's calls once the database is back. */
    public void placedAll(List<Placed> calls) {
        calls.forEach(this::insert);
    }

    private void insert(Placed call) {
        entityManager.createNativeQuery(INSERT)
                .setParameter("id", call.callId())
                .setParameter("customer", call.customerId())
                .setParameter("key", call.apiKeyId())
                .setParameter("placed", call.placedAt())
                .setParameter("check", call.placedAt().plus(lookUpAfter))
                .executeUpdate();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<SmartfloCall> find(String callId, String customerId) {
        SmartfloCall call = SmartfloCall.findById(callId);
        return call != null && call.customerId.equals(customerId) ? Optional.of(call) : Optional.empty();
    }

    /** The call, locked until the caller's transaction ends, if it is this customer's. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<SmartfloCall> lock(String callId, String customerId) {
        SmartfloCall call = entityManager.find(SmartfloCall.class, callId, LockModeType.PESSIMISTIC_WRITE);
        return call != null && call.customerId.equals(customerId) ? Optional.of(call) : Optional.empty();
    }

    /** A call due to be looked up in Smartflo's records. */
    public record Due(String callId, String customerId, String apiKeyId, Instant placedAt, boolean billed,
                      Instant unbilledAlertAt) {
    }

    /**
     * Takes up to {@code limit} calls due to be looked up (placed since {@code oldest}), oldest check first, and
     * moves their next look-up to {@code leaseUntil}: another replica running at the same time takes other calls
     * (rows locked by one are skipped by the other), and a replica that dies mid-run leaves its calls to the next
     * run after the lease.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Due> claimDue(Instant now, Instant oldest, Instant leaseUntil, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("update smartflo_call c"
                        + " set next_check_at = :lease, checks = c.checks + 1"
                        + " from (select call_id from smartflo_call where next_check_at <= :now and placed_at >= :oldest"
                        + " order by next_check_at limit :limit for update skip locked) due"
                        + " where c.call_id = due.call_id"
                        + " returning c.call_id, c.customer_id, c.api_key_id, c.placed_at, c.billed_at,"
                        + " c.unbilled_alert_at")
                .setParameter("lease", leaseUntil)
                .setParameter("now", now)
                .setParameter("oldest", oldest)
                .setParameter("limit", limit)
                .getResultList();
        List<Due> due = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            due.add(new Due((String) row[0], (String) row[1], (String) row[2], instant(row[3]), row[4] != null,
                    row[5] == null ? null : instant(row[5])));
        }
        return due;
    }

    /** When the call is next looked up; null: never again. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void nextLookUp(String callId, Instant at) {
        entityManager.createNativeQuery("update smartflo_call set next_check_at = :at where call_id = :id")
                .setParameter("at", at)
                .setParameter("id", callId)
                .executeUpdate();
    }

    /** Notes that the call's UNBILLED_CALL alert was taken by the broker; false when it was noted before. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean unbilledAlerted(String callId, Instant at) {
        return entityManager.createNativeQuery("update smartflo_call set unbilled_alert_at = :at"
                        + " where call_id = :id and unbilled_alert_at is null")
                .setParameter("at", at)
                .setParameter("id", callId)
                .executeUpdate() == 1;
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        throw new IllegalStateException("a time of type " + value.getClass());
    }
}
