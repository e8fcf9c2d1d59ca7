package io.apimeter.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.apimeter.simulator.elevenlabs.ElevenLabsRoutes;
import io.apimeter.simulator.http.FaultInjector;
import io.apimeter.simulator.http.Json;
import io.apimeter.simulator.http.ProviderRoutes;
import io.apimeter.simulator.http.Router;
import io.apimeter.simulator.openai.OpenAiRoutes;
import io.apimeter.simulator.smartflo.SmartfloCalls;
import io.apimeter.simulator.smartflo.SmartfloRoutes;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An HTTP server that speaks the AI providers' APIs (OpenAI under {@code /openai/v1}, ElevenLabs under
 * {@code /elevenlabs/v1}, Smartflo under {@code /smartflo/v1}), so the gateway can be run and tested without
 * internet. Start it in a test with {@code ProviderSimulator.start(SimulatorOptions.defaults())}
 * and close it afterwards, or run it as a process with {@code java -jar provider-simulator.jar --port 8090}.
 */
public final class ProviderSimulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProviderSimulator.class.getName());
    private static final long START_TIMEOUT_SECONDS = 30;
    private static final long STOP_TIMEOUT_SECONDS = 10;

    private final Vertx vertx;
    private final RequestLog requestLog;
    private final SmartfloCalls calls;
    private final String baseUrl;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ProviderSimulator(Vertx vertx, RequestLog requestLog, SmartfloCalls calls, String host, int port) {
        this.vertx = vertx;
        this.requestLog = requestLog;
        this.calls = calls;
        this.port = port;
        this.baseUrl = "http://" + urlHost(host) + ":" + port;
    }

    /** Starts a simulator with the default options: 127.0.0.1, a free port, no latency, no errors. */
    public static ProviderSimulator start() {
        return start(SimulatorOptions.defaults());
    }

    /**
     * Starts a simulator and returns once it accepts connections. Call it from a plain thread, not an event loop.
     *
     * @throws IllegalStateException when it cannot listen, e.g. because the port is taken
     */
    public static ProviderSimulator start(SimulatorOptions options) {
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(options.eventLoops())
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                // Serves no files: no classpath cache directory (.vertx) in the working directory.
                .setFileSystemOptions(new FileSystemOptions()
                        .setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        RequestLog requestLog = new RequestLog();
        SmartfloCalls calls = new SmartfloCalls();
        Router router = new Router(vertx,
                new FaultInjector(options.latency(), options.chunkDelay(), options.errorRate(), options.seed()),
                requestLog::add);
        providers(calls).forEach(router::provider);
        ControlRoutes.register(router, requestLog, calls, vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(ControlRoutes.WEBHOOK_TIMEOUT_MS)));
        try {
            // One server per event loop sharing one port. Vert.x binds port 0 anew for each server, but a negative
            // port once, at a free port shared by all servers asking for that same negative port.
            int bindPort = options.port() == 0 ? -1 : options.port();
            int port = await(deploy(vertx, router, options.host(), bindPort, options.eventLoops()));
            return new ProviderSimulator(vertx, requestLog, calls, options.host(), port);
        } catch (RuntimeException e) {
            closeQuietly(vertx);
            throw new IllegalStateException(
                    "Cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
    }

    /** The provider APIs served, each under its own path prefix. A new provider is one more entry here. */
    private static List<ProviderRoutes> providers(SmartfloCalls calls) {
        return List.of(new OpenAiRoutes(), new ElevenLabsRoutes(), new SmartfloRoutes(calls));
    }

    /** The port it listens on (the real one when started with port 0). */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>} (or the host it was bound to, when that is not a wildcard). */
    public String baseUrl() {
        return baseUrl;
    }

    /** The base URL an OpenAI client uses: {@code baseUrl() + "/openai/v1"}. */
    public String openAiBaseUrl() {
        return baseUrl + OpenAiRoutes.PREFIX;
    }

    /** The base URL an ElevenLabs client uses: {@code baseUrl() + "/elevenlabs/v1"}. */
    public String elevenLabsBaseUrl() {
        return baseUrl + ElevenLabsRoutes.PREFIX;
    }

    /** The base URL of Smartflo's API: {@code baseUrl() + "/smartflo/v1"}. */
    public String smartfloBaseUrl() {
        return baseUrl + SmartfloRoutes.PREFIX;
    }

    /**
     * The call-ended record (CDR) Smartflo would post to its webhook for a call placed on this simulator with
     * {@code POST /smartflo/v1/click_to_call}, ending now after {@code billedSeconds} of talk, as JSON:
     * {@code {"call_id", "uuid", "call_status", "billsec", "duration", "start_stamp", "end_stamp", "agent_number",
     * "destination_number", ...}}. The call stays known, so it can be completed again (a resent or corrected record).
     * From then on Smartflo keeps the call's record with these billed seconds (the last completion's): its call
     * records API ({@code GET /smartflo/v1/call/records?call_id=..}) answers it. Nothing is posted to any webhook: a
     * test that does not post the returned record itself plays a record Smartflo never delivered; a call never
     * completed has no record at all.
     *
     * @throws IllegalArgumentException when no such call was placed here, or billedSeconds is negative
     */
    public String completeCall(String callId, long billedSeconds) {
        try {
            return Json.MAPPER.writeValueAsString(calls.complete(callId, billedSeconds));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the call record as JSON", e);
        }
    }

    /** The last {@value RequestLog#CAPACITY} provider requests received, oldest first. */
    public List<RecordedRequest> requests() {
        return requestLog.snapshot();
    }

    /** Forgets the recorded requests. */
    public void clearRequests() {
        requestLog.clear();
    }

    /** Stops listening and releases the event loops; calling it again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(vertx);
        }
    }

    /** Runs the simulator until the process is stopped (SIGTERM or Ctrl-C). */
    public static void main(String[] args) {
        if (CommandLine.wantsHelp(args)) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        ProviderSimulator simulator;
        try {
            simulator = launch(args, System.getenv(), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("provider-simulator: " + e.getMessage());
            System.err.print(CommandLine.USAGE);
            System.exit(2);
            return;
        } catch (IllegalStateException e) {
            System.err.println("provider-simulator: " + e.getMessage());
            System.exit(1);
            return;
        }
        // The event loop threads keep the JVM alive; the hook lets SIGTERM close the server cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "provider-simulator-shutdown"));
    }

    /** Parses the arguments, starts the simulator and prints the line that tells it is ready. */
    static ProviderSimulator launch(String[] args, Map<String, String> env, PrintStream out) {
        SimulatorOptions options = CommandLine.parse(args, env);
        ProviderSimulator simulator = start(options);
        out.println("provider-simulator listening on " + simulator.baseUrl()
                + " (latency " + options.latency().toMillis() + " ms, chunk delay " + options.chunkDelay().toMillis()
                + " ms, error rate " + options.errorRate()
                + ", seed " + options.seed() + ")");
        out.flush();
        return simulator;
    }

    private static Future<Integer> deploy(Vertx vertx, Router router, String host, int port, int instances) {
        HttpServerOptions serverOptions = new HttpServerOptions().setHost(host).setPort(port);
        List<ServerVerticle> verticles = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> {
                    ServerVerticle verticle = new ServerVerticle(serverOptions, router);
                    verticles.add(verticle);
                    return verticle;
                }, new DeploymentOptions().setInstances(instances))
                .map(id -> {
                    int actualPort = verticles.get(0).actualPort;
                    for (ServerVerticle verticle : verticles) {
                        if (verticle.actualPort != actualPort) {
                            throw new IllegalStateException("servers listen on different ports");
                        }
                    }
                    return actualPort;
                });
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException(cause.getMessage() != null ? cause.getMessage() : cause.toString(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("not started within " + START_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
    }

    private static void closeQuietly(Vertx vertx) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "Provider simulator did not stop cleanly", e);
        }
    }

    private static String urlHost(String host) {
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** One HTTP server on one event loop; Vert.x spreads connections over the instances sharing a port. */
    private static final class ServerVerticle extends AbstractVerticle {

        private final HttpServerOptions options;
        private final Router router;
        private volatile int actualPort;

        ServerVerticle(HttpServerOptions options, Router router) {
            this.options = options;
            this.router = router;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(options)
                    .requestHandler(router)
                    .listen()
                    .onSuccess(server -> {
                        actualPort = server.actualPort();
                        started.complete();
                    })
                    .onFailure(started::fail);
        }
    }
}
