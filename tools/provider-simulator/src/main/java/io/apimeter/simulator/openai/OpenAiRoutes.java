package io.apimeter.simulator.openai;

import io.apimeter.simulator.http.Exchange;
import io.apimeter.simulator.http.ProviderRoutes;
import io.apimeter.simulator.http.RouteRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** OpenAI's API under {@code /openai/v1}, answering errors in OpenAI's format. */
public final class OpenAiRoutes implements ProviderRoutes {

    public static final String PREFIX = "/openai/v1";

    private final AtomicLong requests = new AtomicLong();
    private final ChatCompletions chatCompletions = new ChatCompletions(this);
    private final Responses responses = new Responses(this);
    private final Embeddings embeddings = new Embeddings(this);
    private final Completions completions = new Completions(this);

    @Override
    public String pathPrefix() {
        return PREFIX;
    }

    @Override
    public void register(RouteRegistry routes) {
        routes.post("/chat/completions", chatCompletions::handle);
        routes.post("/responses", responses::handle);
        routes.post("/embeddings", embeddings::handle);
        routes.post("/completions", completions::handle);
    }

    @Override
    public void respondError(Exchange exchange, int status, String message, String param) {
        exchange.respondJson(status, OpenAiError.forStatus(status, message, param));
    }

    /** Whether the request carries {@code Authorization: Bearer <key>}; if not, answers the 401 OpenAI sends. */
    boolean authorized(Exchange exchange) {
        String authorization = exchange.header("authorization");
        if (authorization != null
                && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && !authorization.substring(7).isBlank()) {
            return true;
        }
        respondError(exchange, 401, "You didn't provide an API key. You need to provide your API key in an "
                + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", null);
        return false;
    }

    /** The {@code x-request-id} of the next answer: {@code req_sim_<n>}, counting over all OpenAI routes. */
    String nextRequestId() {
        return "req_sim_" + requests.incrementAndGet();
    }
}
