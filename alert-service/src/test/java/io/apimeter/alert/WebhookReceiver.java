package io.apimeter.alert;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 that receives webhook deliveries: it records each request and answers with
 * the statuses queued for its path, then 200.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as received, with header names in lower case, and the status it was answered with. */
    record Received(String method, Map<String, String> headers, byte[] body, int answered) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final Map<String, Deque<Integer>> answers = new HashMap<>();
    private final Map<String, List<Received>> received = new HashMap<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/", receiver::handle);
            server.setExecutor(Executors.newFixedThreadPool(2));
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the webhook receiver", e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The next requests to {@code path} are answered with these statuses, in order; later ones with 200. */
    synchronized void answer(String path, int... statuses) {
        Deque<Integer> queue = answers.computeIfAbsent(path, p -> new ArrayDeque<>());
        for (int status : statuses) {
            queue.add(status);
        }
    }

    synchronized List<Received> received(String path) {
        return List.copyOf(received.getOrDefault(path, List.of()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                String.join(",", values)));
        String path = exchange.getRequestURI().getPath();
        int status;
        synchronized (this) {
            Deque<Integer> queue = answers.get(path);
            status = queue == null || queue.isEmpty() ? 200 : queue.poll();
            received.computeIfAbsent(path, p -> new ArrayList<>())
                    .add(new Received(exchange.getRequestMethod(), headers, body, status));
        }
        byte[] answer = (status < 300 ? "ok" : "failed").getBytes();
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
