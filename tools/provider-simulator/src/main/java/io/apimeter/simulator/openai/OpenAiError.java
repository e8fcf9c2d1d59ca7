package io.apimeter.simulator.openai;

/**
 * OpenAI's error body: {@code {"error":{"message":"...","type":"...","param":null,"code":"..."}}}.
 *
 * @param error the error itself
 */
public record OpenAiError(Detail error) {

    /**
     * @param message human-readable explanation
     * @param type    OpenAI's error type, e.g. {@code invalid_request_error}, {@code server_error}
     * @param param   the offending request parameter, or {@code null}
     * @param code    OpenAI's machine-readable code, e.g. {@code invalid_api_key}, or {@code null}
     */
    public record Detail(String message, String type, String param, String code) {
    }

    /**
     * The error OpenAI sends with {@code status}.
     *
     * @param message what went wrong, or {@code null} for OpenAI's usual message for that status
     */
    public static OpenAiError forStatus(int status, String message, String param) {
        Kind kind = Kind.of(status);
        return new OpenAiError(new Detail(message != null ? message : kind.message, kind.type, param, kind.code));
    }

    private record Kind(String type, String code, String message) {

        static Kind of(int status) {
            return switch (status) {
                case 400 -> new Kind("invalid_request_error", null, "Bad request.");
                case 401 -> new Kind("invalid_request_error", "invalid_api_key", "Incorrect API key provided.");
                case 403 -> new Kind("invalid_request_error", "permission_denied",
                        "You are not allowed to perform this request.");
                case 404 -> new Kind("invalid_request_error", null, "The requested resource does not exist.");
                case 408 -> new Kind("invalid_request_error", "timeout", "The request timed out.");
                case 409 -> new Kind("invalid_request_error", "conflict", "The request conflicts with another one.");
                case 413 -> new Kind("invalid_request_error", "request_too_large", "The request is too large.");
                case 429 -> new Kind("requests", "rate_limit_exceeded",
                        "Rate limit reached for requests. Please try again later.");
                case 500 -> new Kind("server_error", "server_error",
                        "The server had an error while processing your request. Sorry about that!");
                case 502 -> new Kind("server_error", "bad_gateway", "Bad gateway.");
                case 503 -> new Kind("server_error", "service_unavailable",
                        "The engine is currently overloaded, please try again later.");
                case 504 -> new Kind("server_error", "timeout", "The server timed out while processing your request.");
                default -> status >= 500
                        ? new Kind("server_error", "server_error", "The server had an error while processing your request.")
                        : new Kind("invalid_request_error", null, "The request was rejected with status " + status + ".");
            };
        }
    }
}
