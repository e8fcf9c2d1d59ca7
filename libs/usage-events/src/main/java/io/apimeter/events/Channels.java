package io.apimeter.events;

/**
 * Reactive Messaging channel names shared by the services and their tests. The consumers of usage-events,
 * alert-events and customers are batch consumers of their own ({@code BatchConsumer}), not channels.
 */
public final class Channels {
    private Channels() {
    }

    /** The gateway's outgoing channel to {@link Topics#USAGE_EVENTS}. */
    public static final String USAGE_EVENTS_OUT = "usage-events-out";
    /** quota-service's outgoing channel to {@link Topics#ALERT_EVENTS}. */
    public static final String ALERT_EVENTS_OUT = "alert-events-out";
    /** quota-service's outgoing channel to {@link Topics#QUOTA_STATUS}. */
    public static final String QUOTA_STATUS_OUT = "quota-status-out";
    /** The gateway's incoming channel from {@link Topics#QUOTA_STATUS}. */
    public static final String QUOTA_STATUS_IN = "quota-status-in";
    /** The gateway's outgoing channel to {@link Topics#CUSTOMERS}. */
    public static final String CUSTOMERS_OUT = "customers-out";
}
