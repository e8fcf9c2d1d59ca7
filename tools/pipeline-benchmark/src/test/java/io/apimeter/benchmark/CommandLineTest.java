package io.apimeter.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void shouldDefaultToTheLocalPlatformAndTheFirstCase() {
        Options o = CommandLine.parse(new String[0], Map.of());
        assertEquals(2_000_000, o.events());
        assertEquals(10_000, o.customers());
        assertEquals("127.0.0.1:9092", o.bootstrap());
        assertEquals("jdbc:postgresql://127.0.0.1:5432", o.pgUrl());
        assertEquals("postgres", o.pgUser());
        assertEquals("postgres", o.pgPassword());
        assertEquals(Duration.ofMinutes(30), o.timeout());
        assertFalse(o.lagOnly());
        assertEquals(Options.GROUPS, o.groups());
    }

    @Test
    void shouldReadTheSecondCaseAndTheLagMode() {
        Options o = CommandLine.parse(new String[] {"--events", "500000", "--customers=1", "--timeout", "1h",
                "--pg-url", "jdbc:postgresql://localhost:15432/", "--bootstrap", "127.0.0.1:19092"}, Map.of("PGPASSWORD", "pw"));
        assertEquals(500_000, o.events());
        assertEquals(1, o.customers());
        assertEquals(Duration.ofHours(1), o.timeout());
        assertEquals("jdbc:postgresql://localhost:15432", o.pgUrl());
        assertEquals("pw", o.pgPassword());
        Options lag = CommandLine.parse(new String[] {"--lag-only", "--duration", "60s"}, Map.of());
        assertTrue(lag.lagOnly());
        assertEquals(Duration.ofSeconds(60), lag.duration());
    }

    @Test
    void shouldRefuseBadOptionsAndOtherHosts() {
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--events", "0"}, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--events", "10", "--customers", "11"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--nope", "1"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--timeout"}, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--bootstrap", "kafka.example.com:9092"}, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--pg-url", "jdbc:postgresql://10.0.0.5:5432"}, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--pg-url", "jdbc:postgresql://127.0.0.1:5432/recorder"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {"--duration", "soon"}, Map.of()));
    }
}
