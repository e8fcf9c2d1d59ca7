package io.apimeter.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PositionFileTest {
    @TempDir
    Path dir;

    @Test
    void shouldHoldBackAWriteWithinTheIntervalUnlessTheSegmentChanges() throws IOException {
        PositionFile file = new PositionFile(dir, false, Duration.ofHours(1));
        assertNull(file.load());
        file.saveIfDue(new Position(1, 10));
        file.saveIfDue(new Position(1, 20));
        assertEquals(new Position(1, 10), new PositionFile(dir, false, Duration.ZERO).load(), "held back");
        file.saveIfDue(new Position(2, 0));
        assertEquals(new Position(2, 0), new PositionFile(dir, false, Duration.ZERO).load(), "a new segment at once");
        file.flush(new Position(2, 30));
        assertEquals(new Position(2, 30), new PositionFile(dir, false, Duration.ZERO).load());
    }

    @Test
    void shouldTakeAnUnreadablePositionForNone() throws IOException {
        Files.writeString(dir.resolve(PositionFile.NAME), "garbage");
        assertNull(new PositionFile(dir, false, Duration.ZERO).load());
    }
}
