package io.apimeter.readbenchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The bearer token of the client-credentials grant, renewed when less than {@link #MARGIN} of its life is left: a
 * run lasts many minutes, Keycloak's tokens five. Renewal happens before a request's clock starts, so it is in no
 * latency. Neither the token nor the secret is ever printed.
 */
final class Tokens {
    static final Duration MARGIN = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;
    private final URI tokenUrl;
    private final String form;
    private final ObjectMapper json = new ObjectMapper();
    private String token;
    private long renewAtNanos;

    Tokens(HttpClient client, URI tokenUrl, String clientId, String clientSecret) {
        this.client = client;
        this.tokenUrl = tokenUrl;
        this.form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
    }

    /** The current token, fetched first if there is none or it is about to expire. */
    synchronized String bearer() throws Failure, InterruptedException {
        if (token == null || System.nanoTime() - renewAtNanos >= 0) {
            fetch();
        }
        return token;
    }

    private void fetch() throws Failure, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(tokenUrl).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        long sent = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Failure("no token from " + tokenUrl + ": " + e + " (is Keycloak up? ./apimeter up)");
        }
        if (response.statusCode() != 200) {
            throw new Failure("no token from " + tokenUrl + ": " + response.statusCode() + " "
                    + Api.clip(response.body()) + " (wrong --client-secret or APIMETER_AUTOMATION_SECRET?)");
        }
        JsonNode answer;
        try {
            answer = json.readTree(response.body());
        } catch (IOException e) {
            throw new Failure("the token endpoint " + tokenUrl + " did not answer JSON");
        }
        String accessToken = answer.path("access_token").asText("");
        long lifetime = answer.path("expires_in").asLong(60);
        if (accessToken.isEmpty()) {
            throw new Failure("the token endpoint " + tokenUrl + " answered no access_token");
        }
        // Renew MARGIN before it expires; a token that lives less than twice that, at half its life.
        long margin = MARGIN.toSeconds();
        long renewAfter = lifetime > 2 * margin ? lifetime - margin : Math.max(1, lifetime / 2);
        token = accessToken;
        renewAtNanos = sent + Duration.ofSeconds(renewAfter).toNanos();
    }
}
