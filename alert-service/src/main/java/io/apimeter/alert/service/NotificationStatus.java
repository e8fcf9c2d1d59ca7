package io.apimeter.alert.service;

/** Sending state of a notification. */
public enum NotificationStatus {
    /** Not sent yet; tried at its next attempt time. */
    PENDING,
    /** Accepted by the mail server. */
    SENT,
    /** Given up after the configured number of attempts. */
    FAILED
}
