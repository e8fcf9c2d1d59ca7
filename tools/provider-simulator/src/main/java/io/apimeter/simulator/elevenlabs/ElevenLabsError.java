package io.apimeter.simulator.elevenlabs;

import java.util.List;

/**
 * ElevenLabs' error bodies: {@code {"detail":{"status":"...","message":"..."}}} for most errors, and FastAPI's
 * validation list {@code {"detail":[{"loc":[...],"msg":"...","type":"..."}]}} for a 422.
 */
public final class ElevenLabsError {

    private ElevenLabsError() {
    }

    /**
     * @param detail the error itself
     */
    public record Status(Detail detail) {

        /**
         * @param status  ElevenLabs' machine-readable code, e.g. {@code invalid_api_key}
         * @param message human-readable explanation
         */
        public record Detail(String status, String message) {
        }
    }

    /**
     * @param detail the fields that failed validation
     */
    public record Validation(List<Field> detail) {

        /**
         * @param loc  where the bad value is, e.g. {@code ["body", "text"]}
         * @param msg  what is wrong with it
         * @param type FastAPI's error type, e.g. {@code value_error.missing}
         */
        public record Field(List<Object> loc, String msg, String type) {
        }
    }

    /** The body ElevenLabs answers with {@code status} (any status but 422). */
    public static Status forStatus(int status, String message) {
        String code = switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "invalid_api_key";
            case 402 -> "payment_required";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "payload_too_large";
            case 429 -> "too_many_concurrent_requests";
            case 500 -> "internal_server_error";
            case 502 -> "bad_gateway";
            case 503 -> "service_unavailable";
            case 504 -> "gateway_timeout";
            default -> status >= 500 ? "internal_server_error" : "invalid_request";
        };
        String text = message != null ? message : switch (status) {
            case 401 -> "Invalid API key.";
            case 429 -> "Too many concurrent requests. Please try again later.";
            case 503 -> "The service is busy. Please try again later.";
            default -> status >= 500 ? "An internal error occurred while processing the request."
                    : "The request was rejected with status " + status + ".";
        };
        return new Status(new Status.Detail(code, text));
    }

    /** A 422 body naming one field. */
    public static Validation validation(List<Object> loc, String msg, String type) {
        return new Validation(List.of(new Validation.Field(loc, msg, type)));
    }
}
