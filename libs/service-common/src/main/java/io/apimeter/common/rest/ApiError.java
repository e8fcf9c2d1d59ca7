package io.apimeter.common.rest;

/**
 * The body of every error answer of the REST APIs: a stable machine-readable code and a sentence for a
 * person. Never a stack trace, never a secret.
 */
public record ApiError(String code, String message) {
}
