package io.apimeter.events;

/** How a metered call ended, as seen by the gateway. */
public enum Outcome {
    /** The provider answered with a 2xx status. */
    SUCCESS,
    /** The provider answered with a 4xx or 5xx status; passed through to the client. */
    PROVIDER_ERROR,
    /** The provider did not answer within the gateway's timeout. */
    PROVIDER_TIMEOUT,
    /** The provider could not be reached (connection refused, DNS, TLS). */
    PROVIDER_UNREACHABLE,
    /** The client went away before the answer was complete. */
    CLIENT_ABORTED,
    /** The gateway refused the call, for example because a quota blocks the customer. */
    REJECTED;

    /** Whether the call counts as an error in summaries. */
    public boolean isError() {
        return this != SUCCESS;
    }
}
