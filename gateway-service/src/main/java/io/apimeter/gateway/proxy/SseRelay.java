package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.EventJson;
import io.apimeter.events.Usage;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Arrays;

/**
 * Passes an OpenAI server-sent-event stream to the client event by event, as it arrives, while reading the
 * usage the stream reports (the usage chunk of chat and legacy completions; the {@code response.completed},
 * {@code response.incomplete} or {@code response.failed} event of the Responses API) and the text it carries,
 * in case the usage never comes.
 *
 * <p>Lines end with {@code \n}, {@code \r\n} or {@code \r}, as the SSE specification allows; a {@code \r} that
 * ends one chunk and a {@code \n} that starts the next are one line ending. Each chunk is scanned once, where
 * it came: only the bytes of an event not complete yet are kept, at most {@link #MAX_PENDING_BYTES}. An event
 * that grows beyond that still goes to the client, as it comes, but is not read (its usage and text are lost to
 * the meter, which then estimates).
 *
 * <p>Each event's JSON is read with a streaming parser that only picks out the text and the usage: no tree is
 * built for the events that carry text, and the bytes of the events the client gets are passed on as they came.
 * The text is counted into tokens as it comes ({@link TokenEstimator.Tally}), not kept whole, and no longer
 * collected once the usage has come.
 */
final class SseRelay implements StreamRelay.Chunks {
    /** Most bytes of one unfinished event kept to be read; a usage event is a few hundred. */
    static final int MAX_PENDING_BYTES = 1024 * 1024;

    /**
     * How a relayed stream ended.
     *
     * @param reportedUsage         the usage the stream reported; null when none came
     * @param outputText            the text streamed that is not counted in {@code estimatedOutputTokens} yet;
     *                              for a relay made without a model, all the text streamed until the usage came
     * @param estimatedOutputTokens the tokens of all the text streamed, counted with the model's tokenizer;
     *                              counted only when no usage came, 0 otherwise
     * @param responseFailed        the provider ended the response as failed ({@code response.failed}), though
     *                              the stream itself ended well: the call is a provider error, whatever it used
     */
    record Result(Usage reportedUsage, String outputText, boolean clientGone, boolean upstreamBroken,
                  long estimatedOutputTokens, boolean responseFailed) {
    }

    private final boolean dropUsageChunk;
    private final int maxPendingBytes;
    private final TokenEstimator.Tally output;
    private Usage reportedUsage;
    private boolean responseFailed;
    /** Bytes of the event under way whose first bytes came with an earlier chunk. */
    private Buffer pending;
    /** The event under way outgrew {@link #maxPendingBytes}: passed on as it comes, not read. */
    private boolean passingUnread;
    /** Nothing of the current line has come yet: a line ending now ends the event. */
    private boolean lineEmpty = true;
    /** The last byte was a {@code \r}: a {@code \n} now completes that line ending. */
    private boolean afterCr;
    /** The last chunk ended with the {@code \r} that ended an event: a {@code \n} first in this chunk is its. */
    private boolean eventEndedOnCr;
    /** The last event was kept from the client (and so is the {@code \n} that may still complete its end). */
    private boolean lastDropped;

    /**
     * A relay that keeps the streamed text whole until the usage comes, for a caller that counts it itself
     * from {@link Result#outputText()}.
     *
     * @param dropUsageChunk the gateway asked for the usage chunk on the client's behalf: the client did not,
     *                       so it does not get it
     */
    SseRelay(boolean dropUsageChunk) {
        this(dropUsageChunk, TokenEstimator.Tally.keepingAll(), MAX_PENDING_BYTES);
    }

    /**
     * A relay that counts the streamed text into {@link Result#estimatedOutputTokens()} as it comes.
     *
     * @param dropUsageChunk see {@link #SseRelay(boolean)}
     * @param model          the model called, whose tokenizer counts the text
     */
    SseRelay(boolean dropUsageChunk, String model) {
        this(dropUsageChunk, new TokenEstimator.Tally(model), MAX_PENDING_BYTES);
    }

    SseRelay(boolean dropUsageChunk, TokenEstimator.Tally output, int maxPendingBytes) {
        this.dropUsageChunk = dropUsageChunk;
        this.output = output;
        this.maxPendingBytes = maxPendingBytes;
    }

