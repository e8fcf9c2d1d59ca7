package io.apimeter.simulator.openai;

import io.apimeter.simulator.http.Exchange;
import io.apimeter.simulator.http.ProviderRoutes;
import io.apimeter.simulator.http.RouteRegistry;

/** OpenAI's API under {@code /openai/v1}, answering errors in OpenAI's format. */
public final class OpenAiRoutes implements ProviderRoutes {

    public static final String PREFIX = "/openai/v1";

    private final ChatCompletions chatCompletions = new ChatCompletions(this);

    @Override
    public String pathPrefix() {
        return PREFIX;
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.post("/chat/completions", chatCompletions::handle);
    }

    @Override
    public void respondError(Exchange exchange, int status, String message, String param) {
        exchange.respondJson(status, OpenAiError.forStatus(status, message, param));
    }
}
