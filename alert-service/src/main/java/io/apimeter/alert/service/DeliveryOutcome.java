package io.apimeter.alert.service;

/** How one attempt to send a notification went. */
public sealed interface DeliveryOutcome {

    /** The mail server accepted the mail, or the webhook answered 2xx. */
    record Delivered(String detail) implements DeliveryOutcome {
    }

    /**
     * It did not arrive.
     *
     * @param error why, for admins; never a credential, secret or signature
     * @param retry whether a later attempt may succeed (false: the row is FAILED at once)
     */
    record Failed(String error, boolean retry) implements DeliveryOutcome {
    }
}
