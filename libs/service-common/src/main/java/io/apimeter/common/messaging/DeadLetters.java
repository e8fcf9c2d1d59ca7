package io.apimeter.common.messaging;

import io.apimeter.events.EventFormatException;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Parses an incoming record for a consumer whose channel has {@code failure-strategy=dead-letter-queue}.
 * A record that is not a valid event will never become one, so retrying it would only hold up its partition:
 * it is logged with the reason and the {@link EventFormatException} is rethrown, so that the message is nacked
 * and the connector writes it to the channel's dead-letter topic (with the reason in its
 * {@code dead-letter-reason} header) and goes on with the next record. The offset is thus never committed
 * past a record that is neither applied nor dead-lettered.
 */
public final class DeadLetters {
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private DeadLetters() {
    }

    /**
     * The event read from {@code payload} by {@code reader} (e.g. {@code EventJson::readUsageEvent}).
     *
     * @param what       the kind of event, for the log ("usage event")
     * @param onRejected run before the rethrow when the record is not a valid event (e.g. a counter's increment)
     * @throws EventFormatException when the record is not a valid event; other failures of the reader pass as
     *                              they are
     */
    public static <T> T parse(String payload, String what, Function<String, T> reader, Runnable onRejected) {
        try {
            return reader.apply(payload);
        } catch (EventFormatException e) {
            onRejected.run();
            LOG.warnf("not a valid %s, sending it to the dead-letter topic: %s", what, e.getMessage());
            throw e;
        }
    }

    /** As {@link #parse(String, String, Function, Runnable)}, with nothing to do on a rejected record. */
    public static <T> T parse(String payload, String what, Function<String, T> reader) {
        return parse(payload, what, reader, () -> {
        });
    }
}
