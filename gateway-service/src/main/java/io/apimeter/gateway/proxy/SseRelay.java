package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.EventJson;
import io.apimeter.events.Usage;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Passes an OpenAI server-sent-event stream to the client event by event, as it arrives, while reading the
 * usage the stream reports (the usage chunk of chat and legacy completions, the {@code response.completed}
 * event of the Responses API) and the text it carries, in case the usage never comes.
 *
 * <p>Each event's JSON is read with a streaming parser that only picks out the text and the usage: no tree is
 * built for the events that carry text, and the bytes of the events the client gets are passed on as they came.
 */
final class SseRelay implements StreamRelay.Chunks {
    /** How a relayed stream ended. */
    record Result(Usage reportedUsage, String outputText, boolean clientGone, boolean upstreamBroken) {
    }

    private final boolean dropUsageChunk;
    private final StringBuilder outputText = new StringBuilder();
    private Usage reportedUsage;
    /** Bytes of an event not complete yet. */
    private Buffer pending;

    /**
     * @param dropUsageChunk the gateway asked for the usage chunk on the client's behalf: the client did not,
     *                       so it does not get it
     */
    SseRelay(boolean dropUsageChunk) {
        this.dropUsageChunk = dropUsageChunk;
    }

    /** How the stream ended, with what it reported and carried. */
    Result result(boolean clientGone, boolean upstreamBroken) {
        return new Result(reportedUsage, outputText.toString(), clientGone, upstreamBroken);
    }

