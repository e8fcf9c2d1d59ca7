package io.apimeter.gateway;

import io.apimeter.simulator.ProviderSimulator;
import io.apimeter.simulator.SimulatorOptions;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Runs the provider simulator in the test JVM and points the gateway's upstream URLs at it. */
public class SimulatorTestResource implements QuarkusTestResourceLifecycleManager {
    private static volatile ProviderSimulator simulator;

    public static ProviderSimulator simulator() {
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        if (simulator == null) {
            simulator = ProviderSimulator.start(SimulatorOptions.defaults());
        }
        return Map.of("apimeter.gateway.providers.openai.base-url", simulator.openAiBaseUrl(),
                "apimeter.gateway.providers.openai.timeout", "3s",
                "apimeter.gateway.providers.elevenlabs.base-url", simulator.elevenLabsBaseUrl(),
                "apimeter.gateway.providers.smartflo.base-url", simulator.smartfloBaseUrl());
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }
}
