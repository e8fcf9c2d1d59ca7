package io.apimeter.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One simulator with default options per test class, and a client for it. */
abstract class SimulatorTest {
    static ProviderSimulator simulator;
    static SimClient client;

    @BeforeAll
    static void startSimulator() {
        simulator = ProviderSimulator.start();
        client = new SimClient(simulator.baseUrl());
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }
}
