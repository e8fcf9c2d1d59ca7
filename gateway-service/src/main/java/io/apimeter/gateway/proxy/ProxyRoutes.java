package io.apimeter.gateway.proxy;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The provider routes client apps call, served on the event loop from the request to the last byte of the
 * answer: the caller is authenticated from memory, the provider called with the Vert.x HTTP client from the
 * same event loop, and the answer passed back whole or piped chunk by chunk. No thread of its own per call; a
 * key not in memory is read from the database on a worker thread and the call goes on on its event loop.
 *
 * <p>These are Vert.x routes, not JAX-RS resources: they are described for the OpenAPI document in
 * {@code META-INF/openapi.yaml}, and they authenticate with platform API keys, never with the platform's
 * tokens (so they carry no security annotation). The call record webhook of Smartflo writes to the database in
 * a transaction and stays a JAX-RS resource ({@link SmartfloWebhookResource}).
 */
@ApplicationScoped
public class ProxyRoutes {
    private final OpenAiProxy openai;
    private final ElevenLabsProxy elevenlabs;
    private final SmartfloProxy smartflo;
    private final ProviderCalls calls;
    private final long maxBodyBytes;

    public ProxyRoutes(OpenAiProxy openai, ElevenLabsProxy elevenlabs, SmartfloProxy smartflo, ProviderCalls calls,
                       @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.openai = openai;
        this.calls = calls;
        this.elevenlabs = elevenlabs;
        this.smartflo = smartflo;
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void routes(@Observes Router router) {
        route(router, "/openai/v1/chat/completions", openai.route("chat.completions", "/chat/completions"));
        route(router, "/openai/v1/responses", openai.route("responses", "/responses"));
        route(router, "/openai/v1/embeddings", openai.route("embeddings", "/embeddings"));
        route(router, "/openai/v1/completions", openai.route("completions", "/completions"));
        route(router, "/elevenlabs/v1/text-to-speech/:voiceId", elevenlabs.speech(""));
        route(router, "/elevenlabs/v1/text-to-speech/:voiceId/stream", elevenlabs.speech("/stream"));
        route(router, "/smartflo/v1/click_to_call", smartflo.clickToCall());
    }

    private void route(Router router, String path, ProviderRoute route) {
        Handler<RoutingContext> handler = context -> calls.forward(context, route);
        router.post(path)
                .failureHandler(context -> calls.failed(context, route.errors()))
                .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                .handler(context -> {
                    try {
                        handler.handle(context);
                    } catch (RuntimeException e) {
                        context.fail(e);
                    }
                });
    }

    /** The request's body as received (empty when there is none). */
    static Buffer body(RoutingContext context) {
        Buffer body = context.body().buffer();
        return body == null ? Buffer.buffer() : body;
    }
}
