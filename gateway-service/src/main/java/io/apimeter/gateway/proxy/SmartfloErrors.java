package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Errors in Smartflo's own format ({@code {"success": false, "message"}}). */
final class SmartfloErrors implements ProviderErrors {
    static final SmartfloErrors FORMAT = new SmartfloErrors();

    public Response missingKey() {
        return error(401, "Unauthenticated: send your platform API key as 'Authorization: Bearer <key>'.");
    }

    public Response invalidKey() {
        return error(401, "Unauthenticated: use a platform API key issued for your account.");
    }

    public Response noCredential() {
        return error(403, "No Smartflo token is configured for this account. Ask the platform admin to set one.");
    }

    public Response accountDisabled() {
        return error(403, "This account is disabled. Ask the platform admin to enable it again.");
    }

    public Response quotaExceeded(String message, long retryAfterSeconds) {
        return Response.fromResponse(error(429, message)).header("Retry-After", retryAfterSeconds).build();
    }

    public Response rateLimited(String message, long retryAfterSeconds) {
        return Response.fromResponse(error(429, message)).header("Retry-After", retryAfterSeconds).build();
    }

    public Response timeout() {
        return error(504, "The request to Smartflo timed out.");
    }

    public Response unreachable() {
        return error(502, "Smartflo could not be reached. Try again.");
    }

    public Response badRequest(String message) {
        return error(400, message);
    }

    public Response unavailable(long retryAfterSeconds) {
        return Response.fromResponse(error(503, "The gateway cannot authorise calls right now. Try again shortly."))
                .header("Retry-After", retryAfterSeconds).build();
    }

    public Response internalError() {
        return error(500, "The gateway failed to handle this request.");
    }

    static Response error(int status, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("success", false);
        body.put("message", message);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body.toString()).build();
    }
}
