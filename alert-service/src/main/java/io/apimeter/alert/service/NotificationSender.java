package io.apimeter.alert.service;

import io.apimeter.alert.config.AlertConfig;
import io.apimeter.alert.entity.Alert;
import io.apimeter.alert.entity.Notification;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Sends the notifications that are due. Rows are claimed with {@code for update skip locked}, so several
 * replicas never send the same one at the same time. A failed send is tried again later with exponential
 * backoff, and marked FAILED after the configured number of attempts.
 */
@ApplicationScoped
public class NotificationSender {
    private static final Logger LOG = Logger.getLogger(NotificationSender.class);
    private static final int MAX_ERROR_LENGTH = 500;

    private final EntityManager em;
    private final Mailer mailer;
    private final AlertConfig config;

    public NotificationSender(EntityManager em, Mailer mailer, AlertConfig config) {
        this.em = em;
        this.mailer = mailer;
        this.config = config;
    }

    @Scheduled(identity = "notification-sender", every = "${apimeter.alert.send-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sendOnSchedule() {
        sendDue();
    }

    /** Handles due notifications batch by batch until none is due; returns how many were sent. */
    public int sendDue() {
        int sent = 0;
        while (true) {
            BatchResult batch = QuarkusTransaction.requiringNew().call(this::sendBatch);
            sent += batch.sent();
            if (batch.handled() < config.sendBatchSize()) {
                return sent;
            }
        }
    }

    private BatchResult sendBatch() {
        @SuppressWarnings("unchecked")
        List<Notification> due = em.createNativeQuery("select * from notification where status = 'PENDING'"
                                + " and next_attempt_at <= :now order by next_attempt_at, id limit :n for update skip locked",
                        Notification.class)
                .setParameter("now", Instant.now())
                .setParameter("n", config.sendBatchSize())
                .getResultList();
        int sent = 0;
        for (Notification notification : due) {
            Alert alert = em.find(Alert.class, notification.alertId);
            notification.attempts++;
            try {
                AlertMail mail = AlertMail.of(alert);
                mailer.send(new Mail().addTo(notification.recipient).setSubject(mail.subject())
                        .setText(mail.text()).setHtml(mail.html()));
                notification.status = NotificationStatus.SENT.name();
                notification.sentAt = now();
                notification.lastError = null;
                sent++;
                LOG.infof("alert %s mailed to %s", alert.id, notification.recipient);
            } catch (RuntimeException e) {
                failed(notification, e);
            }
        }
        return new BatchResult(due.size(), sent);
    }

    private void failed(Notification notification, RuntimeException e) {
        notification.lastError = describe(e);
        if (notification.attempts >= config.maxAttempts()) {
            notification.status = NotificationStatus.FAILED.name();
            LOG.errorf("giving up mailing alert %s to %s after %d attempts: %s", notification.alertId,
                    notification.recipient, notification.attempts, notification.lastError);
            return;
        }
        notification.nextAttemptAt = now().plus(Backoff.after(notification.attempts, config.retryInitialBackoff(),
                config.retryMaxBackoff()));
        LOG.warnf("could not mail alert %s to %s (attempt %d), retrying at %s: %s", notification.alertId,
                notification.recipient, notification.attempts, notification.nextAttemptAt, notification.lastError);
    }

    /** The failure's class and message, with its causes; mail server answers never contain our credentials. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < MAX_ERROR_LENGTH; t = t.getCause() == t ? null : t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.length() <= MAX_ERROR_LENGTH ? text.toString() : text.substring(0, MAX_ERROR_LENGTH);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private record BatchResult(int handled, int sent) {
    }
}
