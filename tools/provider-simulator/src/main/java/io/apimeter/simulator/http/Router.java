package io.apimeter.simulator.http;

import io.apimeter.simulator.RecordedRequest;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Dispatches requests to provider routes (recorded, fault-injected) and control routes (neither).
 * Routes are registered before the server starts and never change afterwards.
 */
public final class Router implements Handler<HttpServerRequest> {

    /** Largest request body accepted; anything bigger is answered with 413. */
    public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(Router.class.getName());

    private final Vertx vertx;
    private final FaultInjector faults;
    private final Consumer<RecordedRequest> recorder;
    private final List<ProviderRoutes> providers = new ArrayList<>();
    private final List<Route> providerRoutes = new ArrayList<>();
    private final List<Route> controlRoutes = new ArrayList<>();

    public Router(Vertx vertx, FaultInjector faults, Consumer<RecordedRequest> recorder) {
        this.vertx = vertx;
        this.faults = faults;
        this.recorder = recorder;
    }

    /** Mounts a provider's routes under its prefix. */
    public Router provider(ProviderRoutes provider) {
        String prefix = provider.pathPrefix();
        providers.add(provider);
        provider.register((method, path, handler) ->
                providerRoutes.add(new Route(method, new PathTemplate(prefix + path), handler, provider)));
        return this;
    }

    /** A route of the simulator itself (absolute path): neither recorded nor fault-injected. */
    public Router control(HttpMethod method, String path, RouteHandler handler) {
        controlRoutes.add(new Route(method, new PathTemplate(path), handler, null));
        return this;
    }

    @Override
    public void handle(HttpServerRequest request) {
        BodyCollector collector = new BodyCollector(request);
        request.handler(collector);
        request.endHandler(collector::end);
    }

    private void dispatch(HttpServerRequest request, Buffer body) {
        String path = request.path();
        boolean control = path.startsWith("/_sim/");
        if (!control) {
            recorder.accept(record(request, body));
        }
        List<Route> candidates = control ? controlRoutes : providerRoutes;
        Route pathMatch = null;
        for (Route route : candidates) {
            Map<String, String> params = route.template().match(path);
            if (params == null) {
                continue;
            }
            if (route.method().equals(request.method())) {
                run(route, new Exchange(vertx, request, body, params));
                return;
            }
            pathMatch = route;
        }
        Exchange exchange = new Exchange(vertx, request, body, Map.of());
        ProviderRoutes provider = pathMatch != null ? pathMatch.provider() : providerOf(path);
        if (pathMatch != null) {
            exchange.responseHeader("allow", allowedMethods(candidates, path));
        }
        int status = pathMatch != null ? 405 : 404;
        String message = pathMatch != null
                ? "Method " + request.method() + " is not allowed on " + path + "."
                : "Invalid URL (" + request.method() + " " + path + ")";
        if (provider != null) {
            provider.respondError(exchange, status, message, null);
        } else if (pathMatch != null) {
            exchange.respondJson(status, new SimError("method_not_allowed", message));
        } else {
            List<String> prefixes = providers.stream().map(ProviderRoutes::pathPrefix).toList();
            exchange.respondJson(status, new SimError("not_found", "No route for " + request.method() + " " + path
                    + ". Provider APIs live under " + String.join(", ", prefixes) + "; the simulator's own under /_sim."));
        }
    }

    private void run(Route route, Exchange exchange) {
        if (route.provider() == null) {
            invoke(route, exchange);
            return;
        }
        FaultInjector.Plan plan;
        try {
            plan = faults.plan(exchange);
        } catch (InvalidRequestException e) {
            route.provider().respondError(exchange, 400, e.getMessage(), e.param());
            return;
        }
        exchange.streamPlan(plan.stream());
        if (plan.delayMs() > 0) {
            vertx.setTimer(plan.delayMs(), id -> answer(route, exchange, plan));
        } else {
            answer(route, exchange, plan);
        }
    }

    private void answer(Route route, Exchange exchange, FaultInjector.Plan plan) {
        if (exchange.isDone()) {
            return; // the client gave up while we waited
        }
        if (plan.close()) {
            exchange.abort();
        } else if (plan.status() != 0) {
            route.provider().respondError(exchange, plan.status(), null, null);
        } else {
            invoke(route, exchange);
        }
    }

    private void invoke(Route route, Exchange exchange) {
        try {
            route.handler().handle(exchange);
        } catch (InvalidRequestException e) {
            respondError(route, exchange, 400, e.getMessage(), e.param());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Route " + route.method() + " " + route.template() + " failed", e);
            respondError(route, exchange, 500, "The simulator failed on this request: " + e, null);
        }
    }

    private static void respondError(Route route, Exchange exchange, int status, String message, String param) {
        if (route.provider() != null) {
            route.provider().respondError(exchange, status, message, param);
        } else {
            exchange.respondJson(status, new SimError(status == 400 ? "bad_request" : "internal_error", message));
        }
    }

    private ProviderRoutes providerOf(String path) {
        for (ProviderRoutes provider : providers) {
            String prefix = provider.pathPrefix();
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return provider;
            }
        }
        return null;
    }

    private static String allowedMethods(List<Route> routes, String path) {
        List<String> methods = new ArrayList<>();
        for (Route route : routes) {
            if (route.template().match(path) != null) {
                methods.add(route.method().name());
            }
        }
        return String.join(", ", methods);
    }

    private static RecordedRequest record(HttpServerRequest request, Buffer body) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            headers.merge(header.getKey().toLowerCase(Locale.ROOT), header.getValue(), (a, b) -> a + ", " + b);
        }
        return new RecordedRequest(request.method().name(), request.path(), request.query(), headers,
                body.toString(StandardCharsets.UTF_8), Instant.now());
    }

    private record Route(HttpMethod method, PathTemplate template, RouteHandler handler, ProviderRoutes provider) {
    }

    /** Gathers the body up to {@link #MAX_BODY_BYTES}, then dispatches. */
    private final class BodyCollector implements Handler<Buffer> {

        private final HttpServerRequest request;
        private Buffer body;
        private boolean tooLarge;

        BodyCollector(HttpServerRequest request) {
            this.request = request;
        }

        @Override
        public void handle(Buffer chunk) {
            if (tooLarge) {
                return;
            }
            if (body == null) {
                body = Buffer.buffer(chunk.length());
            }
            if (body.length() + chunk.length() > MAX_BODY_BYTES) {
                tooLarge = true;
                body = null;
                request.response().setStatusCode(413)
                        .putHeader("content-type", "application/json")
                        .putHeader("connection", "close")
                        .end(Json.encode(new SimError("payload_too_large",
                                "The request body is larger than " + MAX_BODY_BYTES + " bytes.")))
                        .onComplete(done -> request.connection().close());
                return;
            }
            body.appendBuffer(chunk);
        }

        void end(Void ignored) {
            if (!tooLarge) {
                dispatch(request, body != null ? body : Buffer.buffer());
            }
        }
    }
}
