package io.apimeter.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * On demand, not in {@code ./mvnw verify} (about a minute per 250 rounds): why {@code NotificationSender} starts
 * every send on one event loop. Each round makes a new Vert.x mail client, so that its sends open a connection, and
 * sends two mails at once from worker threads, either as they are (the way the sender did) or each started on the
 * round's one event loop (the way it does now). A send is bad if it fails (a garbled greeting) or has no answer
 * within 2 s (its greeting lost). Prints both counts and fails if the pinned way had a bad send.
 * <pre>./mvnw -pl alert-service test -Dtest=MailClientContextCheck -Dapimeter.mail-check.rounds=500</pre>
 */
@EnabledIfSystemProperty(named = "apimeter.mail-check.rounds", matches = "\\d+")
class MailClientContextCheck {
    private static final int ROUNDS = Integer.getInteger("apimeter.mail-check.rounds", 0);

    @Test
    void shouldLoseNoGreetingWhenEverySendStartsOnOneEventLoop() throws Exception {
        GreenMail server = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
        server.start();
        Vertx vertx = Vertx.vertx();
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            List<String> asTheyCome = badSends(vertx, workers, server.getSmtp().getPort(), false);
            List<String> pinned = badSends(vertx, workers, server.getSmtp().getPort(), true);
            System.out.printf("%d cold sends each way: %d bad started from worker threads, %d bad started on one"
                    + " event loop%n  from worker threads: %s%n", ROUNDS * 2, asTheyCome.size(), pinned.size(), asTheyCome);
            assertEquals(List.of(), pinned, "sends started on one event loop");
        } finally {
            workers.shutdownNow();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            server.stop();
        }
    }

    private static List<String> badSends(Vertx vertx, ExecutorService workers, int port, boolean onOneEventLoop)
            throws InterruptedException {
        List<String> bad = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            MailClient client = MailClient.create(vertx, new MailConfig().setHostname("127.0.0.1").setPort(port)
                    .setStarttls(StartTLSOptions.DISABLED));
            Context eventLoop = vertx.getOrCreateContext();
            List<CompletableFuture<Object>> answers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                MailMessage mail = new MailMessage().setFrom("alerts@apimeter.test").setTo("ops" + i + "@apimeter.test")
                        .setText("round " + round);
                CompletableFuture<Object> answer = new CompletableFuture<>();
                answers.add(answer);
                Runnable send = () -> client.sendMail(mail).onComplete(r -> {
                    if (r.succeeded()) {
                        answer.complete(r.result());
                    } else {
                        answer.completeExceptionally(r.cause());
                    }
                });
                workers.execute(onOneEventLoop ? () -> eventLoop.runOnContext(ignored -> send.run()) : send);
            }
            for (CompletableFuture<Object> answer : answers) {
                try {
                    answer.get(2, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    bad.add("round " + round + ": no answer within 2 s");
                } catch (ExecutionException e) {
                    bad.add("round " + round + ": " + e.getCause().getMessage());
                }
            }
            client.close();
        }
        return bad;
    }
}
