package io.apimeter.readbenchmark;

/** The run cannot go on: the token endpoint refused, or discovery found nothing to ask for. Exit status 1. */
final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
        super(message);
    }
}
