package io.apimeter.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How a streamed OpenAI answer is read and passed on, chunk by chunk as the provider's bytes arrive. */
class SseRelayTest {
    private static final String CHUNK_A = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Héllo\"}}],\"usage\":null}\n\n";
    private static final String CHUNK_B = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"}}],\"usage\":null}\n\n";
    private static final String USAGE = "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,"
            + "\"completion_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":2}}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    private static String relay(SseRelay relay, String... chunks) {
        StringBuilder out = new StringBuilder();
        for (String chunk : chunks) {
            Buffer ready = relay.take(Buffer.buffer(chunk.getBytes(StandardCharsets.UTF_8)));
            if (ready != null) {
                out.append(ready.toString(StandardCharsets.UTF_8));
            }
        }
        Buffer rest = relay.rest();
        if (rest != null) {
            out.append(rest.toString(StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    @Test
    void shouldPassEveryEventOnUnchangedAndReadTheUsageAndTheText() {
        SseRelay relay = new SseRelay(false);
        String all = CHUNK_A + CHUNK_B + USAGE + DONE;
        assertEquals(all, relay(relay, all));
        SseRelay.Result result = relay.result(false, false);
        assertEquals(12, result.reportedUsage().inputTokens());
        assertEquals(5, result.reportedUsage().outputTokens());
        assertEquals(2, result.reportedUsage().cachedInputTokens());
        assertEquals("Héllo world", result.outputText());
    }

    @Test
    void shouldKeepAnEventSplitAcrossChunksUntilItIsComplete() {
        SseRelay relay = new SseRelay(false);
        byte[] bytes = (CHUNK_A + CHUNK_B).getBytes(StandardCharsets.UTF_8);
        // cut inside the two-byte 'é' and inside the blank line that ends the first event
        int cut = CHUNK_A.indexOf('é') + 1;
        Buffer first = relay.take(Buffer.buffer().appendBytes(bytes, 0, cut));
        assertNull(first, "nothing complete yet");
        int blank = CHUNK_A.getBytes(StandardCharsets.UTF_8).length - 1;
        Buffer second = relay.take(Buffer.buffer().appendBytes(bytes, cut, blank - cut));
        assertNull(second, "the event is not ended before its blank line");
        Buffer third = relay.take(Buffer.buffer().appendBytes(bytes, blank, bytes.length - blank));
        assertEquals(CHUNK_A + CHUNK_B, third.toString(StandardCharsets.UTF_8));
        assertEquals("Héllo world", relay.result(false, false).outputText());
    }

    @Test
    void shouldKeepTheUsageChunkFromAClientThatDidNotAskForIt() {
        SseRelay relay = new SseRelay(true);
        String out = relay(relay, CHUNK_A + USAGE + DONE);
        assertEquals(CHUNK_A + DONE, out);
        assertEquals(12, relay.result(false, false).reportedUsage().inputTokens());
    }

    @Test
    void shouldPassAUsageThatCameWithChoicesEvenToAClientThatDidNotAsk() {
        SseRelay relay = new SseRelay(true);
        String withChoices = "data: {\"choices\":[{\"text\":\"ok\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n";
        assertEquals(withChoices, relay(relay, withChoices));
        assertEquals("ok", relay.result(false, false).outputText());
        assertEquals(1, relay.result(false, false).reportedUsage().outputTokens());
    }

    @Test
    void shouldReadTheResponsesApiFromItsDeltasAndItsCompletedEvent() {
        SseRelay relay = new SseRelay(false);
        String stream = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Haiku\"}\n\n"
                + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r1\","
                + "\"usage\":{\"input_tokens\":7,\"output_tokens\":9,\"output_tokens_details\":{\"reasoning_tokens\":4}}}}\n\n";
        assertEquals(stream, relay(relay, stream));
        SseRelay.Result result = relay.result(false, false);
        assertEquals("Haiku", result.outputText());
        assertEquals(7, result.reportedUsage().inputTokens());
        assertEquals(9, result.reportedUsage().outputTokens());
        assertEquals(4, result.reportedUsage().reasoningTokens());
    }

    @Test
    void shouldPassOnWhatIsNotJsonAndWhatWasLeftWhenTheStreamEnds() {
        SseRelay relay = new SseRelay(false);
        String odd = ": keep-alive\n\ndata: not json\n\n";
        String unfinished = "data: {\"choices\":[{\"delta\":{\"content\":\"cut";
        assertEquals(odd + unfinished, relay(relay, odd, unfinished));
        SseRelay.Result result = relay.result(false, true);
        assertNull(result.reportedUsage(), "no usage came");
        assertTrue(result.upstreamBroken());
        assertFalse(result.clientGone());
        assertEquals("", result.outputText());
    }
}
