package io.apimeter.simulator.elevenlabs;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic stand-in audio: {@value #BYTES_PER_CHARACTER} bytes per character, in blocks that each start
 * like an MPEG audio frame header. Not playable; only its length and stability matter.
 */
final class FakeAudio {

    static final int BYTES_PER_CHARACTER = 64;
    /** A stream is cut into at least this many chunks when the audio has that many blocks... */
    private static final int STREAM_CHUNKS = 4;
    /** ...of at most this many bytes each. */
    private static final int MAX_CHUNK_BYTES = 16 * 1024;

    private FakeAudio() {
    }

    static Buffer of(long characters) {
        int length = Math.toIntExact(characters * BYTES_PER_CHARACTER);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            int block = i / BYTES_PER_CHARACTER;
            bytes[i] = switch (i % BYTES_PER_CHARACTER) {
                case 0 -> (byte) 0xFF;
                case 1 -> (byte) 0xFB;
                case 2 -> (byte) 0x90;
                case 3 -> (byte) 0x64;
                default -> (byte) (block * 31 + i % BYTES_PER_CHARACTER * 7);
            };
        }
        return Buffer.buffer(bytes);
    }

    /** The audio cut into chunks of whole blocks, in order: {@value #STREAM_CHUNKS} or more when it has as many. */
    static List<Buffer> chunks(Buffer audio) {
        int blocks = audio.length() / BYTES_PER_CHARACTER;
        int blocksPerChunk = Math.max(1, Math.min(blocks / STREAM_CHUNKS, MAX_CHUNK_BYTES / BYTES_PER_CHARACTER));
        int chunkBytes = blocksPerChunk * BYTES_PER_CHARACTER;
        List<Buffer> chunks = new ArrayList<>();
        for (int from = 0; from < audio.length(); from += chunkBytes) {
            chunks.add(audio.slice(from, Math.min(from + chunkBytes, audio.length())));
        }
        return chunks;
    }
}
