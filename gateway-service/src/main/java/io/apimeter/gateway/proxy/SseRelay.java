package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.EventJson;
import io.apimeter.events.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Passes an OpenAI server-sent-event stream to the client event by event, as it arrives, while reading the
 * usage the stream reports (the usage chunk of chat and legacy completions, the {@code response.completed}
 * event of the Responses API) and the text it carries, in case the usage never comes.
 */
final class SseRelay extends StreamRelay {
    /** How a relayed stream ended. */
    record Result(Usage reportedUsage, String outputText, boolean clientGone, boolean upstreamBroken) {
    }

    private final boolean dropUsageChunk;
    private final Consumer<Result> onEnd;
    private final StringBuilder outputText = new StringBuilder();
    private Usage reportedUsage;

    /**
     * @param dropUsageChunk the gateway asked for the usage chunk on the client's behalf: the client did not,
     *                       so it does not get it
     * @param connectionClosed whether the client's connection is gone (writes to a closed one do not fail)
     * @param onEnd          called once, when the stream is over for whatever reason
     */
    SseRelay(InputStream upstream, boolean dropUsageChunk, BooleanSupplier connectionClosed, Consumer<Result> onEnd) {
        super(upstream, connectionClosed);
        this.dropUsageChunk = dropUsageChunk;
        this.onEnd = onEnd;
    }

    @Override
    protected void ended(boolean clientGone, boolean upstreamBroken) {
        onEnd.accept(new Result(reportedUsage, outputText.toString(), clientGone, upstreamBroken));
    }

    /** Removes the complete events (each ends with a blank line) from {@code pending} and returns what to send. */
    @Override
    protected byte[] take(ByteArrayOutputStream pending) {
        // Split on bytes, not characters: a newline byte never occurs inside a multi-byte UTF-8 character.
        byte[] bytes = pending.toByteArray();
        int end = -1;
        for (int i = bytes.length - 1; i > 0; i--) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return new byte[0];
        }
        String complete = new String(bytes, 0, end + 1, StandardCharsets.UTF_8);
        pending.reset();
        pending.write(bytes, end + 1, bytes.length - end - 1);
        StringBuilder forward = new StringBuilder(complete.length());
        for (String event : complete.split("\n\n")) {
            if (event.isEmpty()) {
                continue;
            }
            if (inspect(event)) {
                forward.append(event).append("\n\n");
            }
        }
        return forward.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads usage and text from one event; returns whether the client gets it. */
    private boolean inspect(String event) {
        StringBuilder data = new StringBuilder();
        for (String line : event.split("\n")) {
            if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            }
        }
        if (data.isEmpty() || data.toString().equals("[DONE]")) {
            return true;
        }
        JsonNode json;
        try {
            json = EventJson.mapper().readTree(data.toString());
        } catch (IOException e) {
            return true;
        }
        if ("response.completed".equals(json.path("type").asText())) {
            reportedUsage = OpenAiUsage.from(json.path("response"));
            return true;
        }
        if ("response.output_text.delta".equals(json.path("type").asText())) {
            outputText.append(json.path("delta").asText(""));
            return true;
        }
        json.path("choices").forEach(choice -> {
            outputText.append(choice.path("delta").path("content").asText(""));
            outputText.append(choice.path("text").asText(""));
        });
        if (json.path("usage").isObject()) {
            reportedUsage = OpenAiUsage.from(json);
            boolean usageOnly = json.path("choices").isArray() && json.path("choices").isEmpty();
            return !(dropUsageChunk && usageOnly);
        }
        return true;
    }
}
