package io.apimeter.alert.service;

/** Who a notification is for; decides what the message says and who may see the row. */
public enum NotificationAudience {
    /** The platform's admins (ALERT_ADMIN_EMAILS). */
    ADMIN,
    /** The customer the alert is about: its contact address or its webhook. */
    CUSTOMER
}
