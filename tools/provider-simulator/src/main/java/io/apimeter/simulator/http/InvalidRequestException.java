package io.apimeter.simulator.http;

/**
 * A request the simulator refuses with a 400, e.g. a malformed {@code x-sim-*} header or body.
 * The provider turns it into its own error format.
 */
public class InvalidRequestException extends RuntimeException {

    private final String param;

    public InvalidRequestException(String message) {
        this(message, null);
    }

    public InvalidRequestException(String message, String param) {
        super(message, null, false, false);
        this.param = param;
    }

    /** The offending request parameter, or {@code null} when the error is not about one. */
    public String param() {
        return param;
    }
}
