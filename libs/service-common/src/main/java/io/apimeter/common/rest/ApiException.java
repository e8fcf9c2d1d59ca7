package io.apimeter.common.rest;

import jakarta.ws.rs.core.Response;

/** An error a client caused or must know about, answered as {@link ApiError} with the given status. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(Response.Status.BAD_REQUEST.getStatusCode(), code, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(Response.Status.NOT_FOUND.getStatusCode(), "not_found", message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(Response.Status.CONFLICT.getStatusCode(), code, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public ApiError toError() {
        return new ApiError(code, getMessage());
    }
}
