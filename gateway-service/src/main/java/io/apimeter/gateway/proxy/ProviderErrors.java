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
}
