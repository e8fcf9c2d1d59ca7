package io.apimeter.common.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every exception that reaches the REST layer into a JSON {@link ApiError}. Unexpected failures are
 * logged with their stack trace on the server and answered with a generic message.
 */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response apiException(ApiException e) {
        return json(e.status(), e.toError());
    }

    @ServerExceptionMapper(priority = 1)
    public Response badJson(JsonProcessingException e) {
        return json(400, new ApiError("invalid_json", describe(e)));
    }

    /** Takes precedence over the framework's own mapper, which answers in another format. */
    @ServerExceptionMapper(priority = 1)
    public Response mismatchedInput(MismatchedInputException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response webApplicationException(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
            return json(status, new ApiError("internal_error", "The request could not be completed."));
        }
        String code = switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            default -> "bad_request";
        };
        String message = status == 404 ? "No such resource." : e.getMessage();
        return json(status, new ApiError(code, message));
    }

    /** No token, or a token that is not valid (signature, issuer, audience, expiry): 401. */
    @ServerExceptionMapper(priority = 1)
    public Response unauthenticated(UnauthorizedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper(priority = 1)
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthorized();
    }

    /** A valid token without the role the operation needs: 403. */
    @ServerExceptionMapper(priority = 1)
    public Response forbidden(ForbiddenException e) {
        return json(403, new ApiError("forbidden", "Your token does not allow this operation."));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("unexpected failure while answering a request", e);
        return json(500, new ApiError("internal_error", "The request could not be completed."));
    }

    static String describe(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
                return "field '" + field + "' has the wrong type or format";
            }
            return "field '" + field + "' is not valid";
        }
        return "the request body is not valid JSON";
    }

    private static Response unauthorized() {
        return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE).header("WWW-Authenticate", "Bearer")
                .entity(new ApiError("unauthorized", "A valid bearer token is required.")).build();
    }

    private static Response json(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
