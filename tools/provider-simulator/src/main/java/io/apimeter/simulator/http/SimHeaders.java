package io.apimeter.simulator.http;

import java.util.OptionalLong;

/** Names and parsing of the {@code x-sim-*} request headers by which a caller steers one answer. */
public final class SimHeaders {

    /** Delay in milliseconds before answering; overrides the simulator's global latency for this request. */
    public static final String LATENCY_MS = "x-sim-latency-ms";
    /** Answer with this status (400-599) in the provider's error format, skipping the real handling. */
    public static final String STATUS = "x-sim-status";
    /** {@code true}: close the connection without answering. */
    public static final String CLOSE = "x-sim-close";
    /** Usage to report: prompt (input) tokens. */
    public static final String PROMPT_TOKENS = "x-sim-prompt-tokens";
    /** Usage to report: completion (output) tokens. */
    public static final String COMPLETION_TOKENS = "x-sim-completion-tokens";
    /** Usage to report: cached prompt tokens. */
    public static final String CACHED_TOKENS = "x-sim-cached-tokens";
    /** Usage to report: reasoning tokens (part of the completion tokens). */
    public static final String REASONING_TOKENS = "x-sim-reasoning-tokens";
    /** Usage to report: characters billed for a text-to-speech request ({@code character-cost} header). */
    public static final String CHARACTER_COST = "x-sim-character-cost";
    /** Delay in milliseconds between two chunks of a streamed answer; overrides the global chunk delay. */
    public static final String CHUNK_DELAY_MS = "x-sim-chunk-delay-ms";
    /** Send this many chunks of a streamed answer, then drop the connection (a stream cut short). */
    public static final String ABORT_AFTER_CHUNKS = "x-sim-abort-after-chunks";
    /**
     * Line endings of a server-sent-event stream: {@code lf} (the default, as OpenAI sends them), {@code crlf}
     * or {@code cr}, all of which the SSE specification allows.
     */
    public static final String LINE_ENDING = "x-sim-line-ending";

    /** Longest delay a request may ask for, so that a typo cannot hang a test for hours. */
    public static final long MAX_LATENCY_MS = 600_000;
    /** Longest delay between two chunks a request may ask for. */
    public static final long MAX_CHUNK_DELAY_MS = 60_000;

    private SimHeaders() {
    }

    /** The header as a non-negative integer, empty when absent; a 400 when it is anything else. */
    public static OptionalLong nonNegativeLong(Exchange exchange, String name) {
        String raw = exchange.header(name);
        if (raw == null) {
            return OptionalLong.empty();
        }
        String value = raw.trim();
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(
                    "Invalid header " + name + ": expected a non-negative integer, got '" + raw + "'.");
        }
        if (parsed < 0 || value.startsWith("+")) {
            throw new InvalidRequestException(
                    "Invalid header " + name + ": expected a non-negative integer, got '" + raw + "'.");
        }
        return OptionalLong.of(parsed);
    }

    /** The header as a line ending ({@code lf}, {@code crlf} or {@code cr}, any case), {@code "\n"} when absent. */
    public static String lineEnding(Exchange exchange, String name) {
        String raw = exchange.header(name);
        if (raw == null) {
            return "\n";
        }
        return switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "lf" -> "\n";
            case "crlf" -> "\r\n";
            case "cr" -> "\r";
            default -> throw new InvalidRequestException(
                    "Invalid header " + name + ": expected lf, crlf or cr, got '" + raw + "'.");
        };
    }

    /** The header as a boolean ({@code true}/{@code false}, any case), {@code false} when absent. */
    public static boolean flag(Exchange exchange, String name) {
        String raw = exchange.header(name);
        if (raw == null) {
            return false;
        }
        String value = raw.trim();
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new InvalidRequestException("Invalid header " + name + ": expected true or false, got '" + raw + "'.");
    }
}
