package io.apimeter.simulator.smartflo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One entry of Smartflo's call detail records API ({@code GET /v1/call/records}): an ended call as Smartflo keeps
 * it, in the fields of that API (not those of the webhook's record). Dates and times are India time, as Smartflo
 * writes them.
 *
 * @param id              Smartflo's id of the record
 * @param callId          the {@code call_id} answered by click-to-call
 * @param uuid            the call's UUID (the same as in the webhook's record)
 * @param direction       {@code clicktocall}
 * @param description     {@code Call answered} or {@code Call missed}
 * @param status          {@code answered} or {@code missed}
 * @param service         {@code Click to Call}
 * @param date            the day the call started, {@code yyyy-MM-dd}
 * @param time            when it started, {@code HH:mm:ss}
 * @param endStamp        when it ended, {@code yyyy-MM-dd HH:mm:ss}
 * @param answeredSeconds talk time: the billed seconds ({@code billsec} of the webhook's record)
 * @param callDuration    talk time plus ringing
 * @param agentNumber     the agent's number
 * @param clientNumber    the called number
 * @param callerIdNum     the caller id sent, or {@code null}
 * @param hangupCause     {@code NORMAL_CLEARING} or {@code NO_ANSWER}
 * @param recordingUrl    always {@code null} here
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"id", "call_id", "uuid", "direction", "description", "status", "service", "date", "time",
        "end_stamp", "answered_seconds", "call_duration", "agent_number", "client_number", "caller_id_num",
        "hangup_cause", "recording_url"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CallRecord(String id, String callId, String uuid, String direction, String description, String status,
                         String service, String date, String time, String endStamp, long answeredSeconds,
                         long callDuration, String agentNumber, String clientNumber, String callerIdNum,
                         String hangupCause, String recordingUrl) {
}
