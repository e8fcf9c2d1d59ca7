package io.apimeter.loadgen;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Sends chat completions to one target at a fixed rate, open loop: request {@code i} is due at
 * {@code start + i / rate} whether or not earlier ones have been answered, and its latency is measured from
 * that due time to the last byte of its answer. A request that waits for a free connection or for a slow
 * answer therefore counts all of its wait, so a stalled server cannot hide behind fewer requests sent
 * (no coordinated omission).
 *
 * <p>One scheduling thread (the caller's) sleeps until each due time and hands the due requests to one Vert.x
 * event loop, which owns all the bookkeeping of the phase; the histograms are only touched there.
 */
final class FixedRateRun implements AutoCloseable {
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int MAX_BATCH = 256;

    private final Options options;
    private final Vertx vertx;
    private final HttpClient client;
    private final Context context;
    private final Map<String, String> firstErrorMessages = new HashMap<>();
    private final Consumer<String> errorLog;

    FixedRateRun(Options options, Consumer<String> errorLog) {
        this.options = options;
        this.errorLog = errorLog;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1).setPreferNativeTransport(false));
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(300)
                        .setTcpNoDelay(true)
                        .setDecompressionSupported(false)
                        .setConnectTimeout((int) options.timeout().toMillis()),
                new PoolOptions().setHttp1MaxSize(options.connections()).setMaxWaitQueueSize(-1));
        this.context = vertx.getOrCreateContext();
    }

    /** The JSON body of every request: a short chat, whole or streamed. */
    static String body(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Say something short about metering.\"}]" + (stream ? ",\"stream\":true" : "") + "}";
    }

    /** The due time of request {@code index}, in {@link System#nanoTime()} terms; never drifts with the index. */
    static long dueNanos(long startNanos, int rate, long index) {
        return startNanos + Math.round(index * (1_000_000_000.0 / rate));
    }

    /** Requests due in a phase of this length at this rate. */
    static long requestCount(int rate, Duration duration) {
        return (long) Math.floor(rate * (duration.toNanos() / 1e9));
    }

    /**
     * Runs one phase and returns once every request is answered or, at the latest, {@code timeout} plus a
     * second after the last due time; a request still open then counts as {@code unfinished}.
     *
     * @param gatewayPid the gateway's process, whose CPU time is read before and after; 0 to skip
     */
    PhaseResult run(Target target, int rate, Duration duration, boolean stream, long gatewayPid) {
        Phase phase = new Phase(target, stream, Buffer.buffer(body(options.model(), stream)));
        long count = requestCount(rate, duration);
        double gatewayCpuBefore = ProcStats.cpuSeconds(gatewayPid);
        double ownCpuBefore = ProcStats.ownCpuSeconds();
        long[] machineBefore = ProcStats.machineTicks();

        long start = System.nanoTime() + START_DELAY_NANOS;
        long index = 0;
        long[] batch = new long[MAX_BATCH];
        while (index < count) {
            long now = System.nanoTime();
            long due = dueNanos(start, rate, index);
            if (due > now) {
                LockSupport.parkNanos(due - now);
                continue;
            }
            int size = 0;
            while (index < count && size < MAX_BATCH && (due = dueNanos(start, rate, index)) <= now) {
                index++;
                if (phase.pending.get() >= options.maxPending()) {
                    phase.dropped.incrementAndGet();
                } else {
                    phase.pending.incrementAndGet();
                    batch[size++] = due;
                }
            }
            if (size > 0) {
                long[] dueTimes = Arrays.copyOf(batch, size);
                context.runOnContext(ignored -> {
                    for (long dueTime : dueTimes) {
                        send(phase, dueTime);
                    }
                });
            }
        }
        long end = start + duration.toNanos();
        long deadline = end + options.timeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
        while (phase.pending.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        CompletableFuture<PhaseResult> result = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            phase.closed = true;
            Map<String, Long> errors = new HashMap<>(phase.errors);
            long dropped = phase.dropped.get();
            if (dropped > 0) {
                errors.put("dropped (generator backlog full)", dropped);
            }
            int unfinished = phase.pending.get();
            if (unfinished > 0) {
                errors.put("unfinished", (long) unfinished);
            }
            double elapsed = (Math.max(end, phase.lastAnswer) - start) / 1e9;
            double gatewayCpuAfter = ProcStats.cpuSeconds(gatewayPid);
            double gatewayCpu = gatewayCpuBefore < 0 || gatewayCpuAfter < 0 ? -1 : gatewayCpuAfter - gatewayCpuBefore;
            result.complete(new PhaseResult(target.name(), rate, count, phase.ok, errors, elapsed, phase.latency,
                    phase.lag, gatewayCpu, ProcStats.busyShare(machineBefore, ProcStats.machineTicks()),
                    ProcStats.ownCpuSeconds() - ownCpuBefore));
        });
        return result.join();
    }

    private void send(Phase phase, long due) {
        if (phase.closed) {
            phase.pending.decrementAndGet();
            return;
        }
        phase.lag.recordNanos(System.nanoTime() - due);
        long timeoutMillis = options.timeout().toMillis();
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(phase.target.chatUri().toString())
                .setHeaders(phase.headers)
                .setConnectTimeout(timeoutMillis)
                .setIdleTimeout(timeoutMillis);
        client.request(request)
                .compose(sent -> sent.send(phase.body))
                .compose(response -> response.body().map(body -> failure(response.statusCode(), body, phase.stream)))
                .onComplete(outcome -> finish(phase, due, outcome));
    }

    /** Null for a good answer, else the kind of error. */
    private static String failure(int status, Buffer body, boolean stream) {
        if (status < 200 || status > 299) {
            return "HTTP " + status;
        }
        if (stream && !body.toString().contains("data: [DONE]")) {
            return "stream without [DONE]";
        }
        return null;
    }

    private void finish(Phase phase, long due, AsyncResult<String> outcome) {
        phase.pending.decrementAndGet();
        if (phase.closed) {
            return;
        }
        long now = System.nanoTime();
        phase.lastAnswer = Math.max(phase.lastAnswer, now);
        String error = outcome.succeeded() ? outcome.result() : kind(outcome.cause());
        if (error == null) {
            phase.ok++;
            phase.latency.recordNanos(now - due);
            return;
        }
        phase.errors.merge(error, 1L, Long::sum);
        if (!firstErrorMessages.containsKey(error)) {
            String detail = outcome.succeeded() ? "" : ": " + outcome.cause();
            firstErrorMessages.put(error, detail);
            errorLog.accept(phase.target.name() + ": first '" + error + "' error" + detail);
        }
    }

    private static String kind(Throwable cause) {
        if (cause instanceof TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "timeout";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        if (cause instanceof HttpClosedException) {
            return "connection closed";
        }
        return cause.getClass().getSimpleName();
    }

    @Override
    public void close() {
        // closing Vert.x closes its clients and their connections
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the JVM exits anyway; nothing is left to measure
        }
    }

    /** The state of one phase; all of it but the counters is only touched on the event loop. */
    private static final class Phase {
        final Target target;
        final boolean stream;
        final Buffer body;
        final MultiMap headers;
        final AtomicInteger pending = new AtomicInteger();
        final AtomicLong dropped = new AtomicLong();
        final LatencyHistogram latency = new LatencyHistogram();
        final LatencyHistogram lag = new LatencyHistogram();
        final Map<String, Long> errors = new HashMap<>();
        long ok;
        long lastAnswer = Long.MIN_VALUE;
        volatile boolean closed;

        Phase(Target target, boolean stream, Buffer body) {
            this.target = target;
            this.stream = stream;
            this.body = body;
            this.headers = MultiMap.caseInsensitiveMultiMap()
                    .add(HttpHeaders.CONTENT_TYPE, "application/json")
                    .add(HttpHeaders.ACCEPT, stream ? "text/event-stream" : "application/json")
                    .add(HttpHeaders.AUTHORIZATION, target.authorization());
        }
    }
}
