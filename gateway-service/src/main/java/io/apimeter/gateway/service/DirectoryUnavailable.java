package io.apimeter.gateway.service;

/**
 * A caller cannot be authorised now: the database cannot be read, and nothing about this key (or credential) is
 * in memory. The call is answered with 503 in the provider's format; the client may try again.
 */
public class DirectoryUnavailable extends RuntimeException {
    public DirectoryUnavailable(String what, Throwable cause) {
        super("the " + what + " cannot be read: the gateway's database is unavailable", cause, false, false);
    }
}
