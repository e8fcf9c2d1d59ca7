package io.apimeter.gateway.proxy;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.service.CallAdmission;
import io.apimeter.gateway.service.CallMeter;
import io.apimeter.gateway.service.CallerDirectory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/** What every provider route does around the provider's own answer: who is calling, with which key, and failures. */
@ApplicationScoped
public class ProviderCalls {
    private static final Logger LOG = Logger.getLogger(ProviderCalls.class);

    private final CallerDirectory directory;
    private final CallMeter meter;
    private final CallAdmission admission;

    public ProviderCalls(CallerDirectory directory, CallMeter meter, CallAdmission admission) {
        this.directory = directory;
        this.meter = meter;
        this.admission = admission;
    }

    /** A client app that may call a provider: who it is and the customer's own key for that provider. */
    record Authorized(CallerDirectory.Caller caller, String providerKey) {
    }

    /** Either the client app is authorized, or the answer to give it. */
    record Authorization(Authorized authorized, Response refusal) {
    }

    /** A client app about to call a provider: its key must be valid and its customer active. */
    Authorization authorize(String presentedKey, Provider provider, ProviderErrors errors) {
        return authorize(presentedKey, provider, errors, false);
    }

    /**
     * As {@link #authorize(String, Provider, ProviderErrors)}; with {@code disabledToo} a DISABLED customer's key
     * is taken as well, for reports of calls already made (they are billed whatever the customer's status now).
     */
    Authorization authorize(String presentedKey, Provider provider, ProviderErrors errors, boolean disabledToo) {
        if (presentedKey == null || presentedKey.isBlank()) {
            return new Authorization(null, errors.missingKey());
        }
        Optional<CallerDirectory.Authenticated> caller = directory.authenticate(presentedKey.trim());
        if (caller.isEmpty()) {
            return new Authorization(null, errors.invalidKey());
        }
        if (!caller.get().customerActive() && !disabledToo) {
            return new Authorization(null, errors.accountDisabled());
        }
        CallerDirectory.Caller who = caller.get().caller();
        Optional<String> key = directory.credential(who.customerId(), provider);
        if (key.isEmpty()) {
            return new Authorization(null, errors.noCredential());
        }
        return new Authorization(new Authorized(who, key.get()), null);
    }

    /** Either the call may go to the provider, or (already metered) the answer that refuses it. */
    record Admission(CallMeter.Call call, Response refusal) {
    }

    /**
     * Starts a call and decides, from memory, whether it may go to the provider: a customer blocked by a quota
     * or over its rate limit gets 429 in the provider's format with {@code Retry-After}, and the refused call is
     * metered as {@code REJECTED}.
     */
    Admission admit(Authorized authorized, Provider provider, String operation, String model, ProviderErrors errors) {
        CallMeter.Call call = start(authorized, provider, operation, model);
        Optional<CallAdmission.Rejection> rejection = admission.check(authorized.caller().customerId(), provider);
        if (rejection.isEmpty()) {
            return new Admission(call, null);
        }
        CallAdmission.Rejection refused = rejection.get();
        meter.reject(call, 429);
        Response answer = refused.reason().isRateLimit()
                ? errors.rateLimited(refused.message(), refused.retryAfterSeconds())
                : errors.quotaExceeded(refused.message(), refused.retryAfterSeconds());
        return new Admission(null, answer);
    }

    CallMeter.Call start(Authorized authorized, Provider provider, String operation, String model) {
        // Microseconds, as every service stores times: an instant read back from a database equals the event's.
        return new CallMeter.Call(authorized.caller(), provider, operation, model,
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS), System.nanoTime());
    }

    /** A request to the provider. */
    interface Send<T> {
        HttpResponse<T> send() throws IOException, InterruptedException;
    }

    /** Either the provider's answer, or (already metered) the answer to give when the provider was not reached. */
    record Sent<T>(HttpResponse<T> answer, Response failure) {
    }

    <T> Sent<T> send(CallMeter.Call call, ProviderErrors errors, Send<T> request) {
        try {
            return new Sent<>(request.send(), null);
        } catch (HttpTimeoutException e) {
            meter.record(call, 504, Outcome.PROVIDER_TIMEOUT, Usage.NONE);
            return new Sent<>(null, errors.timeout());
        } catch (IOException e) {
            LOG.warnf("%s unreachable for customer %s: %s", call.provider(), call.caller().customerId(),
                    e.getClass().getSimpleName());
            meter.record(call, 502, Outcome.PROVIDER_UNREACHABLE, Usage.NONE);
            return new Sent<>(null, errors.unreachable());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            meter.record(call, 499, Outcome.CLIENT_ABORTED, Usage.NONE);
            return new Sent<>(null, errors.unreachable());
        }
    }

    /** The provider's status, headers (but hop-by-hop ones) and the given body, for the client. */
    static Response passBack(int status, java.net.http.HttpHeaders upstreamHeaders, Object entity) {
        Response.ResponseBuilder response = Response.status(status).entity(entity);
        for (Map.Entry<String, List<String>> header : upstreamHeaders.map().entrySet()) {
            if (UpstreamClient.passBack(header.getKey())) {
                for (String value : header.getValue()) {
                    response.header(header.getKey(), value);
                }
            }
        }
        return response.build();
    }

    /** A JSON body, or null when it is none (the provider, not the gateway, judges a request's body). */
    static com.fasterxml.jackson.databind.JsonNode json(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return io.apimeter.events.EventJson.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static byte[] readFully(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** The token of an {@code Authorization: Bearer} header, or null. */
    static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    static boolean success(int status) {
        return status >= 200 && status < 300;
    }
}
