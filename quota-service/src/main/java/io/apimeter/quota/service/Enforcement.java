package io.apimeter.quota.service;

/** What happens when a quota is exceeded. */
public enum Enforcement {
    /** Alerts only; the customer's calls go on (the default). */
    ALERT_ONLY,
    /** Alerts, and the gateway rejects the customer's calls. */
    BLOCK
}
