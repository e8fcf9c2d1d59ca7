package io.apimeter.alert.service;

/** How a notification travels. */
public enum NotificationChannel {
    /** A mail (text and HTML) over SMTP. */
    EMAIL,
    /** A signed JSON POST to the customer's webhook. */
    WEBHOOK
}