    /** How the stream ended, with what it reported and carried; reads what was left of an unfinished event. */
    Result result(boolean clientGone, boolean upstreamBroken) {
        Buffer left = pending;
        pending = null;
        if (left != null) {
            inspect(left);
        }
        long estimated = reportedUsage == null ? output.tokens() : 0;
        return new Result(reportedUsage, output.uncounted(), clientGone, upstreamBroken, estimated, responseFailed);
    }

    /** The complete events (each ends with a blank line) that have come, less any the client does not get. */
    @Override
    public Buffer take(Buffer chunk) {
        // Read in place where the buffer has an array (it has, as the HTTP client hands it over): no copy per chunk.
        ByteBuf in = chunk.getByteBuf();
        byte[] bytes;
        int from;
        if (in.hasArray()) {
            bytes = in.array();
            from = in.arrayOffset() + in.readerIndex();
        } else {
            bytes = chunk.getBytes();
            from = 0;
        }
        int to = from + chunk.length();
        Out out = new Out(chunk, bytes, from, to);
        int start = from;
        if (eventEndedOnCr && start < to) {
            eventEndedOnCr = false;
            afterCr = false;
            if (start < to && bytes[start] == '\n') {
                if (!lastDropped) {
                    out.add(start, start + 1);
                }
                start++;
            }
        }
        if (passingUnread) {
            int end = eventEnd(bytes, start, to);
            out.add(start, end < 0 ? to : end);
            if (end < 0) {
                return out.result();
            }
            passingUnread = false;
            lastDropped = false;
            start = end;
        }
        // Split on bytes, not characters: no line-ending byte occurs inside a multi-byte UTF-8 character.
        while (start < to) {
            int end = eventEnd(bytes, start, to);
            if (end < 0) {
                keep(out, bytes, start, to);
                break;
            }
            boolean passed;
            if (pending != null) {
                Buffer event = pending.appendBytes(bytes, start, end - start);
                pending = null;
                passed = inspect(event);
                if (passed) {
                    out.add(event);
                }
            } else {
                passed = inspect(bytes, start, end);
                if (passed) {
                    out.add(start, end);
                }
            }
            lastDropped = !passed;
            start = end;
        }
        return out.result();
    }

    /** Keeps {@code bytes[start, to)}, the start of an event, for the next chunk; beyond the cap, passes it on. */
    private void keep(Out out, byte[] bytes, int start, int to) {
        long size = (pending == null ? 0 : pending.length()) + (long) (to - start);
        if (size > maxPendingBytes) {
            if (pending != null) {
                out.add(pending);
                pending = null;
            }
            out.add(start, to);
            passingUnread = true;
        } else if (pending == null) {
            pending = Buffer.buffer(to - start + 256).appendBytes(bytes, start, to - start);
        } else {
            pending.appendBytes(bytes, start, to - start);
        }
    }

    @Override
    public Buffer rest() {
        Buffer rest = pending;
        pending = null;
        // A last event without its blank line: read it, and pass it on unless it is the usage chunk kept back.
        return rest == null || inspect(rest) ? rest : null;
    }

