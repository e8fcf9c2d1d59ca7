package io.apimeter.gateway.proxy;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.service.CallAdmission;
import io.apimeter.gateway.service.CallMeter;
import io.apimeter.gateway.service.CallerDirectory;
import io.apimeter.gateway.service.DirectoryUnavailable;
import io.apimeter.gateway.service.PriceBook;
import io.apimeter.gateway.service.UsageLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.util.function.Supplier;
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
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/** What every provider route does around the provider's own answer: who is calling, with which key, and failures. */
@ApplicationScoped
public class ProviderCalls {
    private static final Logger LOG = Logger.getLogger(ProviderCalls.class);

    /** The longest model name (and other client-chosen text) the gateway meters; a longer one is refused. */
    static final int MAX_MODEL_LENGTH = 256;
    /** Where a route keeps its call once started, for the route's failure handler. */
    static final String CALL = "apimeter.call";

    private final CallerDirectory directory;
    private final CallMeter meter;
    private final CallAdmission admission;
    private final PriceBook priceBook;
    private final UpstreamClient upstream;
    private final Counter unauthorisable;
    private final Counter failedInGateway;

    public ProviderCalls(CallerDirectory directory, CallMeter meter, CallAdmission admission, PriceBook priceBook,
                         UpstreamClient upstream, MeterRegistry registry) {
        this.directory = directory;
        this.upstream = upstream;
        this.meter = meter;
        this.admission = admission;
        this.priceBook = priceBook;
        this.unauthorisable = Counter.builder("apimeter.gateway.unauthorisable.calls")
                .description("Calls answered 503: the database could not be read and the key was not in memory")
                .register(registry);
        this.failedInGateway = Counter.builder("apimeter.gateway.failed.calls")
                .description("Calls the gateway itself failed on (answered 500 in the provider's format)")
                .register(registry);
    }

    /**
     * The pipeline of every provider route, on the request's event loop: the client app's key must be valid and
     * its customer active and holding a key for the provider (from memory; 503 when that cannot be known); the
     * route reads the request; limits decide from memory (a refused call is metered {@code REJECTED}); the call
     * goes to the provider with the customer's key, and the route's {@link ProviderRoute.Answer} passes the
     * answer back and meters it. A provider not reached or too slow is metered and answered 502 or 504. Every
     * answer the gateway gives itself is in the provider's format.
     */
    void forward(RoutingContext context, ProviderRoute route) {
        Buffer body = ProxyRoutes.body(context);
        ProviderErrors errors = route.errors();
        whenAuthorized(context, route.presentedKey().apply(context), route.provider(), errors, authorized -> {
            ProviderRoute.Request request = route.read().apply(context, body);
            if (request.refusal() != null) {
                reply(context.response(), request.refusal());
                return;
            }
            Admission admission = admit(context, authorized, route.provider(), request.operation(), request.model(),
                    errors, request.worstCase());
            if (admission.refusal() != null) {
                reply(context.response(), admission.refusal());
                return;
            }
            MeteredCall call = new MeteredCall(context, errors, admission.call(), this, meter);
            upstream.post(route.upstream(), request.url(), request.body(), context.request().headers(),
                    route.providerAuth().apply(authorized.providerKey())).onComplete(sending -> {
                        if (sending.failed()) {
                            call.failed(sending.cause());
                            return;
                        }
                        try {
                            request.answer().handle(call, sending.result());
                        } catch (RuntimeException e) {
                            context.fail(e);
                        }
                    });
        });
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
    private Future<Authorization> authorize(String presentedKey, Provider provider, ProviderErrors errors) {
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
    private void whenAuthorized(RoutingContext context, String presentedKey, Provider provider, ProviderErrors errors,
                        Consumer<Authorized> then) {
        authorize(presentedKey, provider, errors).onComplete(authorizing -> {
            if (authorizing.failed()) {
                if (authorizing.cause() instanceof DirectoryUnavailable unavailable) {
                    unauthorisable.increment();
                    LOG.warnf("%s call refused with 503: %s", provider, unavailable.getMessage());
                    reply(context.response(), errors.unavailable(1));
                } else {
                    context.fail(authorizing.cause());
                }
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

    /** Either the call may go to the provider, or (already metered) the answer that refuses it. */
    record Admission(CallMeter.Call call, Response refusal) {
    }

    /**
     * Starts a call and decides, from memory, whether it may go to the provider: a customer blocked by a quota
     * or over its rate limit gets 429 in the provider's format with {@code Retry-After}, and the refused call is
     * metered as {@code REJECTED}.
     */
    private Admission admit(RoutingContext context, Authorized authorized, Provider provider, String operation, String model,
                    ProviderErrors errors, Supplier<Usage> worstCase) {
        if (model != null && model.length() > MAX_MODEL_LENGTH) {
            return new Admission(null, errors.badRequest("The model name is longer than " + MAX_MODEL_LENGTH
                    + " characters."));
        }
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        long startedNanos = System.nanoTime();
        CallAdmission.Decision decision = admission.admit(authorized.caller().customerId(), provider,
                () -> demand(provider, model, startedAt, worstCase.get()));
        // Microseconds, as every service stores times: an instant read back from a database equals the event's.
        CallMeter.Call call = new CallMeter.Call(authorized.caller(), provider, operation, model, startedAt,
                startedNanos, decision.reservation());
        if (decision.rejection() == null) {
            context.put(CALL, call);
            return new Admission(call, null);
        }
        CallAdmission.Rejection refused = decision.rejection();
        meter.reject(call, 429);
        Response answer = refused.reason().isRateLimit()
                ? errors.rateLimited(refused.message(), refused.retryAfterSeconds())
                : errors.quotaExceeded(refused.message(), refused.retryAfterSeconds());
        return new Admission(null, answer);
    }

    /** A call's worst case in the units of the monthly limits, priced as it would be metered. */
    private BigDecimal[] demand(Provider provider, String model, Instant at, Usage worstCase) {
        BigDecimal cost = priceBook.price(provider, model, at, worstCase).cost().amount();
        return UsageLedger.amounts(worstCase, cost);
    }

    /**
     * The route's failure handler: a call that failed in the gateway itself is metered (if it started and was
     * not metered yet: nothing it used is known, status 500) and answered in the provider's format, never with a
     * page; an answer already under way is cut off.
     */
    void failed(RoutingContext context, ProviderErrors errors) {
        CallMeter.Call call = context.get(CALL);
        Throwable failure = context.failure();
        if (call != null && !call.isMetered()) {
            meter.record(call, 500, Outcome.PROVIDER_ERROR, Usage.NONE);
        }
        if (call != null && call.reservation() != null) {
            call.reservation().release();
        }
        failedInGateway.increment();
        if (failure != null) {
            LOG.errorf(failure, "%s call failed in the gateway", call == null ? "provider" : call.provider());
        }
        HttpServerResponse client = context.response();
        if (client.headWritten()) {
            client.reset();
            return;
        }
        if (failure instanceof DirectoryUnavailable) {
            reply(client, errors.unavailable(1));
            return;
        }
        int status = context.statusCode();
        if (status >= 400 && status < 500) {
            String message = status == 413 ? "The request body is too large." : "The request could not be read.";
            reply(client, Response.fromResponse(errors.badRequest(message)).status(status).build());
            return;
        }
        reply(client, errors.internalError());
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
