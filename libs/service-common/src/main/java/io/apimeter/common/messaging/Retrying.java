package io.apimeter.common.messaging;

import io.apimeter.events.EventFormatException;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Applies an event with a few retries on failures that may pass (a database restart, a serialization
 * conflict). A record that is not a valid event is not retried. What still fails is thrown, so that the
 * message is nacked and goes to the channel's dead-letter topic: never lost, never blocking the partition.
 */
public final class Retrying {
    private static final Logger LOG = Logger.getLogger(Retrying.class);

    private Retrying() {
    }

    public static <T> T apply(String what, int attempts, Duration firstBackoff, Supplier<T> action) {
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (EventFormatException e) {
                throw e;
            } catch (RuntimeException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                LOG.warnf("%s failed (attempt %d of %d), retrying in %d ms: %s", what, attempt, attempts,
                        backoff.toMillis(), e.toString());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    public static void run(String what, int attempts, Duration firstBackoff, Runnable action) {
        apply(what, attempts, firstBackoff, () -> {
            action.run();
            return null;
        });
    }
}
