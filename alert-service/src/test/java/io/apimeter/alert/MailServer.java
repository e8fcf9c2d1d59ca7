package io.apimeter.alert;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A real SMTP server (GreenMail) on a loopback port, shared by the test classes of this module. It can
 * be stopped and started again on the same port, to show that mail is retried while it is down.
 */
public final class MailServer {
    private static GreenMail greenMail;
    private static int port;

    private MailServer() {
    }

    /** Starts the server: on a free port the first time, on the same port afterwards. */
    public static synchronized int start() {
        if (greenMail != null && greenMail.isRunning()) {
            return port;
        }
        ServerSetup setup = port == 0
                ? new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort()
                : new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        greenMail = new GreenMail(setup);
        greenMail.start();
        port = greenMail.getSmtp().getPort();
        return port;
    }

    public static synchronized void stop() {
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    public static synchronized int port() {
        return port;
    }

    /** Mail received since the server last started whose subject contains {@code text}. */
    public static synchronized List<MimeMessage> messagesAbout(String text) {
        if (greenMail == null) {
            return List.of();
        }
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> subject(m).contains(text)).toList();
    }

    /** Mail received since the server last started whose text part mentions {@code text} (e.g. an alert id). */
    public static synchronized List<MimeMessage> messagesMentioning(String text) {
        if (greenMail == null || !greenMail.isRunning()) {
            return List.of();
        }
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> textPart(m).contains(text)).toList();
    }

    /** The recipients of these messages, sorted (GreenMail lists messages per mailbox, not in arrival order). */
    public static List<String> recipients(List<MimeMessage> messages) {
        return messages.stream().map(MailServer::to).sorted().toList();
    }

    /** The decoded text/plain part of a message, or "" if it has none. */
    public static String textPart(MimeMessage message) {
        return part(message, "text/plain");
    }

    /** The decoded text/html part of a message, or "" if it has none. */
    public static String htmlPart(MimeMessage message) {
        return part(message, "text/html");
    }

    private static String part(Part part, String type) {
        try {
            if (part.isMimeType(type) && !Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
                return String.valueOf(part.getContent());
            }
            if (part.isMimeType("multipart/*")) {
                Multipart multipart = (Multipart) part.getContent();
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart child = multipart.getBodyPart(i);
                    String found = part(child, type);
                    if (!found.isEmpty()) {
                        return found;
                    }
                }
            }
            return "";
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String to(MimeMessage message) {
        try {
            return message.getHeader("To", ",");
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
