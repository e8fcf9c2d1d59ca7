package io.apimeter.common.messaging;

/**
 * The headers every dead-lettered record carries, besides its original key, value and headers: who gave up on
 * it, why, where it came from and when. An operator lists and replays dead letters by them
 * ({@code ./apimeter dlq list|replay <topic>}); a replay writes the record back to its original topic, which is
 * safe because every consumer is idempotent on the event id.
 */
public final class DeadLetterHeaders {
    /** The consumer group that could not process the record. */
    public static final String GROUP = "apimeter-dlq-group";
    /** Why the record can never be processed (unreadable JSON, unknown schema version, invalid event). */
    public static final String REASON = "apimeter-dlq-reason";
    /** The topic the record was read from. */
    public static final String TOPIC = "apimeter-dlq-topic";
    /** Its partition there, as a decimal number. */
    public static final String PARTITION = "apimeter-dlq-partition";
    /** Its offset there, as a decimal number. */
    public static final String OFFSET = "apimeter-dlq-offset";
    /** When it was dead-lettered, an ISO-8601 UTC instant. */
    public static final String TIME = "apimeter-dlq-time";

    /** The dead-letter topic of a topic: {@code usage-events} gives {@code usage-events-dlq}. */
    public static String topicFor(String topic) {
        return topic + "-dlq";
    }

    private DeadLetterHeaders() {
    }
}
