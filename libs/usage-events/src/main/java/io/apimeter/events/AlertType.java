package io.apimeter.events;

/** Kinds of alert the platform raises. */
public enum AlertType {
    /** A quota dimension crossed its warning percentage (80% unless configured). */
    WARNING,
    /** A quota dimension crossed 100%. */
    EXCEEDED,
    /** A customer made more requests in a minute than allowed. */
    RATE_LIMIT,
    /** The platform's monthly cost crossed its budget threshold. */
    PLATFORM_COST,
    /** A call used a model the price book has no price for. */
    UNPRICED_MODEL,
    /** A customer's recent activity is far above its own normal. */
    UNUSUAL_ACTIVITY,
    /**
     * A Smartflo call placed through the gateway still has no billed record long after it was placed (neither
     * Smartflo's webhook nor its call records API gave one): the call is not billed. Platform-wide, for the admins.
     */
    UNBILLED_CALL
}
