package io.apimeter.recorder.service;

import io.apimeter.recorder.entity.UsageLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads the call log: newest first, keyset-paginated so that a deep page costs what the first one does. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class UsageLogSearch {
    private final EntityManager entityManager;

    public UsageLogSearch(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    public Optional<UsageLog> find(UUID eventId) {
        return Optional.ofNullable(entityManager.find(UsageLog.class, eventId));
    }

    public UsageLogPage search(UsageLogFilter filter) {
        List<String> where = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        if (filter.customerId() != null) {
            where.add("customer_id = :customerId");
            params.put("customerId", filter.customerId());
        }
        if (filter.provider() != null) {
            where.add("provider = :provider");
            params.put("provider", filter.provider().name());
        }
        if (filter.outcome() != null) {
            where.add("outcome = :outcome");
            params.put("outcome", filter.outcome().name());
        }
        if (filter.model() != null) {
            where.add("(model = :model or priced_model = :model)");
            params.put("model", filter.model());
        }
        if (filter.from() != null) {
            where.add("occurred_at >= :from");
            params.put("from", filter.from());
        }
        if (filter.to() != null) {
            where.add("occurred_at < :to");
            params.put("to", filter.to());
        }
        if (filter.after() != null) {
            // A row comparison walks the (occurred_at desc, event_id desc) indexes directly.
            where.add("(occurred_at, event_id) < (:afterTime, :afterId)");
            params.put("afterTime", filter.after().occurredAt());
            params.put("afterId", filter.after().eventId());
        }
        String sql = "select * from usage_log"
                + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
                + " order by occurred_at desc, event_id desc limit :limit";
        Query query = entityManager.createNativeQuery(sql, UsageLog.class);
        params.forEach(query::setParameter);
        // One row more than asked tells whether there is a next page.
        query.setParameter("limit", filter.limit() + 1);
        @SuppressWarnings("unchecked")
        List<UsageLog> rows = query.getResultList();
        if (rows.size() <= filter.limit()) {
            return new UsageLogPage(rows, null);
        }
        List<UsageLog> page = rows.subList(0, filter.limit());
        UsageLog last = page.get(page.size() - 1);
        return new UsageLogPage(List.copyOf(page), new Cursor(last.occurredAt, last.eventId));
    }
}
