package io.apimeter.compose;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The platform's HTTP APIs on the host ports docker-compose.yml publishes, as an operator calls them: Keycloak's token
 * endpoint (8180), the gateway (8080), usage-recorder (8081), aggregation (8082), quota (8083), alert (8084) and the
 * mail catcher's API (8025).
 */
final class PlatformApi {
    private static final String HOST = "http://localhost";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();
    private String token;
    private Instant tokenUntil = Instant.MIN;

    /** How many calls usage-recorder-service holds for a customer, and how many distinct event ids among them. */
    record Recorded(int calls, int distinctEventIds) {
        @Override
        public String toString() {
            return calls + " calls, " + distinctEventIds + " distinct event ids";
        }
    }

    /** An access token of the realm's admin (client apimeter-cli, password grant), fetched again shortly before it expires. */
    synchronized String token() throws IOException, InterruptedException {
        if (Instant.now().isAfter(tokenUntil)) {
            String form = "grant_type=password&client_id=apimeter-cli&username=admin&password=admin";
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                            URI.create(HOST + ":8180/realms/apimeter/protocol/openid-connect/token"))
                    .timeout(CALL_TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = expect2xx("POST token", answer);
            token = body.path("access_token").asText();
            tokenUntil = Instant.now().plusSeconds(Math.max(30, body.path("expires_in").asLong(300) - 60));
        }
        return token;
    }

    /** A customer with OpenAI credentials and an API key; returns the key. */
    String newCustomer(String id) throws IOException, InterruptedException {
        api("POST", 8080, "/admin/customers", Map.of("id", id, "name", id, "email", "it@" + id + ".test"));
        api("PUT", 8080, "/admin/customers/" + id + "/credentials/openai", Map.of("apiKey", "sk-compose-check-own-key"));
        return api("POST", 8080, "/admin/customers/" + id + "/api-keys", null).path("key").asText();
    }

    void putQuota(String customer, Map<String, Object> quota) throws IOException, InterruptedException {
        api("PUT", 8083, "/quotas/" + customer, quota);
    }

    /** One chat completion through the gateway with the customer's key; returns the HTTP status. */
    int chat(String key) throws IOException, InterruptedException {
        String body = "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello from compose-check\"}]}";
        return http.send(HttpRequest.newBuilder(URI.create(HOST + ":8080/openai/v1/chat/completions"))
                .timeout(CALL_TIMEOUT)
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Every page of the customer's call log (500 a page, following nextCursor). */
    Recorded recorded(String customer) throws IOException, InterruptedException {
        List<String> eventIds = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = get(8081, "/usage-logs?customerId=" + customer + "&limit=500"
                    + (cursor.isEmpty() ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            page.path("items").forEach(item -> eventIds.add(item.path("eventId").asText()));
            cursor = page.path("nextCursor").asText("");
        } while (!cursor.isEmpty());
        return new Recorded(eventIds.size(), new HashSet<>(eventIds).size());
    }

    /** The calls of the customer's first summary row this month (aggregation-service). */
    long summaryCalls(String customer) throws IOException, InterruptedException {
        return get(8082, "/summaries/" + customer).path("items").path(0).path("calls").asLong(-1);
    }

    JsonNode quotaStatus(String customer) throws IOException, InterruptedException {
        return get(8083, "/quotas/" + customer + "/status");
    }

    /** The types of the customer's alerts, sorted. */
    List<String> alertTypes(String customer) throws IOException, InterruptedException {
        List<String> types = new ArrayList<>();
        get(8084, "/alerts?customerId=" + customer).path("items").forEach(alert -> types.add(alert.path("type").asText()));
        types.sort(null);
        return types;
    }

    /** The subjects of the mails the catcher holds for an address that name the customer. */
    List<String> mailSubjects(String address, String customer) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                        URI.create(HOST + ":8025/api/user/" + address + "/messages")).timeout(CALL_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> subjects = new ArrayList<>();
        expect2xx("GET mails of " + address, answer).forEach(mail -> {
            String subject = mail.path("subject").asText();
            if (subject.contains(customer)) {
                subjects.add(subject);
            }
        });
        return subjects;
    }

    private JsonNode get(int port, String path) throws IOException, InterruptedException {
        return api("GET", port, path, null);
    }

    /** A call with the admin's token; fails on an answer that is not 2xx, quoting its start. */
    private JsonNode api(String method, int port, String path, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(HOST + ":" + port + path))
                .timeout(CALL_TIMEOUT)
                .header("Authorization", "Bearer " + token())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                .build();
        return expect2xx(method + " " + request.uri(), http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    private JsonNode expect2xx(String what, HttpResponse<String> answer) throws IOException {
        String body = answer.body();
        if (answer.statusCode() / 100 != 2) {
            throw new AssertionError(what + " answered " + answer.statusCode() + ": "
                    + body.substring(0, Math.min(300, body.length())));
        }
        return body.isBlank() ? json.nullNode() : json.readTree(body);
    }
}
