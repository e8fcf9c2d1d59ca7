package io.apimeter.loadgen;

import java.net.URI;

/**
 * One way to reach the provider: straight to the simulator, or through the gateway.
 *
 * @param name          {@code direct} or {@code gateway}
 * @param chatUri       the chat completions URL
 * @param authorization the Authorization header value
 */
record Target(String name, URI chatUri, String authorization) {

    static Target direct(Options options) {
        return new Target("direct", URI.create(options.direct() + "/chat/completions"),
                "Bearer " + options.providerKey());
    }

    static Target gateway(Options options) {
        return new Target("gateway", URI.create(options.gateway() + "/chat/completions"),
                "Bearer " + options.apiKey());
    }
}
