package io.apimeter.history;

/** A piece of COPY input: whole rows in PostgreSQL's text format, handed from the generator to the COPY. */
final class Chunk {
    final byte[] bytes;
    int length;
    int rows;

    Chunk(int capacity) {
        this.bytes = new byte[capacity];
    }

    int remaining() {
        return bytes.length - length;
    }

    void clear() {
        length = 0;
        rows = 0;
    }
}
