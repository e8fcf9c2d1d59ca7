package io.apimeter.simulator;

import io.apimeter.simulator.http.Router;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.Map;

/** The simulator's own routes under {@code /_sim}: health and the recorded requests. */
final class ControlRoutes {

    private ControlRoutes() {
    }

    static void register(Router router, RequestLog log) {
        router.control(HttpMethod.GET, "/_sim/health", exchange -> exchange.respondJson(200, Map.of("status", "UP")));
        router.control(HttpMethod.GET, "/_sim/requests", exchange -> exchange.respondJson(200, log.snapshot()));
        router.control(HttpMethod.DELETE, "/_sim/requests", exchange -> {
            log.clear();
            exchange.respond(204, null, Buffer.buffer());
        });
    }
}
