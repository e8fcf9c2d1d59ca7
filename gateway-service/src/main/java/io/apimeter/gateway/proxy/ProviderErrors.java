package io.apimeter.gateway.proxy;

import jakarta.ws.rs.core.Response;

/** The gateway's own errors on a provider route, written in that provider's error format so its SDKs read them. */
interface ProviderErrors {
    Response missingKey();

    Response invalidKey();

    Response noCredential();

    Response timeout();

    Response unreachable();
}