    /** The complete events (each ends with a blank line) that have come, less any the client does not get. */
    @Override
    public Buffer take(Buffer chunk) {
        Buffer data = pending == null ? chunk : pending.appendBuffer(chunk);
        // Read in place where the buffer has an array (it has, as the HTTP client hands it over): no copy per chunk.
        ByteBuf in = data.getByteBuf();
        byte[] bytes;
        int from;
        int length;
        if (in.hasArray()) {
            bytes = in.array();
            from = in.arrayOffset() + in.readerIndex();
            length = in.readableBytes();
        } else {
            bytes = data.getBytes();
            from = 0;
            length = bytes.length;
        }
        int to = from + length;
        // Split on bytes, not characters: a newline byte never occurs inside a multi-byte UTF-8 character.
        int end = -1;
        for (int i = to - 1; i > from; i--) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\n') {
                end = i + 1;
                break;
            }
        }
        if (end < 0) {
            pending = pending == null ? Buffer.buffer(length + 256).appendBytes(bytes, from, length) : data;
            return null;
        }
        pending = end == to ? null : Buffer.buffer(to - end + 256).appendBytes(bytes, end, to - end);
        Buffer forward = null;
        int start = from;
        while (start < end) {
            int stop = eventEnd(bytes, start, end);
            boolean keep = stop == start || inspect(bytes, start, stop);
            if (!keep && forward == null) {
                // The first event kept back: from here on, only the events the client gets are copied.
                forward = Buffer.buffer(end - from).appendBytes(bytes, from, start - from);
            } else if (keep && forward != null && stop > start) {
                forward.appendBytes(bytes, start, stop - start).appendString("\n\n");
            }
            start = stop + 2;
        }
        if (forward == null) {
            return end == to ? data : data.slice(0, end - from);
        }
        return forward;
    }

    @Override
    public Buffer rest() {
        Buffer rest = pending;
        pending = null;
        return rest;
    }

    /** Index of the blank line that ends the event starting at {@code start}, or of {@code end}. */
    private static int eventEnd(byte[] bytes, int start, int end) {
        for (int i = start; i + 1 < end; i++) {
            if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return end;
    }

    /** Reads usage and text from the event in {@code bytes[start, stop)}; returns whether the client gets it. */
    private boolean inspect(byte[] bytes, int start, int stop) {
        int dataStart = -1;
        int dataEnd = -1;
        byte[] joined = null;
        for (int line = start; line < stop; ) {
            int lineEnd = line;
            while (lineEnd < stop && bytes[lineEnd] != '\n') {
                lineEnd++;
            }
            if (lineEnd - line >= 5 && bytes[line] == 'd' && bytes[line + 1] == 'a' && bytes[line + 2] == 't'
                    && bytes[line + 3] == 'a' && bytes[line + 4] == ':') {
                int from = line + 5;
                int to = lineEnd;
                while (from < to && bytes[from] <= ' ') {
                    from++;
                }
                while (to > from && bytes[to - 1] <= ' ') {
                    to--;
                }
                if (dataStart < 0 && joined == null) {
                    dataStart = from;
                    dataEnd = to;
                } else {
                    // Several data lines make one payload, joined as they are.
                    byte[] before = joined != null ? joined : java.util.Arrays.copyOfRange(bytes, dataStart, dataEnd);
                    joined = new byte[before.length + to - from];
                    System.arraycopy(before, 0, joined, 0, before.length);
                    System.arraycopy(bytes, from, joined, before.length, to - from);
                }
            }
            line = lineEnd + 1;
        }
        if (joined != null) {
            return inspectJson(joined, 0, joined.length);
        }
        if (dataStart < 0 || dataEnd == dataStart || isDone(bytes, dataStart, dataEnd)) {
            return true;
        }
        return inspectJson(bytes, dataStart, dataEnd - dataStart);
    }

    private static boolean isDone(byte[] bytes, int start, int end) {
        return end - start == 6 && bytes[start] == '[' && bytes[start + 1] == 'D' && bytes[start + 2] == 'O'
                && bytes[start + 3] == 'N' && bytes[start + 4] == 'E' && bytes[start + 5] == ']';
    }

    private boolean inspectJson(byte[] bytes, int offset, int length) {
        if (length == 6 && isDone(bytes, offset, offset + length)) {
            return true;
        }
        String type = null;
        String delta = null;
        JsonNode usage = null;
        JsonNode response = null;
        boolean hasChoices = false;
        int choices = 0;
        StringBuilder text = new StringBuilder();
        try (JsonParser parser = EventJson.mapper().createParser(bytes, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return true;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "type" -> type = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    case "delta" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            delta = parser.getText();
                        } else {
                            parser.skipChildren();
                        }
                    }
                    case "usage" -> {
                        if (value == JsonToken.START_OBJECT) {
                            usage = parser.readValueAsTree();
                        } else {
                            parser.skipChildren();
                        }
                    }
                    case "response" -> {
                        if (value == JsonToken.START_OBJECT) {
                            response = parser.readValueAsTree();
                        } else {
                            parser.skipChildren();
                        }
                    }
                    case "choices" -> {
                        if (value == JsonToken.START_ARRAY) {
                            hasChoices = true;
                            while (parser.nextToken() != JsonToken.END_ARRAY) {
                                choices++;
                                choiceText(parser, text);
                            }
                        } else {
                            parser.skipChildren();
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return true;
        }
        if ("response.completed".equals(type)) {
            reportedUsage = OpenAiUsage.from(response);
            return true;
        }
        if ("response.output_text.delta".equals(type)) {
            if (delta != null) {
                outputText.append(delta);
            }
            return true;
        }
        outputText.append(text);
        if (usage != null) {
            reportedUsage = OpenAiUsage.ofUsage(usage);
            boolean usageOnly = hasChoices && choices == 0;
            return !(dropUsageChunk && usageOnly);
        }
        return true;
    }

    /** Appends a choice's {@code delta.content} and {@code text}; the parser stands at the choice's start. */
    private static void choiceText(JsonParser parser, StringBuilder text) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("text".equals(name) && value == JsonToken.VALUE_STRING) {
                text.append(parser.getText());
            } else if ("delta".equals(name) && value == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken content = parser.nextToken();
                    if ("content".equals(field) && content == JsonToken.VALUE_STRING) {
                        text.append(parser.getText());
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
    }
}