    /**
     * Follows the lines of {@code bytes[start, to)}; returns the index just past the blank line that ends the
     * event under way (with the {@code \n} of its {@code \r\n}), or -1 when it does not end there.
     */
    private int eventEnd(byte[] bytes, int start, int to) {
        for (int i = start; i < to; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (afterCr) {
                    afterCr = false;
                } else if (lineEmpty) {
                    return i + 1;
                } else {
                    lineEmpty = true;
                }
            } else if (b == '\r') {
                if (lineEmpty) {
                    if (i + 1 == to) {
                        afterCr = true;
                        eventEndedOnCr = true;
                        return to;
                    }
                    afterCr = false;
                    return bytes[i + 1] == '\n' ? i + 2 : i + 1;
                }
                lineEmpty = true;
                afterCr = true;
            } else {
                lineEmpty = false;
                afterCr = false;
            }
        }
        return -1;
    }

    private boolean inspect(Buffer event) {
        ByteBuf in = event.getByteBuf();
        if (in.hasArray()) {
            int from = in.arrayOffset() + in.readerIndex();
            return inspect(in.array(), from, from + in.readableBytes());
        }
        byte[] bytes = event.getBytes();
        return inspect(bytes, 0, bytes.length);
    }

    /** Reads usage and text from the event in {@code bytes[start, stop)}; returns whether the client gets it. */
    private boolean inspect(byte[] bytes, int start, int stop) {
        int dataStart = -1;
        int dataEnd = -1;
        byte[] joined = null;
        for (int line = start; line < stop; ) {
            int lineEnd = line;
            while (lineEnd < stop && bytes[lineEnd] != '\n' && bytes[lineEnd] != '\r') {
                lineEnd++;
            }
            // The empty line between the \r and \n of a \r\n, and the blank line at the end, are no fields.
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
                    // Several data lines make one payload, joined by newlines.
                    byte[] before = joined != null ? joined : Arrays.copyOfRange(bytes, dataStart, dataEnd);
                    joined = new byte[before.length + 1 + to - from];
                    System.arraycopy(before, 0, joined, 0, before.length);
                    joined[before.length] = '\n';
                    System.arraycopy(bytes, from, joined, before.length + 1, to - from);
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
        JsonNode responseUsage = null;
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
                    case "response" -> responseUsage = responseUsage(parser);
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
        if (type != null && type.startsWith("response.")) {
            switch (type) {
                // The last event of a response, however it ended; a failed one may report no usage.
                case "response.completed", "response.incomplete", "response.failed" -> {
                    responseFailed = "response.failed".equals(type);
                    if (responseUsage != null) {
                        reportedUsage = OpenAiUsage.ofUsage(responseUsage);
                    }
                }
                case "response.output_text.delta" -> {
                    if (delta != null && reportedUsage == null) {
                        output.append(delta);
                    }
                }
                default -> {
                }
            }
            return true;
        }
        if (reportedUsage == null && !text.isEmpty()) {
            output.append(text);
        }
        if (usage != null) {
            reportedUsage = OpenAiUsage.ofUsage(usage);
            boolean usageOnly = hasChoices && choices == 0;
            return !(dropUsageChunk && usageOnly);
        }
        return true;
    }

    /** The {@code usage} object of a {@code response}, read without building a tree of the rest (its output). */
    private static JsonNode responseUsage(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return null;
        }
        JsonNode usage = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
                usage = parser.readValueAsTree();
            } else {
                parser.skipChildren();
            }
        }
        return usage;
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

    /**
     * What of one chunk goes to the client: runs of the chunk's own bytes and whole events kept from earlier
     * chunks, in order. A single run is a slice of the chunk, not a copy.
     */
    private static final class Out {
        private final Buffer chunk;
        private final byte[] bytes;
        private final int base;
        private final int to;
        private Buffer built;
        private int runFrom = -1;
        private int runTo = -1;

        Out(Buffer chunk, byte[] bytes, int base, int to) {
            this.chunk = chunk;
            this.bytes = bytes;
            this.base = base;
            this.to = to;
        }

        /** Passes on {@code bytes[from, until)} of the chunk. */
        void add(int from, int until) {
            if (from == until) {
                return;
            }
            if (runTo == from) {
                runTo = until;
                return;
            }
            flushRun();
            runFrom = from;
            runTo = until;
        }

        /** Passes on an event kept from earlier chunks; it is the relay's own buffer, appended to from now on. */
        void add(Buffer event) {
            flushRun();
            if (built == null) {
                built = event;
            } else {
                built.appendBuffer(event);
            }
        }

        private void flushRun() {
            if (runFrom < 0) {
                return;
            }
            if (built == null) {
                built = Buffer.buffer(to - runFrom + 256);
            }
            built.appendBytes(bytes, runFrom, runTo - runFrom);
            runFrom = -1;
            runTo = -1;
        }

        /** What to send now; null when nothing. */
        Buffer result() {
            if (built == null && runFrom >= 0) {
                return runFrom == base && runTo == to ? chunk : chunk.slice(runFrom - base, runTo - base);
            }
            flushRun();
            return built;
        }
    }
}
