package io.apimeter.simulator;

import static io.apimeter.simulator.SimClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code x-sim-line-ending}: a stream whose lines end with {@code \r\n} or {@code \r}, as the SSE spec allows. */
class SseLineEndingTest extends SimulatorTest {

    private static final String STREAM = """
            {"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"user","content":"Hello there"}]}""";

    private static String streamed(String lineEnding) throws Exception {
        HttpResponse<byte[]> response = client.sendForBytes(client.chat(STREAM).header("x-sim-line-ending", lineEnding));
        assertEquals(200, response.statusCode());
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldEndEveryLineWithCrlfWhenAsked() throws Exception {
        String crlf = streamed("crlf");
        String lines = crlf.replace("\r\n", "");
        assertFalse(lines.contains("\r") || lines.contains("\n"), "no line ends otherwise: " + crlf);
        assertTrue(crlf.contains("\"usage\":{\"prompt_tokens\""), crlf);
        assertTrue(crlf.endsWith("}\r\n\r\ndata: [DONE]\r\n\r\n"), crlf);
    }

    @Test
    void shouldEndEveryLineWithCrWhenAsked() throws Exception {
        String cr = streamed("CR");
        assertFalse(cr.contains("\n"), cr);
        assertTrue(cr.contains("\"usage\":{\"prompt_tokens\""), cr);
        assertTrue(cr.endsWith("data: [DONE]\r\r"), cr);
    }

    @Test
    void shouldRejectAnUnknownLineEnding() throws Exception {
        HttpResponse<String> response = client.send(client.chat(STREAM).header("x-sim-line-ending", "lfcr"));
        assertEquals(400, response.statusCode());
        assertTrue(json(response).at("/error/message").asText().contains("x-sim-line-ending"));
    }
}
