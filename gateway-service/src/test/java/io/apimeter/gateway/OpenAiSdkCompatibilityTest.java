package io.apimeter.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import io.apimeter.events.UsageEvent;
import io.apimeter.testkit.ApimeterTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK works against the gateway with only its base URL changed, and is metered exactly. */
@QuarkusTest
@WithTestResource(value = ApimeterTestResource.class,
        initArgs = @ResourceArg(name = ApimeterTestResource.DATABASE, value = "gateway"))
@WithTestResource(SimulatorTestResource.class)
class OpenAiSdkCompatibilityTest {

    @TestHTTPResource("/openai/v1")
    URL baseUrl;

    private OpenAIClient client(String apiKey, long promptTokens, long completionTokens) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl.toString())
                .apiKey(apiKey)
                .maxRetries(0)
                .putHeader("x-sim-prompt-tokens", String.valueOf(promptTokens))
                .putHeader("x-sim-completion-tokens", String.valueOf(completionTokens))
                .build();
    }

    @Test
    void shouldMeterAChatCompletionMadeWithTheSdk() {
        var tenant = GatewayTestSupport.newTenant();
        ChatCompletion answer = client(tenant.apiKey(), 321, 54).chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-4").addUserMessage("Hello").build());
        assertEquals(321, answer.usage().orElseThrow().promptTokens());
        assertFalse(answer.choices().isEmpty());
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals("chat.completions", event.operation());
        assertEquals(answer.usage().orElseThrow().promptTokens(), event.usage().inputTokens());
        assertEquals(answer.usage().orElseThrow().completionTokens(), event.usage().outputTokens());
    }

    @Test
    void shouldMeterAStreamedChatMadeWithTheSdk() {
        var tenant = GatewayTestSupport.newTenant();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4").addUserMessage("Hello")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        StringBuilder text = new StringBuilder();
        CompletionUsage[] usage = new CompletionUsage[1];
        try (StreamResponse<ChatCompletionChunk> stream = client(tenant.apiKey(), 555, 66).chat().completions()
                .createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(u -> usage[0] = u);
            });
        }
        assertFalse(text.isEmpty(), "the SDK read the streamed text");
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals(usage[0].promptTokens(), event.usage().inputTokens());
        assertEquals(usage[0].completionTokens(), event.usage().outputTokens());
        assertEquals(555, event.usage().inputTokens());
    }

    @Test
    void shouldMeterAResponseMadeWithTheSdk() {
        var tenant = GatewayTestSupport.newTenant();
        Response answer = client(tenant.apiKey(), 77, 33).responses().create(
                ResponseCreateParams.builder().model("gpt-4").input("Hello").build());
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals("responses", event.operation());
        assertEquals(answer.usage().orElseThrow().inputTokens(), event.usage().inputTokens());
        assertEquals(answer.usage().orElseThrow().outputTokens(), event.usage().outputTokens());
        assertEquals(77, event.usage().inputTokens());
    }

    @Test
    void shouldMeterEmbeddingsMadeWithTheSdk() {
        var tenant = GatewayTestSupport.newTenant();
        CreateEmbeddingResponse answer = client(tenant.apiKey(), 12, 0).embeddings().create(
                EmbeddingCreateParams.builder().model("text-embedding-3-small").input("Hello").build());
        assertFalse(answer.data().isEmpty());
        UsageEvent event = GatewayTestSupport.usageEvents(tenant.customerId(), 1).get(0);
        assertEquals("embeddings", event.operation());
        assertEquals(answer.usage().promptTokens(), event.usage().inputTokens());
        assertEquals(12, event.usage().inputTokens());
    }

    @Test
    void shouldReportAWrongKeyAsTheSdksOwnUnauthorizedError() {
        OpenAIClient client = client("amk_AAAAAAAA_" + "B".repeat(40), 1, 1);
        UnauthorizedException e = assertThrows(UnauthorizedException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-4").addUserMessage("Hello").build()));
        assertEquals(401, e.statusCode());
        assertTrue(e.body().toString().contains("invalid_api_key"), "the SDK sees OpenAI's error body: " + e.body());
    }
}
