package io.apimeter.history;

/** Something the user can fix (a database not reachable, a table missing, a prefix taken): a message, no trace. */
final class Failure extends Exception {
    Failure(String message) {
        super(message, null, false, false);
    }
}
