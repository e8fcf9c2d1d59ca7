package io.apimeter.common.messaging;

import io.apimeter.events.EventFormatException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * The one place that decides what a consumer's failure means. Every consumer asks it, and only a record it calls
 * {@link Kind#POISON} is ever dead-lettered; everything else is waited out and the record applied later.
 *
 * <ul>
 *     <li>{@link Kind#POISON}: the record itself can never become an event (unreadable JSON, an unknown schema
 *     version, an event that fails validation). Dead-lettered at once.</li>
 *     <li>{@link Kind#DATA}: the database refused the record's data (SQLSTATE class 22, data exception, or 23,
 *     integrity constraint violation). Within a batch it says only that some record is bad: the batch is applied
 *     again record by record, and a record that still fails so on its own, a few times, is dead-lettered.</li>
 *     <li>{@link Kind#TRANSIENT}: anything else. A database that is down, refuses connections or times out, a
 *     lock or serialization failure, a broker that is away, and also a failure nobody foresaw: retried with
 *     capped backoff, never skipped. An unforeseen failure stalls the partition where everyone can see it
 *     (readiness, metrics, the log) rather than losing a call.</li>
 * </ul>
 */
public final class RecordFailures {
    /** What a failure means for the record. */
    public enum Kind {
        POISON, DATA, TRANSIENT
    }

    private RecordFailures() {
    }

    public static Kind classify(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof EventFormatException) {
                return Kind.POISON;
            }
            if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
                return Kind.TRANSIENT;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("22") || state.startsWith("23")) {
                    return Kind.DATA;
                }
                return Kind.TRANSIENT;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Kind.TRANSIENT;
    }

    /** A short description of a failure for logs and dead-letter headers: its type and message, no stack. */
    public static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof EventFormatException) {
                return clip(cause.getMessage());
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        return clip(message);
    }

    private static String clip(String message) {
        if (message == null) {
            return "no reason given";
        }
        return message.length() > 500 ? message.substring(0, 500) + "..." : message;
    }
}
