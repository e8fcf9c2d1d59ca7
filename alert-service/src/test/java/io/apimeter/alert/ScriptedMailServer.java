package io.apimeter.alert;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small SMTP server on a loopback port whose answer to a mail can be scripted, for what GreenMail does not do:
 * answer a mail only after a delay, or store a mail and then drop the connection without answering (a server
 * going away at the worst moment). Every stored mail is kept as its raw text.
 */
final class ScriptedMailServer implements AutoCloseable {
    /** What the server does once a mail's data has arrived. */
    enum Answer { AT_ONCE, LATE, STORE_THEN_DROP }

    private static ScriptedMailServer shared;

    private final ServerSocket socket;
    private final List<String> stored = new ArrayList<>();
    private final AtomicInteger drops = new AtomicInteger();
    private volatile Answer answer = Answer.AT_ONCE;
    private volatile Duration delay = Duration.ZERO;

    private ScriptedMailServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "scripted-smtp");
        accepting.setDaemon(true);
        accepting.start();
    }

    static synchronized ScriptedMailServer shared() {
        if (shared == null) {
            try {
                shared = new ScriptedMailServer();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Answers each mail only after {@code delay}. */
    void answerLate(Duration delay) {
        this.delay = delay;
        this.answer = Answer.LATE;
    }

    /** Stores the next {@code count} mails and drops their connections without an answer; then answers at once. */
    void storeThenDrop(int count) {
        drops.set(count);
        this.answer = Answer.STORE_THEN_DROP;
    }

    void answerAtOnce() {
        this.answer = Answer.AT_ONCE;
    }

    /** The raw text of every mail stored whose text contains {@code text}. */
    synchronized List<String> storedMentioning(String text) {
        return stored.stream().filter(m -> m.contains(text)).toList();
    }

    private synchronized void store(String mail) {
        stored.add(mail);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                Thread session = new Thread(() -> serve(connection), "scripted-smtp-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection;
             BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                     StandardCharsets.ISO_8859_1));
             OutputStream out = connection.getOutputStream()) {
            reply(out, "220 scripted ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                switch (command) {
                    case "EHLO" -> reply(out, "250-scripted\r\n250 8BITMIME");
                    case "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 OK");
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        StringBuilder mail = new StringBuilder();
                        String data;
                        while ((data = in.readLine()) != null && !data.equals(".")) {
                            mail.append(data).append("\r\n");
                        }
                        store(mail.toString());
                        if (answer == Answer.STORE_THEN_DROP && drops.getAndDecrement() > 0) {
                            return; // the mail is stored, the sender never hears so
                        }
                        if (answer == Answer.LATE) {
                            Thread.sleep(delay.toMillis());
                        }
                        reply(out, "250 stored");
                    }
                    default -> reply(out, "502 not implemented");
                }
            }
        } catch (IOException e) {
            // the sender went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
