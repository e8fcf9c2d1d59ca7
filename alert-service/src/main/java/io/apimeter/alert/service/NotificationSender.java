package io.apimeter.alert.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apimeter.alert.config.AlertConfig;
import io.apimeter.alert.entity.Alert;
import io.apimeter.alert.entity.Notification;
import io.apimeter.alert.entity.Webhook;
import io.apimeter.events.EventJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

/**
 * Sends the notifications that are due, mail and webhook, so that none is lost and none is sent twice.
 *
 * <ol>
 * <li>Claim: a short transaction picks due PENDING rows with {@code for update skip locked}, counts the attempt,
 * stamps them with this run's claim token and moves their {@code next_attempt_at} to the end of a lease
 * ({@code apimeter.alert.send-lease}). Another replica skips locked rows and sees claimed ones as not due.</li>
 * <li>Send, outside any transaction, row by row: just before each send the lease is renewed, and only if the row
 * still carries this run's token (a row whose lease ran out may have been taken over by another sender).</li>
 * <li>Mark: a short transaction marks the row SENT once the mail server accepted the mail or the webhook
 * answered 2xx; otherwise it schedules the next attempt with exponential backoff, or marks it FAILED after
 * {@code max-attempts} or at once for a failure that cannot pass (a webhook that now points inside).</li>
 * </ol>
 *
 * One deadline, the end of the lease renewed before the send, bounds each attempt: the send waits for the mail
 * server's answer until half the lease is left, and recording the attempt waits out a database outage until a
 * quarter is left, so that an accepted mail is marked before another sender may take the row over.
 * A sender that dies after the claim leaves its rows to be taken over when the lease ends. One that dies after
 * the SMTP server (or the webhook) accepted a message but before the mark sends it again after the lease: that
 * narrow window makes delivery at least once; on every other path, one accepted send per row makes it exactly
 * once. A mail server that does not answer in time does not make a send a failure: its outcome is waited for, as a
 * late acceptance would otherwise be sent again. Every mail of a row carries the same
 * {@code Message-ID}, so a repeat from that window is the same message to the recipient's mail system; webhook
 * receivers can drop a repeat by its {@code X-Apimeter-Event-Id}.
 */
