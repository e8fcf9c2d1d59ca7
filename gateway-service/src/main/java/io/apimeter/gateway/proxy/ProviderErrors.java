package io.apimeter.gateway.proxy;

import jakarta.ws.rs.core.Response;

/** The gateway's own errors on a provider route, written in that provider's error format so its SDKs read them. */
interface ProviderErrors {
    Response missingKey();

    Response invalidKey();

    Response noCredential();

    /** 403: the key is valid, but its customer is DISABLED. */
    Response accountDisabled();

    /** 429: a monthly quota in BLOCK mode is used up; {@code Retry-After} is the start of the next month. */
    Response quotaExceeded(String message, long retryAfterSeconds);

    /** 429: the requests-per-minute limit is reached; {@code Retry-After} is when the client may try again. */
    Response rateLimited(String message, long retryAfterSeconds);

    Response timeout();

    Response unreachable();

    /** 400: the request cannot be taken as sent (for example a field longer than the gateway meters). */
    Response badRequest(String message);

    /**
     * 503 with {@code Retry-After}: the gateway cannot authorise the call now (its database cannot be read and
     * nothing about the key is in memory). Nothing was sent to the provider; the client may try again.
     */
    Response unavailable(long retryAfterSeconds);

    /** 500: the gateway failed on this call; still in the provider's format, never a page. */
    Response internalError();
}
