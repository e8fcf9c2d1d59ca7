package io.apimeter.gateway.proxy;

import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.config.GatewayConfig;
import io.apimeter.gateway.service.CallerDirectory;
import io.apimeter.gateway.service.SmartfloCallJournal;
import io.apimeter.gateway.service.SmartfloCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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

    private final SmartfloCallJournal journal;
    private final GatewayConfig.Upstream smartflo;
    private final Vertx vertx;

    public SmartfloProxy(SmartfloCallJournal journal, GatewayConfig config, Vertx vertx) {
        this.journal = journal;
        this.smartflo = config.providers().smartflo();
        this.vertx = vertx;
    }

    /** {@code POST /smartflo/v1/click_to_call}. */
    ProviderRoute clickToCall() {
        // Minutes are known only from the call record: a call reserves nothing against a minute limit.
        return new ProviderRoute(Provider.SMARTFLO, SmartfloErrors.FORMAT, smartflo, ProviderRoute::bearerKey,
                ProviderRoute::bearerAuth, (context, body) -> new ProviderRoute.Request("click-to-call", null,
                        smartflo.baseUrl() + "/click_to_call", body, () -> Usage.NONE, this::answered, null));
    }

    /**
     * A call placed (a 2xx with a {@code call_id}) is kept before the client gets Smartflo's answer, on a worker
     * thread; the client is answered either way, since the call was placed and a 500 would only make it place the
     * call again.
     */
    private void answered(MeteredCall call, UpstreamClient.Upstream answer) {
        call.readWhole(answer, whole -> {
            int status = answer.response().statusCode();
            String callId = JsonFields.text(JsonFields.read(whole.getBytes(), ANSWER_FIELDS), "call_id");
            boolean placed = ProviderCalls.success(status) && callId != null && !callId.isBlank();
            if (!placed) {
                call.passBack(status, answer.response().headers(), whole, Outcome.PROVIDER_ERROR, Usage.NONE);
                return;
            }
            CallerDirectory.Caller caller = call.call().caller();
            SmartfloCalls.Placed placedCall = new SmartfloCalls.Placed(callId, caller.customerId(), caller.apiKeyId(),
                    call.call().startedAt());
            vertx.executeBlocking(() -> journal.keep(placedCall), false).onComplete(kept ->
                    call.passBack(status, answer.response().headers(), whole, Outcome.SUCCESS, Usage.NONE));
        });
    }
}
