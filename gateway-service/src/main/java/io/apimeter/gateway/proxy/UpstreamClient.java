package io.apimeter.gateway.proxy;

import io.apimeter.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Sends a client's request on to a provider and brings the answer back whole. */
@ApplicationScoped
public class UpstreamClient {
    /** Request headers never passed on: hop-by-hop ones, the client's credentials, and what the client sets. */
    private static final Set<String> DROPPED_REQUEST_HEADERS = Set.of("authorization", "xi-api-key", "host",
            "content-length", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
            "proxy-authorization", "proxy-connection", "expect", "accept-encoding", "cookie", "forwarded",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "http2-settings");

    private final HttpClient client;

    public UpstreamClient(GatewayConfig config) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.providers().openai().connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public HttpResponse<byte[]> post(URI uri, byte[] body, HttpHeaders incoming, Map<String, String> auth,
                                     Duration timeout) throws IOException, InterruptedException {
        return client.send(request(uri, body, incoming, auth, timeout), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Like {@link #post}, but the answer is read as it arrives; the timeout covers the answer's start. */
    public HttpResponse<java.io.InputStream> postStreaming(URI uri, byte[] body, HttpHeaders incoming,
                                                           Map<String, String> auth, Duration timeout)
            throws IOException, InterruptedException {
        return client.send(request(uri, body, incoming, auth, timeout), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static HttpRequest request(URI uri, byte[] body, HttpHeaders incoming, Map<String, String> auth,
                                       Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : incoming.getRequestHeaders().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!DROPPED_REQUEST_HEADERS.contains(name)) {
                for (String value : header.getValue()) {
                    request.header(header.getKey(), value);
                }
            }
        }
        auth.forEach(request::header);
        return request.build();
    }

    /** Response headers passed back to the client: all but hop-by-hop ones and those the server sets. */
    public static boolean passBack(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !(lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("connection")
                || lower.equals("keep-alive") || lower.equals("date") || lower.equals("server")
                || lower.startsWith(":") || lower.equals("set-cookie"));
    }
}
