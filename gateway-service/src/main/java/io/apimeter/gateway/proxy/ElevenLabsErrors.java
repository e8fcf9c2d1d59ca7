package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Errors in ElevenLabs' own format ({@code {"detail": {"status", "message"}}}). */
final class ElevenLabsErrors implements ProviderErrors {
    static final ElevenLabsErrors FORMAT = new ElevenLabsErrors();

    public Response missingKey() {
        return error(401, "needs_authorization", "Send your platform API key in the xi-api-key header.");
    }

    public Response invalidKey() {
        return error(401, "invalid_api_key", "Invalid API key: use a platform API key issued for your account.");
    }

    public Response noCredential() {
        return error(403, "provider_credentials_missing",
                "No ElevenLabs API key is configured for this account. Ask the platform admin to set one.");
    }

    public Response accountDisabled() {
        return error(403, "account_disabled", "This account is disabled. Ask the platform admin to enable it again.");
    }

    public Response quotaExceeded(String message, long retryAfterSeconds) {
        return Response.fromResponse(error(429, "quota_exceeded", message)).header("Retry-After", retryAfterSeconds)
                .build();
    }

    public Response rateLimited(String message, long retryAfterSeconds) {
        return Response.fromResponse(error(429, "rate_limit_exceeded", message))
                .header("Retry-After", retryAfterSeconds).build();
    }

    public Response timeout() {
        return error(504, "upstream_timeout", "The request to ElevenLabs timed out.");
    }

    public Response unreachable() {
        return error(502, "upstream_unavailable", "ElevenLabs could not be reached. Try again.");
    }

    public Response badRequest(String message) {
        return error(400, "invalid_request", message);
    }

    public Response unavailable(long retryAfterSeconds) {
        return Response.fromResponse(error(503, "service_unavailable",
                "The gateway cannot authorise calls right now. Try again shortly."))
                .header("Retry-After", retryAfterSeconds).build();
    }

    public Response internalError() {
        return error(500, "internal_error", "The gateway failed to handle this request.");
    }

    static Response error(int status, String code, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode detail = body.putObject("detail");
        detail.put("status", code);
        detail.put("message", message);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body.toString()).build();
    }
}
