package io.apimeter.recorder.rest;

import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The filters of the call log, as the list and the export take them from the query string (validated later). */
public class UsageLogQueryParams {
    @Parameter(description = "Only this customer's calls; a customer token reads its own calls only")
    @QueryParam("customerId")
    String customerId;

    @Parameter(description = "OPENAI, ELEVENLABS or SMARTFLO")
    @QueryParam("provider")
    String provider;

    @Parameter(description = "SUCCESS, PROVIDER_ERROR, ...")
    @QueryParam("outcome")
    String outcome;

    @Parameter(description = "Model as sent or the priced model it resolved to")
    @QueryParam("model")
    String model;

    @Parameter(description = "Earliest occurredAt, inclusive (ISO-8601 UTC)")
    @QueryParam("from")
    String from;

    @Parameter(description = "Latest occurredAt, exclusive (ISO-8601 UTC)")
    @QueryParam("to")
    String to;
}
