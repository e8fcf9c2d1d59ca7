package io.apimeter.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {

    @Test
    void shouldReadTheBenchmarkFlags() {
        Options options = CommandLine.parse(new String[] {"--api-key", "amk_x", "--rates=500,1000,2000",
                "--duration", "20s", "--warmup=500ms", "--stream", "both", "--connections", "32",
                "--max-rate-search", "--gateway-pid", "4242", "--direct", "http://localhost:9999/openai/v1/"},
                Map.of());

        assertEquals(List.of(500, 1000, 2000), options.rates());
        assertEquals(Duration.ofSeconds(20), options.duration());
        assertEquals(Duration.ofMillis(500), options.warmup());
        assertEquals(List.of(false, true), options.modes());
        assertEquals(32, options.connections());
        assertTrue(options.search());
        assertEquals(4242, options.gatewayPid());
        assertEquals("http://127.0.0.1:8080/openai/v1/chat/completions", Target.gateway(options).chatUri().toString());
        assertEquals("http://localhost:9999/openai/v1/chat/completions", Target.direct(options).chatUri().toString());
        assertEquals("Bearer amk_x", Target.gateway(options).authorization());
    }

    @Test
    void shouldTakeTheApiKeyFromTheEnvironment() {
        Options options = CommandLine.parse(new String[] {"--rates", "none"}, Map.of("LOADGEN_API_KEY", "amk_env"));

        assertEquals("amk_env", options.apiKey());
        assertEquals(List.of(), options.rates());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--gateway=http://10.0.0.8:8080/openai/v1", "--direct=https://api.openai.com/v1",
            "--rates=500,fast", "--rates=0", "--duration=0s", "--duration=2h", "--stream=maybe", "--connections=0",
            "--verbose", "--rates"})
    void shouldRefuseRemoteTargetsAndBadValues(String arg) {
        assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--api-key", "amk_x", arg}, Map.of()));
    }

    @Test
    void shouldRequireAnApiKey() {
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(new String[0], Map.of()));
    }
}
