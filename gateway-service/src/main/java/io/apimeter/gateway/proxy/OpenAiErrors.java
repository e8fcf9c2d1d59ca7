package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Errors in OpenAI's own format, so that an OpenAI SDK reports them as it reports OpenAI's. */
public final class OpenAiErrors {
    private OpenAiErrors() {
    }

    /** The same errors through the provider-neutral interface. */
    static final ProviderErrors FORMAT = new ProviderErrors() {
        public Response missingKey() {
            return OpenAiErrors.missingKey();
        }

        public Response invalidKey() {
            return OpenAiErrors.invalidKey();
        }

        public Response noCredential() {
            return OpenAiErrors.noCredential();
        }

        public Response accountDisabled() {
            return OpenAiErrors.accountDisabled();
        }

        public Response quotaExceeded(String message, long retryAfterSeconds) {
            return OpenAiErrors.quotaExceeded(message, retryAfterSeconds);
        }

        public Response rateLimited(String message, long retryAfterSeconds) {
            return OpenAiErrors.rateLimited(message, retryAfterSeconds);
        }

        public Response timeout() {
            return OpenAiErrors.timeout();
        }

        public Response unreachable() {
            return OpenAiErrors.unreachable();
        }

        public Response badRequest(String message) {
            return error(400, message, "invalid_request_error", null);
        }

        public Response unavailable(long retryAfterSeconds) {
            return Response.fromResponse(error(503, "The gateway cannot authorise calls right now. Try again shortly.",
                    "server_error", "gateway_unavailable")).header("Retry-After", retryAfterSeconds).build();
        }

        public Response internalError() {
            return error(500, "The gateway failed to handle this request.", "server_error", "gateway_error");
        }
    };

    public static Response missingKey() {
        return error(401, "You didn't provide an API key. Send your platform API key in the Authorization header "
                + "as 'Bearer <key>'.", "invalid_request_error", null);
    }

    public static Response invalidKey() {
        return error(401, "Incorrect API key provided. Use a platform API key issued for your account.",
                "invalid_request_error", "invalid_api_key");
    }

    public static Response noCredential() {
        return error(403, "No OpenAI API key is configured for this account. Ask the platform admin to set one.",
                "invalid_request_error", "provider_credentials_missing");
    }

    public static Response accountDisabled() {
        return error(403, "This account is disabled. Ask the platform admin to enable it again.",
                "invalid_request_error", "account_disabled");
    }

    /**
     * OpenAI's own answer when the quota is used up. {@code x-should-retry: false} tells the official SDKs not
     * to retry a call that cannot succeed before the next month.
     */
    public static Response quotaExceeded(String message, long retryAfterSeconds) {
        return Response.fromResponse(error(429, message, "insufficient_quota", "quota_exceeded"))
                .header("Retry-After", retryAfterSeconds).header("x-should-retry", "false").build();
    }

    /** OpenAI's own answer to too many requests; the SDKs retry after {@code Retry-After}. */
    public static Response rateLimited(String message, long retryAfterSeconds) {
        return Response.fromResponse(error(429, message, "requests", "rate_limit_exceeded"))
                .header("Retry-After", retryAfterSeconds).build();
    }

    public static Response timeout() {
        return error(504, "The request to OpenAI timed out.", "server_error", "upstream_timeout");
    }

    public static Response unreachable() {
        return error(502, "OpenAI could not be reached. Try again.", "server_error", "upstream_unavailable");
    }

    public static Response error(int status, String message, String type, String code) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body.toString()).build();
    }
}
