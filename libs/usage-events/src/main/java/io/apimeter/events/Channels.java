package io.apimeter.events;

/** Reactive Messaging channel names shared by the services and their tests. */
public final class Channels {
    private Channels() {
    }

    /** The gateway's outgoing channel to {@link Topics#USAGE_EVENTS}. */
    public static final String USAGE_EVENTS_OUT = "usage-events-out";
    /** Every consumer's incoming channel from {@link Topics#USAGE_EVENTS}. */
    public static final String USAGE_EVENTS_IN = "usage-events-in";
    /** quota-service's outgoing channel to {@link Topics#ALERT_EVENTS}. */
    public static final String ALERT_EVENTS_OUT = "alert-events-out";
    /** alert-service's incoming channel from {@link Topics#ALERT_EVENTS}. */
    public static final String ALERT_EVENTS_IN = "alert-events-in";
    /** quota-service's outgoing channel to {@link Topics#QUOTA_STATUS}. */
    public static final String QUOTA_STATUS_OUT = "quota-status-out";
    /** The gateway's incoming channel from {@link Topics#QUOTA_STATUS}. */
    public static final String QUOTA_STATUS_IN = "quota-status-in";
    /** The gateway's outgoing channel to {@link Topics#CUSTOMERS}. */
    public static final String CUSTOMERS_OUT = "customers-out";
    /** alert-service's incoming channel from {@link Topics#CUSTOMERS}. */
    public static final String CUSTOMERS_IN = "customers-in";
}
