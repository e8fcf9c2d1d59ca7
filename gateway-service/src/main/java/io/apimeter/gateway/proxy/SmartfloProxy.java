package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.service.CallMeter;
import io.apimeter.gateway.service.SmartfloCallJournal;
import io.apimeter.gateway.service.SmartfloCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;

/**
 * Smartflo click-to-call for client apps (platform API key as {@code Authorization: Bearer}): forwarded on the
 * event loop and recorded as a call placed; the call placed is kept on a worker thread before the client gets its
 * answer (in the database, or in the local journal while the database is away: {@link SmartfloCallJournal}), so its
 * call record (see {@link SmartfloWebhookResource}) and reconciliation always find it. The client is answered with
 * Smartflo's answer either way: the call was placed.
 */
@ApplicationScoped
public class SmartfloProxy {
    private static final Set<String> ANSWER_FIELDS = Set.of("call_id");

    private final ProviderCalls calls;
    private final UpstreamClient upstream;
    private final CallMeter meter;
    private final SmartfloCallJournal journal;
    private final GatewayConfig.Upstream smartflo;
    private final Vertx vertx;

    public SmartfloProxy(ProviderCalls calls, UpstreamClient upstream, CallMeter meter, SmartfloCallJournal journal,
                         GatewayConfig config, Vertx vertx) {
        this.calls = calls;
        this.upstream = upstream;
        this.meter = meter;
        this.journal = journal;
        this.smartflo = config.providers().smartflo();
        this.vertx = vertx;
    }

    /** {@code POST /smartflo/v1/click_to_call}. */
    void clickToCall(RoutingContext context) {
        Buffer body = ProxyRoutes.body(context);
        calls.whenAuthorized(context, ProviderCalls.bearer(context.request().getHeader(HttpHeaders.AUTHORIZATION)),
                Provider.SMARTFLO, SmartfloErrors.FORMAT, authorized -> forward(context, authorized, body));
    }

    private void forward(RoutingContext context, ProviderCalls.Authorized authorized, Buffer body) {
        HttpServerResponse client = context.response();
        ProviderCalls.Admission admission = calls.admit(context, authorized, Provider.SMARTFLO, "click-to-call", null,
                SmartfloErrors.FORMAT, () -> Usage.NONE);
        if (admission.refusal() != null) {
            ProviderCalls.reply(client, admission.refusal());
            return;
        }
        CallMeter.Call call = admission.call();
        Map<String, String> auth = Map.of("Authorization", "Bearer " + authorized.providerKey());
        upstream.post(smartflo, smartflo.baseUrl() + "/click_to_call", body, context.request().headers(), auth)
                .compose(answer -> ProviderCalls.readWhole(answer).map(whole -> Map.entry(answer, whole)))
                .onComplete(sending -> {
                    if (sending.failed()) {
                        ProviderCalls.reply(client, calls.failed(call, SmartfloErrors.FORMAT, sending.cause()));
                        return;
                    }
                    UpstreamClient.Upstream answer = sending.result().getKey();
                    Buffer whole = sending.result().getValue();
                    int status = answer.response().statusCode();
                    Map<String, JsonNode> fields = JsonFields.read(whole.getBytes(), ANSWER_FIELDS);
                    String callId = JsonFields.text(fields, "call_id");
                    boolean placed = ProviderCalls.success(status) && callId != null && !callId.isBlank();
                    if (!placed) {
                        meter.record(call, status, Outcome.PROVIDER_ERROR, Usage.NONE);
                        ProviderCalls.passBack(client, status, answer.response().headers(), whole);
                        return;
                    }
                    SmartfloCalls.Placed placedCall = new SmartfloCalls.Placed(callId,
                            authorized.caller().customerId(), authorized.caller().apiKeyId(), call.startedAt());
                    vertx.executeBlocking(() -> journal.keep(placedCall), false).onComplete(kept -> {
                        // Kept, or (logged and counted) lost: the client gets Smartflo's answer either way, since
                        // the call was placed; a 500 would only make it place the call again.
                        meter.record(call, status, Outcome.SUCCESS, Usage.NONE);
                        ProviderCalls.passBack(client, status, answer.response().headers(), whole);
                    });
                });
    }
}
