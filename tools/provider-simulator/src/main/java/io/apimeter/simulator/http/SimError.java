package io.apimeter.simulator.http;

/** The simulator's own error body, for paths that belong to no provider: {@code {"code": "...", "message": "..."}}. */
public record SimError(String code, String message) {
}
