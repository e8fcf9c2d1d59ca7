package io.apimeter.console.web;

/**
 * A service refused or failed a request the console made for the user: {@code status} is what the console
 * answers (the service's 4xx, 503 when it cannot be reached, 502 when it failed), {@code message} the text shown
 * in the page's error region (the service's own {@code message} where it gave one).
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The service's error code ({@code invalid_warnAtPercent}, {@code not_found}, ...), or null. */
    public String code() {
        return code;
    }

    /** The field a {@code invalid_<field>} code names, or null. */
    public String field() {
        return code != null && code.startsWith("invalid_") ? code.substring("invalid_".length()) : null;
    }
}
