package io.apimeter.gateway.proxy;

import io.apimeter.events.Outcome;
import io.apimeter.events.Usage;
import io.apimeter.gateway.service.CallMeter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * A call admitted and sent to the provider: what a route's {@link ProviderRoute.Answer} uses to answer the client
 * and meter the call. The call is metered once whichever way it ends (a later attempt changes nothing), and a
 * failure in the answer goes to the route's failure handler, which meters what it can.
 */
final class MeteredCall {
    private final RoutingContext context;
    private final ProviderErrors errors;
    private final CallMeter.Call call;
    private final ProviderCalls calls;
    private final CallMeter meter;

    MeteredCall(RoutingContext context, ProviderErrors errors, CallMeter.Call call, ProviderCalls calls,
                CallMeter meter) {
        this.context = context;
        this.errors = errors;
        this.call = call;
        this.calls = calls;
        this.meter = meter;
    }

    CallMeter.Call call() {
        return call;
    }

    String model() {
        return call.model();
    }

    RoutingContext context() {
        return context;
    }

    /** Meters the call as ended. */
    void meter(int status, Outcome outcome, Usage usage) {
        meter.record(call, status, outcome, usage);
    }

    /** Meters the call and gives the client the provider's whole answer. */
    void passBack(int status, MultiMap headers, Buffer body, Outcome outcome, Usage usage) {
        meter(status, outcome, usage);
        ProviderCalls.passBack(context.response(), status, headers, body);
    }

    /** Reads the provider's whole answer, then {@code then}; an answer broken off ends the call as {@link #failed}. */
    void readWhole(UpstreamClient.Upstream answer, Consumer<Buffer> then) {
        ProviderCalls.readWhole(answer).onComplete(reading -> {
            if (reading.failed()) {
                failed(reading.cause());
                return;
            }
            try {
                then.accept(reading.result());
            } catch (RuntimeException e) {
                context.fail(e);
            }
        });
    }

    /**
     * Starts the client's answer with the provider's status and headers, and pipes the provider's body through
     * {@code chunks} as it arrives; {@code ended} meters the call.
     */
    void stream(UpstreamClient.Upstream answer, StreamRelay.Chunks chunks, StreamRelay.Ended ended) {
        HttpServerResponse client = context.response();
        ProviderCalls.passBackHead(client, answer.response().statusCode(), answer.response().headers());
        StreamRelay.start(answer, client, chunks, ended);
    }

    /** A provider not reached, or silent too long: metered, and 502 or 504 in the provider's format. */
    void failed(Throwable cause) {
        ProviderCalls.reply(context.response(), calls.failed(call, errors, cause));
    }
}
