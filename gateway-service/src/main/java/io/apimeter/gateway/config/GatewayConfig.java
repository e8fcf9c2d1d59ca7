package io.apimeter.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of gateway-service. */
@ConfigMapping(prefix = "apimeter.gateway")
public interface GatewayConfig {

    /** Where the gateway forwards calls; base URLs come only from here, never from a request. */
    Providers providers();

    /** Encryption of the customers' provider credentials. */
    Credentials credentials();

    /** Platform API keys. */
    ApiKeys apiKeys();

    interface Providers {
        Upstream openai();
    }

    interface Upstream {
        /** Base URL of the provider's API, e.g. https://api.openai.com/v1. */
        String baseUrl();

        /** How long to wait for the provider's whole answer. */
        @WithDefault("120s")
        Duration timeout();

        /** How long to wait for a connection to the provider. */
        @WithDefault("10s")
        Duration connectTimeout();
    }

    interface Credentials {
        /** Base64 of the 32-byte AES-256 master key that encrypts new credentials. Required. */
        String masterKey();

        /** Name of that master key, stored with each credential so keys can be rotated. */
        @WithDefault("k1")
        String masterKeyId();

        /**
         * Earlier master keys still able to decrypt stored credentials, as a comma-separated list of
         * {@code id:base64} pairs.
         */
        Optional<String> previousMasterKeys();
    }

    interface ApiKeys {
        /** Secret for the keyed hash (HMAC-SHA256) under which platform API keys are stored. Required. */
        String pepper();

        /** How long a looked-up key stays cached; a revoked key stops working within this time. */
        @WithDefault("1s")
        Duration cacheTtl();

        /** How often at most a key's last-used time is written. */
        @WithDefault("60s")
        Duration lastUsedResolution();
    }
}
