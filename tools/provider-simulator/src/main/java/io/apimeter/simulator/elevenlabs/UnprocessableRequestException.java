package io.apimeter.simulator.elevenlabs;

import java.util.List;

/** A request that fails FastAPI-style validation; answered with a 422 naming the field. */
final class UnprocessableRequestException extends RuntimeException {

    private final transient List<Object> loc;
    private final String type;

    UnprocessableRequestException(List<Object> loc, String msg, String type) {
        super(msg, null, false, false);
        this.loc = loc;
        this.type = type;
    }

    ElevenLabsError.Validation body() {
        return ElevenLabsError.validation(loc, getMessage(), type);
    }
}
