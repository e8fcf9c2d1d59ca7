package io.apimeter.events;

/** A record that is not a valid event of the contract: consumers send it to their dead-letter topic. */
public class EventFormatException extends RuntimeException {
    public EventFormatException(String message) {
        super(message);
    }

    public EventFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
