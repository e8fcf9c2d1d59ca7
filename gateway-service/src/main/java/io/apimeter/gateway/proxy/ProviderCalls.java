package io.apimeter.gateway.proxy;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.service.CallAdmission;
import io.apimeter.gateway.service.CallMeter;
import io.apimeter.gateway.service.CallerDirectory;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
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

    /**
     * A client app about to call a provider: its key must be valid and its customer active. Never blocks the
     * event loop (see {@link CallerDirectory#authenticateAsync}); completes on the caller's context.
     */
    Future<Authorization> authorize(String presentedKey, Provider provider, ProviderErrors errors) {
        if (presentedKey == null || presentedKey.isBlank()) {
            return Future.succeededFuture(new Authorization(null, errors.missingKey()));
        }
        return directory.authenticateAsync(presentedKey.trim()).compose(caller -> {
            if (caller.isEmpty()) {
                return Future.succeededFuture(new Authorization(null, errors.invalidKey()));
            }
            if (!caller.get().customerActive()) {
                return Future.succeededFuture(new Authorization(null, errors.accountDisabled()));
            }
            CallerDirectory.Caller who = caller.get().caller();
            return directory.credentialAsync(who.customerId(), provider).map(key -> key.isEmpty()
                    ? new Authorization(null, errors.noCredential())
                    : new Authorization(new Authorized(who, key.get()), null));
        });
    }

    /**
     * Authorizes the client app and, once it may call the provider, runs {@code then} on the request's context;
     * otherwise answers it with the refusal in the provider's format. A failure fails the route.
     */
    void whenAuthorized(RoutingContext context, String presentedKey, Provider provider, ProviderErrors errors,
                        Consumer<Authorized> then) {
        authorize(presentedKey, provider, errors).onComplete(authorizing -> {
            if (authorizing.failed()) {
                context.fail(authorizing.cause());
                return;
            }
            Authorization authorization = authorizing.result();
            if (authorization.refusal() != null) {
                reply(context.response(), authorization.refusal());
                return;
            }
            try {
                then.accept(authorization.authorized());
            } catch (RuntimeException e) {
                context.fail(e);
            }
        });
    }

    /**
     * For reports of calls already made, on a worker thread: a DISABLED customer's key is taken as well (such
     * calls are billed whatever the customer's status now).
     */
    Authorization authorizeReport(String presentedKey, Provider provider, ProviderErrors errors) {
        if (presentedKey == null || presentedKey.isBlank()) {
            return new Authorization(null, errors.missingKey());
        }
        Optional<CallerDirectory.Authenticated> caller = directory.authenticate(presentedKey.trim());
        if (caller.isEmpty()) {
            return new Authorization(null, errors.invalidKey());
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
                Instant.now().truncatedTo(ChronoUnit.MICROS), System.nanoTime());
    }

    /**
     * Meters a call whose provider was not reached, or did not answer in time, and gives the client's answer:
     * 504 for a provider silent too long (or not connected in time), 502 for one that cannot be reached.
     */
    Response failed(CallMeter.Call call, ProviderErrors errors, Throwable cause) {
        if (cause instanceof TimeoutException || cause instanceof ConnectTimeoutException) {
            meter.record(call, 504, Outcome.PROVIDER_TIMEOUT, Usage.NONE);
            return errors.timeout();
        }
        LOG.warnf("%s unreachable for customer %s: %s", call.provider(), call.caller().customerId(),
                cause.getClass().getSimpleName());
        meter.record(call, 502, Outcome.PROVIDER_UNREACHABLE, Usage.NONE);
        return errors.unreachable();
    }

    /** The provider's whole answer, read on the event loop. */
    static Future<Buffer> readWhole(UpstreamClient.Upstream upstream) {
        Future<Buffer> body = upstream.response().body();
        upstream.response().resume();
        return body;
    }

    /** Starts the client's answer: the provider's status and headers (but hop-by-hop ones). */
    static void passBackHead(HttpServerResponse client, int status, MultiMap upstreamHeaders) {
        client.setStatusCode(status);
        for (Map.Entry<String, String> header : upstreamHeaders) {
            if (UpstreamClient.passBack(header.getKey())) {
                client.headers().add(header.getKey(), header.getValue());
            }
        }
    }

    /** The provider's status, headers (but hop-by-hop ones) and the given body, for the client. */
    static void passBack(HttpServerResponse client, int status, MultiMap upstreamHeaders, Buffer body) {
        if (client.ended() || client.closed()) {
            return;
        }
        passBackHead(client, status, upstreamHeaders);
        client.end(body);
    }

    /** Sends one of the gateway's own answers (a refusal, an error in the provider's format). */
    static void reply(HttpServerResponse client, Response answer) {
        if (client.ended() || client.closed()) {
            return;
        }
        client.setStatusCode(answer.getStatus());
        for (Map.Entry<String, List<String>> header : answer.getStringHeaders().entrySet()) {
            for (String value : header.getValue()) {
                client.headers().add(header.getKey(), value);
            }
        }
        Object entity = answer.getEntity();
        if (entity == null) {
            client.end();
        } else {
            client.end(entity.toString());
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

    /** A JSON body as a tree, or null when it is none (the provider, not the gateway, judges a request's body). */
    static com.fasterxml.jackson.databind.JsonNode json(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return io.apimeter.events.EventJson.mapper().readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
