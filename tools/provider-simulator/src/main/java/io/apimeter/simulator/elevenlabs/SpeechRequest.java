package io.apimeter.simulator.elevenlabs;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.simulator.http.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the simulator reads from a text-to-speech request, validated as ElevenLabs (FastAPI) would.
 *
 * @param text         the text to speak, not empty
 * @param modelId      {@code model_id}, or {@code null}
 * @param outputFormat {@code output_format} query parameter, {@value #DEFAULT_OUTPUT_FORMAT} when absent
 */
record SpeechRequest(String text, String modelId, String outputFormat) {

    static final String DEFAULT_OUTPUT_FORMAT = "mp3_44100_128";

    /** codec_samplerate[_bitrate], e.g. mp3_44100_128, pcm_16000, ulaw_8000, opus_48000_64. */
    private static final Pattern OUTPUT_FORMAT = Pattern.compile("(mp3|pcm|ulaw|alaw|opus)_\\d{4,6}(_\\d{1,3})?");

    static SpeechRequest parse(Buffer body, String outputFormat) {
        if (outputFormat != null && !OUTPUT_FORMAT.matcher(outputFormat).matches()) {
            throw new UnprocessableRequestException(List.of("query", "output_format"),
                    "value is not a valid enumeration member", "type_error.enum");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            throw new UnprocessableRequestException(List.of("body"), "Invalid JSON body", "value_error.jsondecode");
        }
        if (root == null || !root.isObject()) {
            throw new UnprocessableRequestException(List.of("body"), "value is not a valid dict", "type_error.dict");
        }
        JsonNode text = root.get("text");
        if (text == null || text.isNull()) {
            throw new UnprocessableRequestException(List.of("body", "text"), "field required", "value_error.missing");
        }
        if (!text.isTextual()) {
            throw new UnprocessableRequestException(List.of("body", "text"), "str type expected", "type_error.str");
        }
        if (text.asText().isEmpty()) {
            throw new UnprocessableRequestException(List.of("body", "text"),
                    "ensure this value has at least 1 characters", "value_error.any_str.min_length");
        }
        JsonNode modelId = root.get("model_id");
        if (modelId != null && !modelId.isNull() && !modelId.isTextual()) {
            throw new UnprocessableRequestException(List.of("body", "model_id"), "str type expected",
                    "type_error.str");
        }
        return new SpeechRequest(text.asText(), modelId == null || modelId.isNull() ? null : modelId.asText(),
                outputFormat != null ? outputFormat : DEFAULT_OUTPUT_FORMAT);
    }

    /** Characters of the text, as ElevenLabs bills them (Unicode code points). */
    long characters() {
        return text.codePointCount(0, text.length());
    }
}
