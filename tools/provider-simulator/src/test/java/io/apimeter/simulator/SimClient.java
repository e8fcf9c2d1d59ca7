package io.apimeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the tests, built on the JDK's. */
final class SimClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CHAT = "/openai/v1/chat/completions";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String baseUrl;

    SimClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A chat completions request with a key, to which headers can be added. */
    HttpRequest.Builder chat(String body) {
        return openAi("/chat/completions", body);
    }

    /** A POST to an OpenAI route (path after {@code /openai/v1}) with a key. */
    HttpRequest.Builder openAi(String path, String body) {
        return post("/openai/v1" + path, body).header("Authorization", "Bearer sk-test");
    }

    HttpRequest.Builder post(String path, String body) {
        return request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends and hands back the body as it arrives, for reading a stream chunk by chunk. */
    HttpResponse<InputStream> stream(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    HttpResponse<byte[]> sendForBytes(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Not JSON: " + response.body(), e);
        }
    }
}
