package io.apimeter.simulator.smartflo;

import java.time.Instant;

/**
 * A call placed through {@code POST /smartflo/v1/click_to_call}, kept so that its call-ended record can name it.
 *
 * @param callId            {@code sim-call-<n>}
 * @param agentNumber       the agent's number, as sent
 * @param destinationNumber the called number, as sent
 * @param callerId          the caller id, or {@code null}
 * @param placedAt          when the simulator accepted it
 */
public record PlacedCall(String callId, String agentNumber, String destinationNumber, String callerId,
                         Instant placedAt) {
}
