package io.apimeter.events;

/** Kafka topic names. They are contract: every topic is keyed on customerId. */
public final class Topics {
    private Topics() {
    }

    public static final String USAGE_EVENTS = "usage-events";
    public static final String USAGE_EVENTS_DLQ = "usage-events-dlq";
    public static final String ALERT_EVENTS = "alert-events";
    public static final String ALERT_EVENTS_DLQ = "alert-events-dlq";
    /** Compacted: the latest QuotaStatus per customer. */
    public static final String QUOTA_STATUS = "quota-status";
    /** Compacted: the latest Customer record per customer. */
    public static final String CUSTOMERS = "customers";
    public static final String CUSTOMERS_DLQ = "customers-dlq";
}
