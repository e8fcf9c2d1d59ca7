package io.apimeter.spool;

/** A place in the spool: a segment and a byte offset in it, always at the start of a record or the end. */
public record Position(long segment, long offset) implements Comparable<Position> {

    @Override
    public int compareTo(Position other) {
        int bySegment = Long.compare(segment, other.segment);
        return bySegment != 0 ? bySegment : Long.compare(offset, other.offset);
    }

    @Override
    public String toString() {
        return segment + ":" + offset;
    }
}
