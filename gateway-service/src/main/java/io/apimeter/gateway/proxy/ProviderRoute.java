package io.apimeter.gateway.proxy;

import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What one provider route does its own way. Everything else (the caller's key, the customer's credential,
 * limits, the call to the provider, failures, metering exactly once) is the same pipeline for every provider:
 * {@link ProviderCalls#forward}.
 *
 * @param provider     the provider called
 * @param errors       the provider's error format, for every answer the gateway gives itself on this route
 * @param upstream     where the provider is, and how long it may take
 * @param presentedKey the platform key as this provider's SDKs send it; null when there is none
 * @param providerAuth the provider's own authentication headers, with the customer's key
 * @param read         reads the client's request (after its key was accepted): what to send where, or the 400
 *                     that refuses it
 */
record ProviderRoute(Provider provider, ProviderErrors errors, GatewayConfig.Upstream upstream,
                     Function<RoutingContext, String> presentedKey, Function<String, Map<String, String>> providerAuth,
                     BiFunction<RoutingContext, Buffer, Request> read) {

    /** The key of an {@code Authorization: Bearer} header, as OpenAI's and Smartflo's clients send it. */
    static String bearerKey(RoutingContext context) {
        return ProviderCalls.bearer(context.request().getHeader(HttpHeaders.AUTHORIZATION));
    }

    /** The customer's key as an {@code Authorization: Bearer} header. */
    static Map<String, String> bearerAuth(String providerKey) {
        return Map.of("Authorization", "Bearer " + providerKey);
    }

    /**
     * A request read.
     *
     * @param operation what the usage event calls the call ({@code chat.completions}, {@code text-to-speech}, ...)
     * @param model     the model the client asked for; null when the call has none
     * @param url       the provider's URL, from configuration and the route only
     * @param body      what to send the provider
     * @param worstCase the most the call can use, reserved against BLOCK limits; read only where one applies
     * @param answer    how the provider's answer is passed back and metered
     * @param refusal   the answer that refuses the request instead (the rest is then null)
     */
    record Request(String operation, String model, String url, Buffer body, Supplier<Usage> worstCase, Answer answer,
                   Response refusal) {
        static Request refused(Response refusal) {
            return new Request(null, null, null, null, null, null, refusal);
        }
    }

    /** Passes the provider's answer back to the client and meters the call; runs on the request's event loop. */
    @FunctionalInterface
    interface Answer {
        void handle(MeteredCall call, UpstreamClient.Upstream answer);
    }
}
