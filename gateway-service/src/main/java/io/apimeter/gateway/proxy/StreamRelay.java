package io.apimeter.gateway.proxy;

import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.BooleanSupplier;

/**
 * Passes a provider's streamed answer to the client as it arrives, chunk by chunk, never buffering it whole,
 * and tells how the stream ended: finished, the client gone, or the provider broken off.
 */
abstract class StreamRelay implements StreamingOutput {
    private final InputStream upstream;
    private final BooleanSupplier connectionClosed;

    /**
     * @param connectionClosed whether the client's connection is gone (writes to a closed one do not fail)
     */
    StreamRelay(InputStream upstream, BooleanSupplier connectionClosed) {
        this.upstream = upstream;
        this.connectionClosed = connectionClosed;
    }

    /** Takes from {@code pending} what can go to the client now (possibly changed), leaving the rest. */
    protected abstract byte[] take(ByteArrayOutputStream pending);

    /** Called once, when the stream is over for whatever reason. */
    protected abstract void ended(boolean clientGone, boolean upstreamBroken);

    @Override
    public void write(OutputStream client) {
        boolean clientGone = false;
        boolean upstreamBroken = false;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            while (true) {
                int read;
                try {
                    read = upstream.read(buffer);
                } catch (IOException e) {
                    upstreamBroken = true;
                    break;
                }
                if (read < 0) {
                    break;
                }
                pending.write(buffer, 0, read);
                byte[] ready = take(pending);
                if (connectionClosed.getAsBoolean()) {
                    clientGone = true;
                    break;
                }
                if (ready.length > 0) {
                    try {
                        client.write(ready);
                        client.flush();
                    } catch (IOException e) {
                        clientGone = true;
                        break;
                    }
                }
            }
            if (!clientGone && pending.size() > 0) {
                try {
                    client.write(pending.toByteArray());
                    client.flush();
                } catch (IOException e) {
                    clientGone = true;
                }
            }
        } finally {
            try {
                upstream.close();
            } catch (IOException ignored) {
                // nothing left to read
            }
            ended(clientGone, upstreamBroken);
        }
    }
}
