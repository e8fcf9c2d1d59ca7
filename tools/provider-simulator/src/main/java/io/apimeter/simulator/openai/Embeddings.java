package io.apimeter.simulator.openai;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.apimeter.simulator.http.Exchange;
import io.apimeter.simulator.http.SimHeaders;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code POST /openai/v1/embeddings}: one small unit vector per input, the same for the same input, with the
 * prompt tokens named by {@code x-sim-prompt-tokens} or derived from the input.
 */
final class Embeddings {

    private final OpenAiRoutes routes;

    Embeddings(OpenAiRoutes routes) {
        this.routes = routes;
    }

    void handle(Exchange exchange) {
        if (!routes.authorized(exchange)) {
            return;
        }
        long headerTokens = SimHeaders.nonNegativeLong(exchange, SimHeaders.PROMPT_TOKENS).orElse(-1);
        EmbeddingRequest request = EmbeddingRequest.parse(exchange.body());
        long promptTokens = headerTokens >= 0 ? headerTokens : request.estimatedPromptTokens();
        List<Embedding> data = new ArrayList<>(request.inputs().size());
        for (int i = 0; i < request.inputs().size(); i++) {
            float[] vector = vector(request.inputs().get(i), request.dimensions());
            data.add(new Embedding("embedding", i, request.base64() ? base64(vector) : vector));
        }
        exchange.responseHeader("x-request-id", routes.nextRequestId());
        exchange.respondJson(200, new EmbeddingList("list", data, request.model(),
                new EmbeddingUsage(promptTokens, promptTokens)));
    }

    /** A unit vector drawn from the input's fingerprint: deterministic, and different inputs point elsewhere. */
    static float[] vector(EmbeddingRequest.Input input, int dimensions) {
        SplittableRandom random = new SplittableRandom(input.fingerprint());
        double[] values = new double[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            values[i] = random.nextDouble() * 2 - 1;
            norm += values[i] * values[i];
        }
        norm = Math.sqrt(norm);
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (values[i] / norm);
        }
        return vector;
    }

    /** As OpenAI sends {@code encoding_format: base64}: the float32 values, little-endian, in base64. */
    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : vector) {
            bytes.putFloat(value);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    @JsonPropertyOrder({"object", "data", "model", "usage"})
    record EmbeddingList(String object, List<Embedding> data, String model, EmbeddingUsage usage) {
    }

    /** @param embedding a {@code float[]}, or a base64 string */
    @JsonPropertyOrder({"object", "index", "embedding"})
    record Embedding(String object, int index, Object embedding) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record EmbeddingUsage(long promptTokens, long totalTokens) {
    }
}
