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

    /** What the client gets right away of one chunk from the provider. */
    private static String take(SseRelay relay, String chunk) {
        Buffer ready = relay.take(Buffer.buffer(chunk.getBytes(StandardCharsets.UTF_8)));
        return ready == null ? "" : ready.toString(StandardCharsets.UTF_8);
    }

    private static String withLineEnding(String stream, String ending) {
        return stream.replace("\n", ending);
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
        assertFalse(result.responseFailed());
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

    @Test
    void shouldPassACrlfStreamOnEventByEventAsItComes() {
        SseRelay relay = new SseRelay(false, "gpt-4o");
        String[] events = {withLineEnding(CHUNK_A, "\r\n"), withLineEnding(CHUNK_B, "\r\n"),
                withLineEnding(USAGE, "\r\n"), withLineEnding(DONE, "\r\n")};
        for (String event : events) {
            assertEquals(event, take(relay, event), "each event goes on as soon as it has come");
        }
        assertNull(relay.rest());
        SseRelay.Result result = relay.result(false, false);
        assertEquals(12, result.reportedUsage().inputTokens());
        assertEquals(5, result.reportedUsage().outputTokens());
        assertEquals("Héllo world", result.outputText());
    }

    @Test
    void shouldPassACrOnlyStreamOnEventByEventAndKeepTheUsageChunkFromAClientThatDidNotAsk() {
        SseRelay relay = new SseRelay(true, "gpt-4o");
        String a = withLineEnding(CHUNK_A, "\r");
        assertEquals(a, take(relay, a));
        String b = withLineEnding(CHUNK_B, "\r");
        assertEquals(b, take(relay, b));
        assertEquals("", take(relay, withLineEnding(USAGE, "\r")), "the usage chunk the client did not ask for");
        String done = withLineEnding(DONE, "\r");
        assertEquals(done, take(relay, done));
        SseRelay.Result result = relay.result(false, false);
        assertEquals(12, result.reportedUsage().inputTokens());
        assertEquals("Héllo world", result.outputText());
    }

    @Test
    void shouldTakeACrEndingOneChunkAndALfStartingTheNextAsOneLineEnding() {
        SseRelay relay = new SseRelay(false, "gpt-4o");
        // One event whose JSON spans two data lines, cut between the \r and the \n of the first line's end.
        String first = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}],\r";
        String second = "\ndata: \"usage\":null}\r\n\r\n";
        assertEquals("", take(relay, first), "the event is not over before its blank line");
        assertEquals(first + second, take(relay, second));
        assertEquals("Hi", relay.result(false, false).outputText(), "both data lines were read as one payload");
    }

    @Test
    void shouldKeepTheLfOfAUsageChunkThatEndedOnACrInTheChunkBeforeFromTheClientToo() {
        SseRelay relay = new SseRelay(true, "gpt-4o");
        String a = withLineEnding(CHUNK_A, "\r\n");
        String usage = withLineEnding(USAGE, "\r\n");
        String done = withLineEnding(DONE, "\r\n");
        // The usage chunk ends "\r\n\r" | "\n": its last \n comes with [DONE].
        String out = take(relay, a + usage.substring(0, usage.length() - 1)) + take(relay, "\n" + done);
        assertEquals(a + done, out, "the client gets the provider's bytes less the whole usage chunk");
        assertEquals(5, relay.result(false, false).reportedUsage().outputTokens());
    }

    @Test
    void shouldPassOnTheLfOfAnEventThatEndedOnACrInTheChunkBefore() {
        SseRelay relay = new SseRelay(false, "gpt-4o");
        String a = withLineEnding(CHUNK_A, "\r\n");
        String b = withLineEnding(CHUNK_B, "\r\n");
        assertEquals(a.substring(0, a.length() - 1), take(relay, a.substring(0, a.length() - 1)),
                "the event is over at its blank line's \\r");
        assertEquals("\n" + b, take(relay, "\n" + b));
        assertEquals("Héllo world", relay.result(false, false).outputText());
    }

    @Test
    void shouldReadTheUsageOfAnIncompleteResponse() {
        SseRelay relay = new SseRelay(false, "gpt-4o");
        String stream = "event: response.output_text.delta\r\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Once\"}\r\n\r\n"
                + "event: response.incomplete\r\ndata: {\"type\":\"response.incomplete\",\"response\":{\"id\":\"r1\","
                + "\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},"
                + "\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"Once\"}]}],"
                + "\"usage\":{\"input_tokens\":20,\"output_tokens\":64,\"output_tokens_details\":{\"reasoning_tokens\":60}}}}\r\n\r\n";
        assertEquals(stream, relay(relay, stream));
        SseRelay.Result result = relay.result(false, false);
        assertEquals(20, result.reportedUsage().inputTokens());
        assertEquals(64, result.reportedUsage().outputTokens());
        assertEquals(60, result.reportedUsage().reasoningTokens());
    }

    @Test
    void shouldReadTheUsageOfAFailedResponse() {
        SseRelay relay = new SseRelay(false, "gpt-4o");
        String stream = "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"id\":\"r1\","
                + "\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"The model failed\"},"
                + "\"usage\":{\"input_tokens\":11,\"output_tokens\":3}}}\n\n";
        assertEquals(stream, relay(relay, stream));
        assertEquals(11, relay.result(false, false).reportedUsage().inputTokens());
        assertEquals(3, relay.result(false, false).reportedUsage().outputTokens());
        assertTrue(relay.result(false, false).responseFailed(), "metered as the provider's error, not a success");
    }

    @Test
    void shouldEstimateAFailedResponseThatReportsNoUsage() {
        SseRelay relay = new SseRelay(false, "gpt-4o");
        String stream = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hello there\"}\n\n"
                + "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"id\":\"r1\","
                + "\"status\":\"failed\",\"usage\":null}}\n\n";
        assertEquals(stream, relay(relay, stream));
        SseRelay.Result result = relay.result(false, false);
        assertNull(result.reportedUsage(), "no usage reported: not billed as zero");
        assertEquals(TokenEstimator.count("gpt-4o", "Hello there"), result.estimatedOutputTokens());
        assertTrue(result.responseFailed());
    }

    @Test
    void shouldReadALastEventThatHasNoBlankLineAfterIt() {
        SseRelay relay = new SseRelay(false, "gpt-4o");
        String last = "data: {\"choices\":[{\"delta\":{\"content\":\" again\"}}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":3}}";
        assertEquals(CHUNK_A + last, relay(relay, CHUNK_A, last));
        SseRelay.Result result = relay.result(false, false);
        assertEquals(3, result.reportedUsage().outputTokens());
        assertEquals("Héllo again", result.outputText());
    }

    @Test
    void shouldKeepALastUsageChunkWithoutBlankLineFromAClientThatDidNotAsk() {
        SseRelay relay = new SseRelay(true, "gpt-4o");
        String usage = USAGE.substring(0, USAGE.length() - 2);
        assertEquals(CHUNK_A, relay(relay, CHUNK_A, usage));
        assertEquals(12, relay.result(false, false).reportedUsage().inputTokens());
    }

    @Test
    void shouldPassOnAnEventBeyondTheCapAsItComesWithoutKeepingItAndReadTheEventsAfterIt() {
        SseRelay relay = new SseRelay(false, "gpt-4o");
        String huge = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(3 * SseRelay.MAX_PENDING_BYTES)
                + "\"}}],\"usage\":null}\n\n";
        byte[] stream = (CHUNK_A + huge + CHUNK_B + USAGE + DONE).getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        long in = 0;
        for (int at = 0; at < stream.length; at += 16 * 1024) {
            int length = Math.min(16 * 1024, stream.length - at);
            Buffer ready = relay.take(Buffer.buffer().appendBytes(stream, at, length));
            in += length;
            if (ready != null) {
                out.append(ready.toString(StandardCharsets.UTF_8));
            }
            assertTrue(in - out.length() <= SseRelay.MAX_PENDING_BYTES,
                    "at most the cap is held back: " + (in - out.length()) + " bytes after " + in);
        }
        assertNull(relay.rest());
        assertEquals(new String(stream, StandardCharsets.UTF_8), out.toString(), "every byte reached the client");
        SseRelay.Result result = relay.result(false, false);
        assertEquals(5, result.reportedUsage().outputTokens(), "the usage after the oversized event was read");
        assertEquals("Héllo world", result.outputText(), "the oversized event was not read");
    }

    @Test
    void shouldCountTheTokensOfALongAnswerAsItStreamsWithoutKeepingItsText() {
        SseRelay relay = new SseRelay(false, "gpt-4o");
        StringBuilder whole = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            String piece = (i % 7 == 0 ? "\n" : " ") + "word" + i + (i % 3 == 0 ? "," : "");
            whole.append(piece);
            String chunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece.replace("\n", "\\n")
                    + "\"}}],\"usage\":null}\n\n";
            assertEquals(chunk, take(relay, chunk));
        }
        SseRelay.Result result = relay.result(true, false);
        assertTrue(result.outputText().length() <= TokenEstimator.Tally.KEEP_CHARS,
                "kept " + result.outputText().length() + " characters of " + whole.length());
        assertEquals(TokenEstimator.count("gpt-4o", whole.toString()), result.estimatedOutputTokens());
    }
}
