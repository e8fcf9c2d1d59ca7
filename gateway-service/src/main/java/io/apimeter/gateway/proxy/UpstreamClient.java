package io.apimeter.gateway.proxy;

import io.apimeter.gateway.config.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends a client's request on to a provider with the Vert.x HTTP client: pooled keep-alive connections, called
 * from the event loop that serves the client, so a call never waits on a thread of its own. The answer is
 * handed over as it starts to arrive; the caller reads it whole or relays it chunk by chunk.
 */
@ApplicationScoped
public class UpstreamClient {
    /** Request headers never passed on: hop-by-hop ones, the client's credentials, and what the client sets. */
    private static final Set<String> DROPPED_REQUEST_HEADERS = Set.of("authorization", "xi-api-key", "host",
            "content-length", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
            "proxy-authorization", "proxy-connection", "expect", "accept-encoding", "cookie", "forwarded",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "http2-settings");

    private final HttpClient client;

    public UpstreamClient(Vertx vertx, GatewayConfig config) {
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setPipelining(false)
                .setTryUseCompression(false)
                .setDecompressionSupported(false)
                .setForceSni(true)
                .setVerifyHost(true)
                // No trace context to a provider, no client span: the call's server span and the event's latency
                // tell how long the provider took.
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE,
                        config.providers().openai().connectTimeout().toMillis()));
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(config.providers().maxConnections());
        this.client = vertx.createHttpClient(options, pool);
    }

    void onStop(@Observes ShutdownEvent event) {
        client.close();
    }

    /**
     * Posts {@code body} to {@code url} with the client's headers (but those never passed on) and {@code auth}.
     * The future completes on the calling event loop once the answer's status and headers are in, and fails
     * with a {@link java.util.concurrent.TimeoutException} when the provider is silent for its {@code timeout}
     * (or cannot be connected to within its {@code connect-timeout}), or with another error when it cannot be reached.
     * The answer's body is paused: the caller reads it or relays it.
     */
    public Future<Upstream> post(GatewayConfig.Upstream provider, String url, Buffer body, MultiMap incoming,
                                 Map<String, String> auth) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setFollowRedirects(false)
                .setConnectTimeout(provider.connectTimeout().toMillis())
                .setIdleTimeout(provider.timeout().toMillis());
        return client.request(options).compose(request -> {
            copyHeaders(incoming, request);
            auth.forEach(request::putHeader);
            return request.send(body).map(response -> {
                response.pause();
                return new Upstream(request, response);
            });
        });
    }

    /** An answer under way: the request (to abort it) and the response, paused until read. */
    public record Upstream(HttpClientRequest request, HttpClientResponse response) {
        /** Breaks the call off, for a client that went away: the connection is closed, not returned to the pool. */
        public void abort() {
            request.reset();
        }
    }

    private static void copyHeaders(MultiMap incoming, HttpClientRequest request) {
        for (Map.Entry<String, String> header : incoming) {
            if (!DROPPED_REQUEST_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                request.headers().add(header.getKey(), header.getValue());
            }
        }
    }

    /** Response headers passed back to the client: all but hop-by-hop ones and those the server sets. */
    public static boolean passBack(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !(lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("connection")
                || lower.equals("keep-alive") || lower.equals("date") || lower.equals("server")
                || lower.startsWith(":") || lower.equals("set-cookie"));
    }
}
