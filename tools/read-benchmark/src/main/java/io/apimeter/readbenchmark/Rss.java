package io.apimeter.readbenchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident memory of a process ({@code VmRSS} of {@code /proc/<pid>/status}), sampled every
 * {@link #EVERY_MS} ms on a thread of its own while an export runs: an export that streams keeps the recorder's
 * memory flat however many rows it sends; one that gathers them grows with them.
 */
final class Rss implements AutoCloseable {
    static final long EVERY_MS = 100;

    private final long pid;
    private final Thread sampler;
    private volatile boolean stop;
    private volatile long maxKb;

    /** Starts sampling at once. */
    Rss(long pid) {
        this.pid = pid;
        this.maxKb = kb(pid);
        this.sampler = new Thread(this::sample, "rss-" + pid);
        sampler.setDaemon(true);
        sampler.start();
    }

    /** VmRSS in KiB; -1 when the process is gone or has none (a kernel thread, a zombie). */
    static long kb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Whether the process exists and has a resident set. */
    static boolean readable(long pid) {
        return kb(pid) >= 0;
    }

    private void sample() {
        while (!stop) {
            maxKb = Math.max(maxKb, kb(pid));
            try {
                Thread.sleep(EVERY_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The highest sample so far, KiB. */
    long maxKb() {
        return maxKb;
    }

    /** Stops sampling, after one last sample. */
    @Override
    public void close() {
        stop = true;
        sampler.interrupt();
        try {
            sampler.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        maxKb = Math.max(maxKb, kb(pid));
    }

    /** KiB as MiB with one decimal; {@code -} for none. */
    static String mib(long kb) {
        return kb < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f", kb / 1024.0);
    }
}
