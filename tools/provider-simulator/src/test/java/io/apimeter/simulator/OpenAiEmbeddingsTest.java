package io.apimeter.simulator;

import static io.apimeter.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiEmbeddingsTest extends SimulatorTest {

    @Test
    void shouldEmbedAStringAsOneSmallUnitVector() throws Exception {
        HttpResponse<String> response = client.send(client.openAi("/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"The quick brown fox\"}"));

        assertEquals(200, response.statusCode());
        JsonNode body = json(response);
        assertEquals("list", body.get("object").asText());
        assertEquals("text-embedding-3-small", body.get("model").asText());
        assertEquals(1, body.get("data").size());
        JsonNode item = body.at("/data/0");
        assertEquals("embedding", item.get("object").asText());
        assertEquals(0, item.get("index").asInt());
        assertEquals(8, item.get("embedding").size());
        double norm = 0;
        for (JsonNode value : item.get("embedding")) {
            norm += value.asDouble() * value.asDouble();
        }
        assertEquals(1.0, norm, 1e-5);
        // "The quick brown fox" = 19 characters -> 5 tokens.
        assertEquals(5, body.at("/usage/prompt_tokens").asLong());
        assertEquals(5, body.at("/usage/total_tokens").asLong());
    }

    @Test
    void shouldGiveTheSameVectorToTheSameTextAndAnotherToAnotherText() throws Exception {
        JsonNode body = json(client.send(client.openAi("/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"apple\",\"pear\",\"apple\"]}")));

        assertEquals(3, body.get("data").size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, body.at("/data/" + i + "/index").asInt());
        }
        assertEquals(body.at("/data/0/embedding"), body.at("/data/2/embedding"));
        assertNotEquals(body.at("/data/0/embedding"), body.at("/data/1/embedding"));
        assertEquals(5, body.at("/usage/prompt_tokens").asLong(), "apple 2 + pear 1 + apple 2");
    }

    @Test
    void shouldHonourDimensionsAndTheNamedPromptTokens() throws Exception {
        JsonNode body = json(client.send(client.openAi("/embeddings",
                "{\"model\":\"text-embedding-3-large\",\"input\":\"Hi\",\"dimensions\":256}")
                .header("x-sim-prompt-tokens", "4321")));

        assertEquals(256, body.at("/data/0/embedding").size());
        assertEquals(4321, body.at("/usage/prompt_tokens").asLong());
        assertEquals(4321, body.at("/usage/total_tokens").asLong());
    }

    @Test
    void shouldSendTheSameVectorAsBase64WhenAskedAsTheSdksDo() throws Exception {
        JsonNode floats = json(client.send(client.openAi("/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"Hello\"}")));
        JsonNode base64 = json(client.send(client.openAi("/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"Hello\",\"encoding_format\":\"base64\"}")));

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64.at("/data/0/embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(8 * Float.BYTES, bytes.remaining());
        for (int i = 0; i < 8; i++) {
            assertEquals((float) floats.at("/data/0/embedding/" + i).asDouble(), bytes.getFloat());
        }
        assertEquals(floats.get("usage"), base64.get("usage"));
    }

    @Test
    void shouldCountTokenArraysAsTheirLength() throws Exception {
        JsonNode body = json(client.send(client.openAi("/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":[[1,2,3],[4,5]]}")));

        assertEquals(2, body.get("data").size());
        assertEquals(5, body.at("/usage/prompt_tokens").asLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"input\":\"Hi\"}",
            "{\"model\":\"text-embedding-3-small\"}",
            "{\"model\":\"text-embedding-3-small\",\"input\":\"\"}",
            "{\"model\":\"text-embedding-3-small\",\"input\":[]}",
            "{\"model\":\"text-embedding-3-small\",\"input\":[{\"text\":\"Hi\"}]}",
            "{\"model\":\"text-embedding-3-small\",\"input\":\"Hi\",\"dimensions\":3073}",
            "{\"model\":\"text-embedding-3-small\",\"input\":\"Hi\",\"dimensions\":0}",
            "{\"model\":\"text-embedding-3-small\",\"input\":\"Hi\",\"encoding_format\":\"int8\"}"})
    void shouldRejectAnInvalidBodyInOpenAiErrorFormat(String body) throws Exception {
        HttpResponse<String> response = client.send(client.openAi("/embeddings", body));

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_request_error", json(response).at("/error/type").asText());
        assertTrue(json(response).at("/error/param").isTextual(), response.body());
    }

    @Test
    void shouldRefuseARequestWithoutApiKey() throws Exception {
        HttpResponse<String> response = client.send(client.post("/openai/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"Hi\"}"));

        assertEquals(401, response.statusCode());
        assertEquals("invalid_api_key", json(response).at("/error/code").asText());
    }
}
