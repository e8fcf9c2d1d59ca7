package io.apimeter.alert.service;

import io.apimeter.alert.config.AlertConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Posts signed deliveries to webhooks. Before each one the host is resolved and checked again (its DNS may
 * have changed since it was registered) and the request goes to exactly the address that was checked, so a
 * second lookup cannot point it elsewhere. No redirects are followed; each delivery is bounded by
 * {@code apimeter.alert.webhook.timeout} from connecting to the end of the answer.
 */
@ApplicationScoped
public class WebhookClient {
    public static final String EVENT_ID_HEADER = "X-Apimeter-Event-Id";
    public static final String SIGNATURE_HEADER = "X-Apimeter-Signature";

    private final HttpClient client;
    private final AlertConfig config;
    private final WebhookAddresses.Resolver resolver;

    public WebhookClient(Vertx vertx, AlertConfig config) {
        this.config = config;
        this.resolver = WebhookAddresses.DNS;
        long timeout = config.webhook().timeout().toMillis();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout))
                .setKeepAlive(false)
                .setMaxRedirects(0)
                .setForceSni(true)
                .setVerifyHost(true)
                // No trace context to a customer's server, and no client span: a span would hold the webhook's URL,
                // which may carry the customer's own token in its path or query.
                .setTracingPolicy(TracingPolicy.IGNORE));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Posts {@code body} to {@code url}, signed with {@code secret}, and says how it went. */
    public DeliveryOutcome post(String url, String eventId, byte[] body, String secret) {
        URI uri;
        InetAddress address;
        try {
            uri = WebhookAddresses.parse(url);
            List<InetAddress> addresses = WebhookAddresses.resolve(uri, config.webhook().allowPrivateAddresses(),
                    resolver);
            address = addresses.get(0);
        } catch (WebhookAddresses.UnresolvedHostException e) {
            return new DeliveryOutcome.Failed(e.getMessage(), true);
        } catch (WebhookAddresses.RefusedUrlException e) {
            // an address inside the network now: never retried, whatever the DNS says later
            return new DeliveryOutcome.Failed(e.getMessage(), false);
        }
        Duration timeout = config.webhook().timeout();
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        long now = Instant.now().getEpochSecond();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(uri.toString())
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setConnectTimeout(timeout.toMillis())
                .setIdleTimeout(timeout.toMillis())
                .setFollowRedirects(false)
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "apimeter-alert-service")
                .putHeader(EVENT_ID_HEADER, eventId)
                .putHeader(SIGNATURE_HEADER, WebhookSigning.signatureHeader(secret, now, body));
        AtomicReference<HttpClientRequest> request = new AtomicReference<>();
        Future<Integer> status = client.request(options)
                .compose(req -> {
                    request.set(req);
                    return req.send(Buffer.buffer(body));
                })
                .compose(response -> {
                    // the answer's body is read and dropped: only its status counts
                    response.handler(chunk -> {
                    });
                    return response.end().map(done -> response.statusCode());
                });
        try {
            int code = status.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (code >= 200 && code < 300) {
                return new DeliveryOutcome.Delivered("HTTP " + code);
            }
            return new DeliveryOutcome.Failed("the webhook answered HTTP " + code
                    + (code >= 300 && code < 400 ? " (redirects are not followed)" : ""), true);
        } catch (TimeoutException e) {
            HttpClientRequest pending = request.get();
            if (pending != null) {
                pending.reset();
            }
            return new DeliveryOutcome.Failed("the webhook did not answer within " + timeout.toMillis() + " ms", true);
        } catch (ExecutionException e) {
            return new DeliveryOutcome.Failed("the webhook could not be reached: "
                    + NotificationSender.describe(e.getCause() == null ? e : e.getCause()), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.Failed("interrupted while posting to the webhook", true);
        }
    }
}
