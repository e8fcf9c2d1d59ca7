package io.apimeter.readbenchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * GET requests to the services with the bearer token, timed as the client sees them: from handing the request to
 * the JDK client to the last byte of the body. The JDK client speaks HTTP/1.1 here and keeps its connections
 * open, one per request at once.
 */
final class Api {
    /** A page that takes longer than this is an error (status 0), not a latency. */
    static final Duration TIMEOUT = Duration.ofMinutes(2);
    static final String JSON = "application/json";
    static final String CSV = "text/csv";
    private static final int CLIP = 300;

    /**
     * One answer.
     *
     * @param status  the HTTP status; 0 when there was none (refused, timed out, cut off)
     * @param nanos   from sending to the last byte of the body
     * @param body    the body
     * @param failure what went wrong when there was no status
     */
    record Reply(int status, long nanos, byte[] body, String failure) {
        boolean ok() {
            return status == 200;
        }

        /** Status and body (or the failure), clipped, for an error line. */
        String describe() {
            return status == 0 ? "no answer: " + failure
                    : status + " " + clip(new String(body, StandardCharsets.UTF_8));
        }
    }

    private final HttpClient client;
    private final Tokens tokens;
    private final ObjectMapper json = new ObjectMapper();

    Api(HttpClient client, Tokens tokens) {
        this.client = client;
        this.tokens = tokens;
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** One timed GET; the token is fetched or renewed before the clock starts. */
    Reply get(URI uri, String accept) throws Failure, InterruptedException {
        HttpRequest request = request(uri, accept).timeout(TIMEOUT).build();
        long started = System.nanoTime();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), System.nanoTime() - started, response.body(), null);
        } catch (IOException e) {
            return new Reply(0, System.nanoTime() - started, new byte[0], e.toString());
        }
    }

    /** A GET whose body is read as it comes (the export); no timeout, an export of a month takes minutes. */
    HttpResponse<InputStream> stream(URI uri, String accept) throws IOException, Failure, InterruptedException {
        return client.send(request(uri, accept).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** A GET that must answer 200 with JSON, for what the benchmark needs to know rather than measure. */
    JsonNode json(URI uri) throws Failure, InterruptedException {
        Reply reply = get(uri, JSON);
        if (!reply.ok()) {
            throw new Failure("GET " + uri + ": " + reply.describe());
        }
        return parse(reply.body());
    }

    /** Parses a JSON body; a body that is not JSON is a failure of the service. */
    JsonNode parse(byte[] body) throws Failure {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new Failure("an answer was not JSON: " + clip(new String(body, StandardCharsets.UTF_8)));
        }
    }

    /** Builds the request now: {@link Tokens#bearer()} may renew the token, which is not to be timed. */
    private HttpRequest.Builder request(URI uri, String accept) throws Failure, InterruptedException {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + tokens.bearer())
                .header("Accept", accept).GET();
    }

    static String clip(String text) {
        String oneLine = text.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= CLIP ? oneLine : oneLine.substring(0, CLIP) + "...";
    }
}
