package io.apimeter.alert.service;

import io.apimeter.alert.entity.Alert;
import io.apimeter.alert.entity.CustomerContact;
import io.apimeter.alert.entity.Notification;
import io.apimeter.common.rest.ApiException;
import io.apimeter.events.AlertEvent;
import io.apimeter.events.AlertType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Stores alerts once, queues their notifications, and moves them through ACTIVE, SEEN and RESOLVED. */
@ApplicationScoped
@Transactional
public class AlertService {
    private static final Logger LOG = Logger.getLogger(AlertService.class);

    private final EntityManager em;
    private final AdminRecipients admins;
    private final CustomerContacts contacts;
    private final Webhooks webhooks;

    public AlertService(EntityManager em, AdminRecipients admins, CustomerContacts contacts, Webhooks webhooks) {
        this.em = em;
        this.admins = admins;
        this.contacts = contacts;
        this.webhooks = webhooks;
    }

    /** Stores a batch of alert events, in order, in one transaction; returns how many were new. */
    public int storeAll(List<AlertEvent> events) {
        int stored = 0;
        for (AlertEvent event : events) {
            stored += store(event) ? 1 : 0;
        }
        return stored;
    }

    /**
     * Stores the alert and its pending notifications in one transaction: a mail per admin address; for a
     * customer's alert (not a platform one) also a mail to the customer's contact address, as known now and
     * unless the customer is DISABLED, and a delivery to the customer's webhook if it has one. Returns false,
     * changing nothing, when the alert was stored before.
     */
    public boolean store(AlertEvent event) {
        if (em.find(Alert.class, event.eventId()) != null) {
            LOG.debugf("alert %s was stored before; ignored", event.eventId());
            return false;
        }
        Instant now = now();
        Alert alert = new Alert();
        alert.id = event.eventId();
        alert.type = event.type().name();
        alert.customerId = event.customerId();
        alert.dimension = event.dimension() == null ? null : event.dimension().name();
        alert.month = event.month();
        alert.thresholdPercent = event.thresholdPercent();
        alert.used = event.used();
        alert.limitValue = event.limit();
        alert.message = event.message();
        alert.occurredAt = event.occurredAt();
        alert.causeEventId = event.causeEventId();
        alert.status = AlertStatus.ACTIVE.name();
        alert.createdAt = now;
        em.persist(alert);
        for (String recipient : admins.addresses()) {
            queue(alert, NotificationChannel.EMAIL, NotificationAudience.ADMIN, recipient, null, now);
        }
        if (!AlertEvent.PLATFORM.equalsIgnoreCase(alert.customerId)) {
            CustomerContact contact = contacts.find(alert.customerId).orElse(null);
            boolean disabled = contact != null && CustomerContacts.DISABLED.equalsIgnoreCase(contact.status);
            // an admin's own address already gets the admins' mail about it
            CustomerContacts.mailAddress(contact).filter(address -> !admins.isAdmin(address)).ifPresent(address ->
                    queue(alert, NotificationChannel.EMAIL, NotificationAudience.CUSTOMER, address, null, now));
            if (!disabled) {
                webhooks.find(alert.customerId).ifPresent(webhook -> queue(alert, NotificationChannel.WEBHOOK,
                        NotificationAudience.CUSTOMER, webhook.url, webhook.id, now));
            }
        }
        // A concurrent copy of the same event fails here on the primary key and is retried as a duplicate.
        em.flush();
        LOG.infof("%s alert %s for %s stored: %s", alert.type, alert.id, alert.customerId, alert.message);
        return true;
    }

    private void queue(Alert alert, NotificationChannel channel, NotificationAudience audience, String recipient,
                       UUID webhookId, Instant now) {
        Notification notification = new Notification();
        notification.alertId = alert.id;
        notification.channel = channel.name();
        notification.audience = audience.name();
        notification.recipient = recipient;
        notification.webhookId = webhookId;
        notification.status = NotificationStatus.PENDING.name();
        notification.nextAttemptAt = now;
        notification.createdAt = now;
        em.persist(notification);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<AlertDetails> list(AlertStatus status, String customerId, AlertType type, int limit) {
        StringBuilder jpql = new StringBuilder("select a from Alert a where 1 = 1");
        Map<String, Object> parameters = new HashMap<>();
        if (status != null) {
            jpql.append(" and a.status = :status");
            parameters.put("status", status.name());
        }
        if (customerId != null) {
            jpql.append(" and a.customerId = :customerId");
            parameters.put("customerId", customerId);
        }
        if (type != null) {
            jpql.append(" and a.type = :type");
            parameters.put("type", type.name());
        }
        jpql.append(" order by a.occurredAt desc, a.createdAt desc, a.id");
        TypedQuery<Alert> query = em.createQuery(jpql.toString(), Alert.class).setMaxResults(limit);
        parameters.forEach(query::setParameter);
        List<Alert> alerts = query.getResultList();
        return withNotifications(alerts);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public AlertDetails get(UUID id) {
        return withNotifications(List.of(require(id, false))).get(0);
    }

    /**
     * ACTIVE becomes SEEN, recording who and when; SEEN stays as it is (the first person to see it is kept);
     * a RESOLVED alert cannot go back.
     */
    public AlertDetails markSeen(UUID id, String by) {
        Alert alert = require(id, true);
        switch (AlertStatus.valueOf(alert.status)) {
            case ACTIVE -> {
                alert.status = AlertStatus.SEEN.name();
                alert.seenAt = now();
                alert.seenBy = by;
            }
            case SEEN -> {
                // already seen: nothing changes
            }
            case RESOLVED -> throw ApiException.conflict("alert_resolved", "alert " + id + " is already resolved");
        }
        return withNotifications(List.of(alert)).get(0);
    }

    /**
     * ACTIVE or SEEN becomes RESOLVED, recording who and when; resolving a resolved alert changes nothing
     * (the person who resolved it first is kept).
     */
    public AlertDetails resolve(UUID id, String by) {
        Alert alert = require(id, true);
        if (!AlertStatus.RESOLVED.name().equals(alert.status)) {
            alert.status = AlertStatus.RESOLVED.name();
            alert.resolvedAt = now();
            alert.resolvedBy = by;
        }
        return withNotifications(List.of(alert)).get(0);
    }

    private Alert require(UUID id, boolean lock) {
        Alert alert = lock ? em.find(Alert.class, id, LockModeType.PESSIMISTIC_WRITE) : em.find(Alert.class, id);
        if (alert == null) {
            throw noSuchAlert(id);
        }
        return alert;
    }

    /** The answer for an alert that does not exist, or that the caller may not see. */
    public static ApiException noSuchAlert(UUID id) {
        return ApiException.notFound("no alert " + id);
    }

    private List<AlertDetails> withNotifications(List<Alert> alerts) {
        if (alerts.isEmpty()) {
            return List.of();
        }
        Map<UUID, List<Notification>> byAlert = new LinkedHashMap<>();
        alerts.forEach(a -> byAlert.put(a.id, new ArrayList<>()));
        em.createQuery("select n from Notification n where n.alertId in :ids order by n.id", Notification.class)
                .setParameter("ids", byAlert.keySet())
                .getResultList()
                .forEach(n -> byAlert.get(n.alertId).add(n));
        return alerts.stream().map(a -> new AlertDetails(a, byAlert.get(a.id))).toList();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** An alert with its notifications. */
    public record AlertDetails(Alert alert, List<Notification> notifications) {
    }
}
