package io.apimeter.e2e;

import jakarta.mail.Address;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mail as the SMTP server received it, reduced to what the harness counts: to whom, its subject, the id
 * of the alert it is about (alert-service writes "Alert id: &lt;uuid&gt;" in the text part of every alert mail)
 * and its Message-ID (the same on every attempt at one notification).
 * Read at once, so that mails of an SMTP server that was stopped are kept.
 */
record ReceivedMail(String recipient, String subject, String alertId, String messageId) {
    private static final Pattern ALERT_ID = Pattern.compile("Alert id:\\s*([0-9a-fA-F-]{36})");

    /** The key mails are counted by: one mail per recipient and alert. */
    String key() {
        return recipient + " | " + (alertId == null ? subject : alertId);
    }

    static List<ReceivedMail> of(MimeMessage[] messages) {
        List<ReceivedMail> mails = new ArrayList<>();
        for (MimeMessage message : messages) {
            try {
                String subject = message.getSubject();
                String text = text(message);
                Matcher id = text == null ? null : ALERT_ID.matcher(text);
                String alertId = id != null && id.find() ? id.group(1).toLowerCase(java.util.Locale.ROOT) : null;
                Address[] recipients = message.getAllRecipients();
                for (Address recipient : recipients == null ? new Address[0] : recipients) {
                    mails.add(new ReceivedMail(bare(recipient.toString()), subject, alertId, message.getMessageID()));
                }
            } catch (Exception e) {
                mails.add(new ReceivedMail("unreadable", String.valueOf(e), null, null));
            }
        }
        return mails;
    }

    private static String bare(String address) {
        int open = address.indexOf('<');
        int close = address.indexOf('>');
        return (open >= 0 && close > open ? address.substring(open + 1, close) : address).trim()
                .toLowerCase(java.util.Locale.ROOT);
    }

    private static String text(Part part) throws Exception {
        if (part.isMimeType("text/plain")) {
            return String.valueOf(part.getContent());
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                String text = text(multipart.getBodyPart(i));
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }
}
