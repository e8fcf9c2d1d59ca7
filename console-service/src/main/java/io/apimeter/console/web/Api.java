package io.apimeter.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs one call to a service and turns its failures into an {@link ApiException} with the message a person can
 * act on: the service's JSON {@code message}, or a sentence naming the service when it is down.
 */
@ApplicationScoped
public class Api {

    private static final Logger LOG = Logger.getLogger(Api.class);

    private final ObjectMapper mapper;

    public Api(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public <T> T call(String service, Supplier<T> call) {
        try {
            return call.get();
        } catch (WebApplicationException e) {
            throw fromResponse(service, e.getResponse());
        } catch (ProcessingException e) {
            LOG.warnf("%s cannot be reached: %s", service, e.getMessage());
            throw new ApiException(503, "unavailable",
                    "The " + service + " service cannot be reached right now. Please try again in a moment.");
        }
    }

    public void run(String service, Runnable call) {
        call(service, () -> {
            call.run();
            return null;
        });
    }

    ApiException fromResponse(String service, Response response) {
        int status = response == null ? 502 : response.getStatus();
        String code = null;
        String message = null;
        try {
            if (response != null && response.hasEntity()) {
                String body = response.readEntity(String.class);
                JsonNode json = mapper.readTree(body);
                if (json != null && json.isObject()) {
                    code = text(json, "code", text(json, "error", null));
                    message = text(json, "message", null);
                }
            }
        } catch (RuntimeException | java.io.IOException e) {
            // not JSON: the generic message below says what happened
        }
        if (status >= 500) {
            LOG.warnf("%s answered %d: %s", service, status, message);
            return new ApiException(status == 503 ? 503 : 502, code,
                    "The " + service + " service failed (HTTP " + status + ")"
                            + (message == null ? "" : ": " + message) + ". Please try again later.");
        }
        if (message == null) {
            message = switch (status) {
                case 401 -> "Your session is not accepted by the " + service + " service. Please log in again.";
                case 403 -> "You may not do this.";
                case 404 -> "Not found.";
                default -> "The " + service + " service refused the request (HTTP " + status + ").";
            };
        }
        return new ApiException(status, code, message);
    }

    private static String text(JsonNode json, String field, String fallback) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }
}
