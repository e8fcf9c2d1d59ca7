package io.apimeter.events;

/**
 * What a UsageEvent stands for, and so what it adds to the counts downstream. Absent in the JSON (every event
 * written before this field existed, and every request the gateway forwards) means {@link #REQUEST}.
 */
public enum UsageKind {
    /** A request a client app made through the gateway: counts as one call and one request, with its usage. */
    REQUEST,
    /**
     * Usage the provider reported later for a request counted already, such as the billed seconds of a Smartflo
     * call placed earlier: adds its quantities and cost, but is not a call or a request of its own.
     */
    REPORT,
    /**
     * A correction of a report: the difference between the corrected usage and the usage billed before. Its
     * quantities and cost may be negative (the sums go down); like a report, it is not a call or a request.
     */
    ADJUSTMENT
}