@ApplicationScoped
public class NotificationSender {
    private static final Logger LOG = Logger.getLogger(NotificationSender.class);
    private static final int MAX_ERROR_LENGTH = 500;
    private static final ObjectMapper JSON = EventJson.configure(new ObjectMapper())
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);

    private final EntityManager em;
    private final ReactiveMailer mailer;
    private final WebhookClient webhookClient;
    private final WebhookSigning signing;
    private final AlertConfig config;
    private final MeterRegistry meters;
    private final ManagedExecutor executor;
    /**
     * Every send is started on this one event loop. The Vert.x mail client may open a new connection on one event
     * loop and start listening for the server's greeting on the context it was called from: called from a worker
     * thread, those can be two event loops, and a greeting (or its first bytes) that arrives before the client
     * listens is dropped. The send then fails on a garbled greeting, or waits until the server gives up on the
     * silent connection (after 30 s for the mail catcher); the first send of a process, which always connects, was
     * the one hit. Called on one event loop, connecting and listening happen in one task.
     */
    private final Context mailContext;
    private final AtomicBoolean waking = new AtomicBoolean();
    /** Set on shutdown: nothing new is sent, and sends under way are marked before the database goes. */
    private volatile boolean stopping;
    private final Phaser inFlight = new Phaser(1);
    private final AtomicBoolean wakeAgain = new AtomicBoolean();

    public NotificationSender(EntityManager em, ReactiveMailer mailer, WebhookClient webhookClient,
                              WebhookSigning signing, AlertConfig config, MeterRegistry meters, ManagedExecutor executor,
                              Vertx vertx) {
        this.executor = executor;
        this.mailContext = vertx.getOrCreateContext();
        this.em = em;
        this.mailer = mailer;
        this.webhookClient = webhookClient;
        this.signing = signing;
        this.config = config;
        this.meters = meters;
    }

    /**
     * On shutdown, before the database and the executor go: no new send starts, and every send under way is
     * waited for until its row is marked, so that a mail the server accepted is never sent again after a restart
     * or a deploy. Rows claimed but not sent yet are handed back at once.
     */
    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        int phase = inFlight.arrive();
        try {
            inFlight.awaitAdvanceInterruptibly(phase, config.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warnf("%d notification sends were still under way after %s; a mail among them may arrive twice",
                    inFlight.getUnarrivedParties(), config.stopTimeout());
        }
    }

    @Scheduled(identity = "notification-sender", every = "${apimeter.alert.send-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sendOnSchedule() {
        sendDue();
    }

    /**
     * Sends what is due now, off the caller's thread: called once an alert and its notification rows have
     * committed. Wakes arriving while a round runs lead to one more round, so none is missed.
     */
    public void wake() {
        wakeAgain.set(true);
        if (waking.compareAndSet(false, true)) {
            executor.runAsync(this::sendWhileWoken);
        }
    }

    private void sendWhileWoken() {
        try {
            while (wakeAgain.getAndSet(false)) {
                sendDue();
            }
        } catch (RuntimeException e) {
            // the scheduled round tries again
            LOG.warnf("sending due notifications failed: %s", describe(e));
        } finally {
            waking.set(false);
            if (wakeAgain.get() && waking.compareAndSet(false, true)) {
                executor.runAsync(this::sendWhileWoken);
            }
        }
    }

    /**
     * Handles due notifications batch by batch until none is due, up to {@code send-concurrency} rows of a batch
     * at a time; returns how many were delivered.
     */
    public int sendDue() {
        UUID token = UUID.randomUUID();
        int sent = 0;
        while (!stopping) {
            List<Long> claimed = QuarkusTransaction.requiringNew().call(() -> claim(token));
            List<CompletableFuture<Boolean>> sends = new ArrayList<>(claimed.size());
            Semaphore slots = new Semaphore(Math.max(1, config.sendConcurrency()));
            for (Long id : claimed) {
                slots.acquireUninterruptibly();
                CompletableFuture<Boolean> send = executor.supplyAsync(() -> handle(id, token))
                        .whenComplete((r, e) -> slots.release());
                sends.add(send);
            }
            for (CompletableFuture<Boolean> send : sends) {
                try {
                    if (send.join()) {
                        sent++;
                    }
                } catch (RuntimeException e) {
                    // the row stays claimed until its lease ends, then it is tried again
                    LOG.errorf("a notification send failed unexpectedly: %s", describe(e));
                }
            }
            if (claimed.size() < config.sendBatchSize()) {
                return sent;
            }
        }
        return sent;
    }

    /** Step 1: claims up to a batch of due rows for this run. */
    private List<Long> claim(UUID token) {
        Instant now = now();
        @SuppressWarnings("unchecked")
        List<Number> due = em.createNativeQuery("select id from notification where status = 'PENDING'"
                        + " and next_attempt_at <= :now order by next_attempt_at, id limit :n for update skip locked")
                .setParameter("now", now)
                .setParameter("n", config.sendBatchSize())
                .getResultList();
        List<Long> ids = due.stream().map(Number::longValue).toList();
        if (!ids.isEmpty()) {
            em.createNativeQuery("update notification set claim_token = :token, attempts = attempts + 1,"
                            + " next_attempt_at = :leaseEnd where id in (:ids)")
                    .setParameter("token", token)
                    .setParameter("leaseEnd", now.plus(config.sendLease()))
                    .setParameter("ids", ids)
                    .executeUpdate();
        }
        return ids;
    }

    private boolean handle(long id, UUID token) {
        if (inFlight.register() < 0) {
            return false;
        }
        try {
            if (stopping) {
                QuarkusTransaction.requiringNew().run(() -> release(id, token));
                return false;
            }
            return sendAndMark(id, token);
        } finally {
            inFlight.arriveAndDeregister();
        }
    }

    /** Hands a claimed row back unsent, as if it had not been claimed. */
    private void release(long id, UUID token) {
        em.createNativeQuery("update notification set claim_token = null, attempts = attempts - 1,"
                        + " next_attempt_at = :now where id = :id and claim_token = :token and status = 'PENDING'")
                .setParameter("now", now())
                .setParameter("id", id)
                .setParameter("token", token)
                .executeUpdate();
    }

    private boolean sendAndMark(long id, UUID token) {
        Prepared prepared = QuarkusTransaction.requiringNew().call(() -> prepare(id, token));
        if (prepared == null) {
            return false;
        }
        DeliveryOutcome outcome;
        try {
            outcome = prepared.send(this);
        } catch (RuntimeException e) {
            outcome = new DeliveryOutcome.Failed(describe(e), true);
        }
        DeliveryOutcome result = outcome;
        markWaitingOutTheDatabase(id, token, prepared, result);
        return result instanceof DeliveryOutcome.Delivered;
    }

    /**
     * Marks the attempt, retrying while the database is away: a mail the server accepted must be marked SENT, or
     * it goes out again once the lease ends. Gives up when a quarter of the lease renewed before the send is left,
     * before another sender may take the row over.
     */
    private void markWaitingOutTheDatabase(long id, UUID token, Prepared prepared, DeliveryOutcome outcome) {
        long giveUpAt = prepared.leaseEndsAt() - config.sendLease().dividedBy(4).toNanos();
        long backoffMillis = 100;
        while (true) {
            try {
                QuarkusTransaction.requiringNew().run(() -> mark(id, token, prepared, outcome));
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() - giveUpAt > 0) {
                    LOG.errorf("notification %d: could not record the attempt (%s); it is tried again after its lease",
                            id, describe(e));
                    throw e;
                }
                LOG.warnf("notification %d: recording the attempt failed (%s); retrying in %d ms", id, describe(e),
                        backoffMillis);
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }

    /**
     * Step 2, before the send: renews the lease if the row is still this run's, and gathers what to send.
     * Null when another sender has taken the row over.
     */
    private Prepared prepare(long id, UUID token) {
        // read before the renewal, so that this process's deadline never lies past the one stored
        long leaseEndsAt = System.nanoTime() + config.sendLease().toNanos();
        int renewed = em.createNativeQuery("update notification set next_attempt_at = :leaseEnd"
                        + " where id = :id and claim_token = :token and status = 'PENDING'")
                .setParameter("leaseEnd", now().plus(config.sendLease()))
                .setParameter("id", id)
                .setParameter("token", token)
                .executeUpdate();
        if (renewed == 0) {
            LOG.debugf("notification %d was taken over by another sender", id);
            return null;
        }
        Notification notification = em.find(Notification.class, id);
        Alert alert = em.find(Alert.class, notification.alertId);
        NotificationAudience audience = NotificationAudience.valueOf(notification.audience);
        if (NotificationChannel.WEBHOOK.name().equals(notification.channel)) {
            // the customer's webhook as it is now: a replaced webhook gets the delivery signed with its new secret
            Webhook webhook = em.createQuery("select w from Webhook w where w.customerId = :customer", Webhook.class)
                    .setParameter("customer", alert.customerId)
                    .getResultList().stream().findFirst().orElse(null);
            return new Prepared(id, notification.attempts, leaseEndsAt, notification.channel, alert.id,
                    alert.customerId, null, null, webhook, webhook == null ? null : webhookBody(alert));
        }
        return new Prepared(id, notification.attempts, leaseEndsAt, notification.channel, alert.id,
                alert.customerId, notification.recipient, AlertMail.of(alert, audience), null, null);
    }

    /** Step 3: records how the attempt went, if the row is still this run's. */
    private void mark(long id, UUID token, Prepared prepared, DeliveryOutcome outcome) {
        Notification notification = em.find(Notification.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (notification == null || !token.equals(notification.claimToken)) {
            LOG.warnf("notification %d was taken over by another sender while this one was sending it (the lease"
                    + " apimeter.alert.send-lease is shorter than a send); it may arrive twice", id);
            return;
        }
        notification.claimToken = null;
        if (prepared.webhook() != null) {
            notification.recipient = prepared.webhook().url;
            notification.webhookId = prepared.webhook().id;
        }
        String what = describeTarget(notification);
        if (outcome instanceof DeliveryOutcome.Delivered delivered) {
            notification.status = NotificationStatus.SENT.name();
            notification.sentAt = now();
            notification.lastError = null;
            count(notification, "sent");
            LOG.infof("alert %s: %s delivered (%s)", notification.alertId, what, delivered.detail());
            return;
        }
        DeliveryOutcome.Failed failed = (DeliveryOutcome.Failed) outcome;
        notification.lastError = clip(failed.error());
        if (!failed.retry() || notification.attempts >= config.maxAttempts()) {
            notification.status = NotificationStatus.FAILED.name();
            count(notification, "failed");
            LOG.errorf("alert %s: giving up on %s after %d attempt(s): %s", notification.alertId, what,
                    notification.attempts, notification.lastError);
            return;
        }
        notification.nextAttemptAt = now().plus(Backoff.after(notification.attempts, config.retryInitialBackoff(),
                config.retryMaxBackoff()));
        count(notification, "retry");
        LOG.warnf("alert %s: could not deliver %s (attempt %d), retrying at %s: %s", notification.alertId, what,
                notification.attempts, notification.nextAttemptAt, notification.lastError);
    }

    /**
     * Sends one mail and waits for the mail server's answer. One not there after
     * {@code apimeter.alert.mail-timeout} is still waited for, until half the lease is left: the server may yet accept the mail, and a send given up on too
     * early would be sent again. Only after that is the attempt a failure, and a later repeat possible.
     */
    private DeliveryOutcome sendMail(Prepared prepared) {
        AlertMail mail = prepared.mail();
        // one recipient per mail: a customer's mail never shows another address
        Mail message = new Mail().addTo(prepared.recipient()).setSubject(mail.subject())
                .setText(mail.text()).setHtml(mail.html())
                .addHeader("Message-ID", messageId(prepared.notificationId(), prepared.alertId()));
        LOG.infof("alert %s: sending the mail to %s (notification %d, attempt %d)", prepared.alertId(),
                prepared.recipient(), prepared.notificationId(), prepared.attempt());
        CompletableFuture<Void> answer = new CompletableFuture<>();
        mailContext.runOnContext(ignored -> mailer.send(message).subscribe()
                .with(answer::complete, answer::completeExceptionally));
        long waitUntil = prepared.leaseEndsAt() - config.sendLease().dividedBy(2).toNanos();
        try {
            try {
                answer.get(config.mailTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException slow) {
                LOG.warnf("alert %s: the mail server has not answered about the mail to %s within %s; waiting for"
                        + " its answer", prepared.alertId(), prepared.recipient(), config.mailTimeout());
                answer.get(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            return new DeliveryOutcome.Failed("the mail server did not answer while half the send lease ("
                    + config.sendLease() + ") was left; if it accepted the mail after all, the next attempt repeats"
                    + " it (same Message-ID)", true);
        } catch (ExecutionException e) {
            return new DeliveryOutcome.Failed(describe(e.getCause()), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.Failed("interrupted while waiting for the mail server", true);
        }
        return new DeliveryOutcome.Delivered("accepted by the mail server");
    }

    /** The Message-ID of every mail of a notification row, the same on each attempt. */
    static String messageId(long notificationId, UUID alertId) {
        return "<notification-" + notificationId + "." + alertId + "@apimeter>";
    }

    private DeliveryOutcome sendWebhook(Prepared prepared) {
        if (prepared.webhook() == null) {
            return new DeliveryOutcome.Failed("the customer has no webhook any more", false);
        }
        if (!signing.available()) {
            return new DeliveryOutcome.Failed(signing.unavailableReason(), true);
        }
        String secret = signing.secret(prepared.customerId(), prepared.webhook().id);
        return webhookClient.post(prepared.webhook().url, prepared.alertId().toString(), prepared.body(), secret);
    }

    /** The JSON a webhook receives about an alert. */
    public record WebhookPayload(UUID id, String type, String customerId, String dimension, String month,
                                 Integer thresholdPercent, String used, String limit, String message,
                                 Instant occurredAt, String status) {
    }

    static byte[] webhookBody(Alert alert) {
        WebhookPayload payload = new WebhookPayload(alert.id, alert.type, alert.customerId, alert.dimension,
                alert.month, alert.thresholdPercent, plain(alert.used), plain(alert.limitValue), alert.message,
                alert.occurredAt, alert.status);
        try {
            return JSON.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the webhook payload", e);
        }
    }

    private static String plain(BigDecimal value) {
        if (value == null) {
            return null;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }

    /** For the log: mail addresses as they are; a webhook only by its customer, as its URL may carry a token. */
    private static String describeTarget(Notification notification) {
        return NotificationChannel.WEBHOOK.name().equals(notification.channel)
                ? "the webhook (" + notification.audience.toLowerCase(java.util.Locale.ROOT) + ")"
                : "the mail to " + notification.recipient;
    }

    private void count(Notification notification, String outcome) {
        meters.counter("apimeter.alert.notifications", "channel", notification.channel, "audience",
                notification.audience, "outcome", outcome).increment();
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
        return clip(text.toString());
    }

    private static String clip(String text) {
        return text == null || text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * What one attempt sends, gathered in the prepare transaction so that the send needs no database; with the end
     * of the lease renewed there ({@link System#nanoTime()}), the deadline of the send and of its mark.
     */
    private record Prepared(long notificationId, int attempt, long leaseEndsAt, String channel, UUID alertId,
                            String customerId, String recipient, AlertMail mail, Webhook webhook, byte[] body) {
        DeliveryOutcome send(NotificationSender sender) {
            return NotificationChannel.WEBHOOK.name().equals(channel) ? sender.sendWebhook(this)
                    : sender.sendMail(this);
        }
    }
}
