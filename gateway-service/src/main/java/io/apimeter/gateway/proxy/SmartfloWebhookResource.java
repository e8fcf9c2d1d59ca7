package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.events.Outcome;
import io.apimeter.events.Provider;
import io.apimeter.events.Usage;
import io.apimeter.gateway.entity.SmartfloCall;
import io.apimeter.gateway.service.CallMeter;
import io.apimeter.gateway.service.CallerDirectory;
import io.apimeter.gateway.service.SmartfloCalls;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The call record Smartflo posts to {@code /smartflo/webhooks/cdr} when a call ends (configured in the
 * customer's Smartflo account with the customer's platform key as bearer token). Each call is metered once,
 * however often its record is delivered. A database transaction per record: runs on a worker thread.
 */
@Path("/smartflo")
@PermitAll
public class SmartfloWebhookResource {
    private final ProviderCalls calls;
    private final CallMeter meter;
    private final SmartfloCalls smartfloCalls;

    public SmartfloWebhookResource(ProviderCalls calls, CallMeter meter, SmartfloCalls smartfloCalls) {
        this.calls = calls;
        this.meter = meter;
        this.smartfloCalls = smartfloCalls;
    }

    @POST
    @Path("/webhooks/cdr")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response callRecord(byte[] body, @Context HttpHeaders headers) {
        // Never refused for quota, rate or a disabled customer: the call was made already and must be billed.
        ProviderCalls.Authorization authorization = calls.authorizeReport(
                ProviderCalls.bearer(headers.getHeaderString(HttpHeaders.AUTHORIZATION)), Provider.SMARTFLO,
                SmartfloErrors.FORMAT);
        if (authorization.refusal() != null) {
            return authorization.refusal();
        }
        CallerDirectory.Caller caller = authorization.authorized().caller();
        JsonNode record = ProviderCalls.json(body);
        String callId = record == null ? null : record.path("call_id").asText(null);
        if (callId == null || callId.isBlank()) {
            return SmartfloErrors.error(400, "The call record needs a call_id.");
        }
        JsonNode billsec = record.path("billsec");
        if (!(billsec.canConvertToLong() || billsec.isTextual() && billsec.asText().matches("\\d{1,9}"))
                || billsec.asLong(-1) < 0) {
            return SmartfloErrors.error(400, "The call record needs billsec, the billed seconds, as a whole number.");
        }
        Optional<SmartfloCall> placed = smartfloCalls.find(callId, caller.customerId());
        if (placed.isEmpty()) {
            return SmartfloErrors.error(404, "No call " + callId + " was placed through this account.");
        }
        long seconds = billsec.asLong();
        if (!smartfloCalls.bill(callId, seconds, Instant.now())) {
            return ok(callId, true);
        }
        SmartfloCall known = placed.get();
        // The same record always yields the same event id: downstream a redelivery changes nothing either.
        UUID eventId = UUID.nameUUIDFromBytes(("smartflo-call:" + callId).getBytes(StandardCharsets.UTF_8));
        CallMeter.Call metered = new CallMeter.Call(new CallerDirectory.Caller(known.customerId, known.apiKeyId),
                Provider.SMARTFLO, "call", null, known.placedAt, System.nanoTime());
        meter.record(metered, eventId, seconds * 1000, 200, Outcome.SUCCESS, new Usage(0, 0, 0, 0, 0, seconds, false));
        return ok(callId, false);
    }

    private static Response ok(String callId, boolean duplicate) {
        return Response.ok(Map.of("success", true, "call_id", callId, "duplicate", duplicate)).build();
    }
}
