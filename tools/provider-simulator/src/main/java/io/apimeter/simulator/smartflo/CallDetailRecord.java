package io.apimeter.simulator.smartflo;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The call-ended record (CDR) Smartflo posts to a webhook when a call ends; {@code billsec} is what gets billed.
 * Stamps are written as Smartflo does: {@code yyyy-MM-dd HH:mm:ss}, India time (Asia/Kolkata), no zone.
 *
 * @param callId            the {@code call_id} answered by click-to-call
 * @param uuid              the call's UUID, the same for every record of that call
 * @param direction         {@code clicktocall}
 * @param callStatus        {@code answered} when billsec &gt; 0, else {@code missed}
 * @param agentNumber       the agent's number
 * @param destinationNumber the called number
 * @param callerIdNumber    the caller id sent, or {@code null}
 * @param startStamp        when the call started ringing
 * @param answerStamp       when it was answered, {@code null} for a missed call
 * @param endStamp          when it ended
 * @param billsec           billed seconds (talk time)
 * @param duration          billsec plus the ringing time
 * @param hangupCause       {@code NORMAL_CLEARING}, or {@code NO_ANSWER} for a missed call
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"call_id", "uuid", "direction", "call_status", "agent_number", "destination_number",
        "caller_id_number", "start_stamp", "answer_stamp", "end_stamp", "billsec", "duration", "hangup_cause"})
public record CallDetailRecord(String callId, String uuid, String direction, String callStatus, String agentNumber,
                               String destinationNumber, String callerIdNumber, String startStamp, String answerStamp,
                               String endStamp, long billsec, long duration, String hangupCause) {
}
