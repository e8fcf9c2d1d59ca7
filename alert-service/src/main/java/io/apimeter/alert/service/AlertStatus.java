package io.apimeter.alert.service;

/** Where people are in handling an alert. */
public enum AlertStatus {
    /** New; nobody has looked at it yet. */
    ACTIVE,
    /** Someone has seen it. */
    SEEN,
    /** Dealt with. */
    RESOLVED
}
