package io.apimeter.console;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * One WireMock server stands in for the five services (their paths do not overlap); every rest client of the
 * console points at it. Tests stub and verify through {@link #server}.
 */
public class ServicesStub implements QuarkusTestResourceLifecycleManager {

    public static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        String url = server.baseUrl();
        return Map.of(
                "quarkus.rest-client.gateway.url", url,
                "quarkus.rest-client.recorder.url", url,
                "quarkus.rest-client.aggregation.url", url,
                "quarkus.rest-client.quota.url", url,
                "quarkus.rest-client.alert.url", url);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
