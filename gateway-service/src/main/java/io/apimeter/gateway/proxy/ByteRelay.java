package io.apimeter.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.function.BooleanSupplier;

/** Relays a binary stream (audio) exactly as it arrives. */
final class ByteRelay extends StreamRelay {
    /** Called once when the stream is over. */
    interface Ended {
        void ended(boolean clientGone, boolean upstreamBroken);
    }

    private final Ended onEnd;

    ByteRelay(InputStream upstream, BooleanSupplier connectionClosed, Ended onEnd) {
        super(upstream, connectionClosed);
        this.onEnd = onEnd;
    }

    @Override
    protected byte[] take(ByteArrayOutputStream pending) {
        byte[] all = pending.toByteArray();
        pending.reset();
        return all;
    }

    @Override
    protected void ended(boolean clientGone, boolean upstreamBroken) {
        onEnd.ended(clientGone, upstreamBroken);
    }
}
