package io.apimeter.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {

    @Test
    void shouldListenOnPort8090ByDefault() {
        SimulatorOptions options = CommandLine.parse(new String[0], Map.of());

        assertEquals("127.0.0.1", options.host());
        assertEquals(8090, options.port());
        assertEquals(Duration.ZERO, options.latency());
        assertEquals(0.0, options.errorRate());
        assertEquals(Duration.ZERO, options.chunkDelay());
    }

    @Test
    void shouldReadEveryFlagWithSpaceOrEqualsSign() {
        SimulatorOptions options = CommandLine.parse(new String[] {
                "--host", "0.0.0.0", "--port=9100", "--latency-ms", "75", "--chunk-delay-ms=15", "--error-rate=0.25",
                "--seed", "-7", "--event-loops", "1"}, Map.of());

        assertEquals("0.0.0.0", options.host());
        assertEquals(9100, options.port());
        assertEquals(Duration.ofMillis(75), options.latency());
        assertEquals(Duration.ofMillis(15), options.chunkDelay());
        assertEquals(0.25, options.errorRate());
        assertEquals(-7, options.seed());
        assertEquals(1, options.eventLoops());
    }

    @Test
    void shouldTakeEnvironmentVariablesUnlessAFlagSaysOtherwise() {
        Map<String, String> env = Map.of("SIMULATOR_PORT", "9200", "SIMULATOR_LATENCY_MS", "20",
                "SIMULATOR_ERROR_RATE", "0.1", "SIMULATOR_SEED", "99", "SIMULATOR_HOST", "",
                "SIMULATOR_CHUNK_DELAY_MS", "40");

        SimulatorOptions options = CommandLine.parse(new String[] {"--port", "9300"}, env);

        assertEquals(9300, options.port());
        assertEquals(Duration.ofMillis(20), options.latency());
        assertEquals(0.1, options.errorRate());
        assertEquals(99, options.seed());
        assertEquals(Duration.ofMillis(40), options.chunkDelay());
        assertEquals("127.0.0.1", options.host(), "a blank variable counts as unset");
    }

    @Test
    void shouldNameAnUnknownOption() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--verbose"}, Map.of()));

        assertEquals("unknown option --verbose", error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--verbose", "--port", "--port=http", "--port=70000", "--latency-ms=-5",
            "--error-rate=1.5", "--error-rate=NaN", "--chunk-delay-ms=-1", "--event-loops=0", "8090"})
    void shouldRejectUnknownOrInvalidOptions(String arg) {
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[] {arg}, Map.of()));
    }

    @Test
    void shouldStartFromTheArgumentsAndPrintWhereItListens() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        try (ProviderSimulator simulator = ProviderSimulator.launch(new String[] {"--port", "0"}, Map.of(),
                new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            String line = printed.toString(StandardCharsets.UTF_8).strip();
            assertTrue(line.startsWith("provider-simulator listening on " + simulator.baseUrl()), line);
            assertTrue(simulator.port() > 0);
            assertEquals(simulator.baseUrl() + "/openai/v1", simulator.openAiBaseUrl());

            SimClient client = new SimClient(simulator.baseUrl());
            HttpResponse<String> health = client.send(client.request("/_sim/health").GET());
            assertEquals(200, health.statusCode());
        }
    }
}
