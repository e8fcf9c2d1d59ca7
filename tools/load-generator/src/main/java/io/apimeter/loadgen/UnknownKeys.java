package io.apimeter.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the gateway's memory under random platform keys: sends N chat completions, each with a different,
 * well-formed but unknown {@code amk_} key, as fast as the gateway answers them with a bounded number in flight,
 * and prints how the answers ended and, before and after, the gateway's heap after a full collection
 * ({@code jcmd <pid> GC.run}), its resident memory and its caches' sizes. Every answer should be 401.
 *
 * <pre>
 * java -cp tools/load-generator/target/load-generator.jar io.apimeter.loadgen.UnknownKeys \
 *     --gateway http://127.0.0.1:8080 --keys 1000000 --in-flight 64 --gateway-pid $GW
 * </pre>
 */
public final class UnknownKeys {
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private UnknownKeys() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new TreeMap<>(Map.of("--gateway", "http://127.0.0.1:8080", "--keys", "1000000",
                "--in-flight", "64", "--gateway-pid", "0"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!options.containsKey(args[i])) {
                System.err.println("unknown-keys: unknown option " + args[i] + "; known: " + options.keySet());
                System.exit(2);
            }
            options.put(args[i], args[i + 1]);
        }
        URI gateway = URI.create(options.get("--gateway"));
        if (!"127.0.0.1".equals(gateway.getHost()) && !"localhost".equals(gateway.getHost())) {
            System.err.println("unknown-keys: --gateway must be on the loopback interface");
            System.exit(2);
        }
        long keys = Long.parseLong(options.get("--keys"));
        int inFlight = Integer.parseInt(options.get("--in-flight"));
        long pid = Long.parseLong(options.get("--gateway-pid"));

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        System.out.println("before: " + memory(http, gateway, pid));
        Semaphore slots = new Semaphore(inFlight);
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        SecureRandom random = new SecureRandom();
        URI chat = gateway.resolve("/openai/v1/chat/completions");
        long start = System.nanoTime();
        for (long i = 0; i < keys; i++) {
            slots.acquire();
            HttpRequest request = HttpRequest.newBuilder(chat).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer amk_" + text(random, 8) + "_" + text(random, 40))
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((answer, failure) -> {
                String outcome = failure != null ? failure.getClass().getSimpleName()
                        : String.valueOf(answer.statusCode());
                outcomes.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
                slots.release();
            });
            if ((i + 1) % 100_000 == 0) {
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("%,d keys sent in %.0f s (%.0f/s); %s%n", i + 1, seconds, (i + 1) / seconds,
                        memory(http, gateway, 0));
            }
        }
        slots.acquire(inFlight);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%,d unknown keys in %.0f s (%.0f/s); answers: %s%n", keys, seconds, keys / seconds,
                new TreeMap<>(outcomes));
        System.out.println("after: " + memory(http, gateway, pid));
    }

    private static String text(SecureRandom random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    /** The gateway's heap (after a full collection when its pid is given), resident memory and cache sizes. */
    private static String memory(HttpClient http, URI gateway, long pid) throws IOException, InterruptedException {
        if (pid > 0) {
            Process gc = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.run").redirectErrorStream(true).start();
            gc.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            gc.waitFor(60, TimeUnit.SECONDS);
        }
        String metrics = http.send(HttpRequest.newBuilder(gateway.resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double heap = sum(metrics, "jvm_memory_used_bytes{area=\"heap\"");
        String rss = "";
        if (pid > 0) {
            rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> ", RSS " + l.substring(6).trim()).findFirst()
                    .orElse("");
        }
        return String.format("heap used %.1f MB%s, unknown keys held %.0f, known keys held %.0f",
                heap / 1e6, rss, sum(metrics, "apimeter_gateway_directory_absent_entries{cache=\"api-key\""),
                sum(metrics, "apimeter_gateway_directory_entries{cache=\"api-key\""));
    }

    private static double sum(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
