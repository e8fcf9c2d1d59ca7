package io.apimeter.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimeter.gateway.entity.SmartfloCall;
import io.apimeter.gateway.service.SmartfloBilling;
import io.apimeter.gateway.service.SmartfloCallJournal;
import io.apimeter.gateway.service.SmartfloWebhookSecrets;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The call record Smartflo posts when a call ends, to {@code /smartflo/webhooks/cdr/{customerId}}, signed with the
 * customer's Smartflo webhook secret the platform issued ({@code X-Smartflo-Signature: sha256=<hex of
 * HMAC-SHA256(secret, raw body)>}). A record without a valid signature is refused (401) and bills nothing; the
 * customer's platform API key is not taken here. The record bills the call, or corrects its bill
 * ({@link SmartfloBilling}); never refused for quota, rate or a disabled customer: the call was made. One database
 * transaction per record: runs on a worker thread.
 */
@Path("/smartflo")
@PermitAll
public class SmartfloWebhookResource {
    private static final Logger LOG = Logger.getLogger(SmartfloWebhookResource.class);
    /** Seconds after which Smartflo may send again a record that could not be taken now. */
    private static final int RETRY_AFTER_SECONDS = 5;

    private final SmartfloWebhookSecrets secrets;
    private final SmartfloBilling billing;
    private final SmartfloCallJournal journal;

    public SmartfloWebhookResource(SmartfloWebhookSecrets secrets, SmartfloBilling billing,
                                   SmartfloCallJournal journal) {
        this.secrets = secrets;
        this.billing = billing;
        this.journal = journal;
    }

    @POST
    @Path("/webhooks/cdr/{customerId}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response callRecord(@PathParam("customerId") String customerId, byte[] body, @Context HttpHeaders headers) {
        String signature = headers.getHeaderString(SmartfloWebhookSecrets.SIGNATURE_HEADER);
        if (signature == null || signature.isBlank()) {
            return SmartfloErrors.error(401, "The call record is not signed: send " + SmartfloWebhookSecrets.SIGNATURE_HEADER
                    + ": sha256=<hex of the HMAC-SHA256 of the body under the account's Smartflo webhook secret>.");
        }
        boolean signed;
        try {
            signed = secrets.verify(customerId, body == null ? new byte[0] : body, signature);
        } catch (RuntimeException e) {
            LOG.warnf("a Smartflo call record for %s could not be checked: %s", customerId, e.toString());
            return retryLater("The call record cannot be checked right now. Send it again shortly.");
        }
        if (!signed) {
            // The same answer for an unknown account, one without a secret and a wrong signature.
            return SmartfloErrors.error(401, "The call record's signature does not match the Smartflo webhook secret"
                    + " of this account.");
        }
        JsonNode record = ProviderCalls.json(body);
        String callId = record == null ? null : record.path("call_id").asText(null);
        if (callId == null || callId.isBlank()) {
            return SmartfloErrors.error(400, "The call record needs a call_id.");
        }
        JsonNode billsec = record.path("billsec");
        if (!(billsec.isIntegralNumber() && billsec.canConvertToLong() || billsec.isTextual()
                && billsec.asText().matches("\\d{1,9}")) || billsec.asLong(-1) < 0) {
            return SmartfloErrors.error(400, "The call record needs billsec, the billed seconds, as a whole number.");
        }
        SmartfloBilling.Result result;
        try {
            result = billing.bill(customerId, callId, billsec.asLong(), SmartfloCall.Source.WEBHOOK);
        } catch (RuntimeException e) {
            LOG.warnf("the Smartflo call record of %s could not be billed now: %s", callId, e.toString());
            return retryLater("The call record cannot be stored right now. Send it again shortly.");
        }
        return switch (result) {
            case BILLED -> ok(callId, false, false);
            case ADJUSTED -> ok(callId, false, true);
            case DUPLICATE -> ok(callId, true, false);
            case UNKNOWN -> journal.holds(callId)
                    // placed while the database was away: stored as soon as it is back
                    ? retryLater("Call " + callId + " is not stored yet. Send the record again shortly.")
                    : SmartfloErrors.error(404, "No call " + callId + " was placed through this account.");
        };
    }

    /**
     * The address of call records before they were signed, with the customer's platform key as bearer token: refused,
     * saying where records go now. Nothing is billed from it.
     */
    @POST
    @Path("/webhooks/cdr")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response unsignedRecord() {
        return SmartfloErrors.error(401, "Call records are taken at /smartflo/webhooks/cdr/{customerId}, signed with"
                + " the account's Smartflo webhook secret (" + SmartfloWebhookSecrets.SIGNATURE_HEADER + "); platform"
                + " API keys are not accepted. Ask the platform admin for the webhook URL and secret.");
    }

    private static Response retryLater(String message) {
        return Response.fromResponse(SmartfloErrors.error(503, message)).header("Retry-After", RETRY_AFTER_SECONDS)
                .build();
    }

    private static Response ok(String callId, boolean duplicate, boolean adjusted) {
        return Response.ok(Map.of("success", true, "call_id", callId, "duplicate", duplicate, "adjusted", adjusted))
                .build();
    }
}
