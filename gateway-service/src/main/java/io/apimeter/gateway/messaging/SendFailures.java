package io.apimeter.gateway.messaging;

import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * What a failed send of a spooled record means: the broker (or the producer) refused this record and will refuse it
 * however often it is sent again, or it could not take it now.
 *
 * <p>Only the failures named here are about the record itself: it is too large for the producer or the topic, the
 * broker found it invalid, or it cannot be serialized. Everything else is waited out, the record sent again, as long
 * as it takes: a broker that is away or slow (every {@code RetriableException}, timeouts), but also failures that
 * are not retriable and yet say nothing about the record (authorization, a missing or invalid topic, an unsupported
 * version, an unknown server error): each of those refuses every record alike, so setting records aside would only
 * empty the spool into the dead-letter topic while the fault lasts.
 */
final class SendFailures {
    private static final List<Class<? extends Throwable>> REFUSE_THE_RECORD = List.of(
            RecordTooLargeException.class,
            RecordBatchTooLargeException.class,
            InvalidRecordException.class,
            SerializationException.class);

    private SendFailures() {
    }

    /** True when the failure, or one of its causes, says the broker refuses this very record for good. */
    static boolean refusesRecord(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            for (Class<? extends Throwable> type : REFUSE_THE_RECORD) {
                if (type.isInstance(cause)) {
                    return true;
                }
            }
        }
        return false;
    }
}
