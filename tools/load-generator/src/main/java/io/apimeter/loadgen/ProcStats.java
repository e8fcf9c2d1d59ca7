package io.apimeter.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Memory and CPU time of processes and of the machine, read from Linux's {@code /proc}. */
final class ProcStats {
    /** Clock ticks per second of {@code /proc/<pid>/stat}'s CPU times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {
    }

    /** Memory of a process in MB: PSS (shared pages split among sharers) and RSS; -1 when unreadable. */
    record Memory(double pssMb, double rssMb) {
        static final Memory UNKNOWN = new Memory(-1, -1);
    }

    static Memory memory(long pid) {
        if (pid <= 0) {
            return Memory.UNKNOWN;
        }
        return new Memory(kilobytes(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:") / 1024.0,
                kilobytes(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:") / 1024.0);
    }

    /** User plus system CPU time the process has used, in seconds; -1 when unreadable. */
    static double cpuSeconds(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double ownCpuSeconds() {
        return cpuSeconds(ProcessHandle.current().pid());
    }

    /** Busy and total jiffies of all cores together (first line of {@code /proc/stat}); null when unreadable. */
    static long[] machineTicks() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] fields = line.trim().split("\\s+");
            long total = 0;
            // user nice system idle iowait irq softirq steal (guest time is already inside user)
            for (int i = 1; i <= 8 && i < fields.length; i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Share (0 to 1) of all cores that were busy between two {@link #machineTicks()} readings; NaN if unknown. */
    static double busyShare(long[] before, long[] after) {
        if (before == null || after == null || after[1] <= before[1]) {
            return Double.NaN;
        }
        return (double) (after[0] - before[0]) / (after[1] - before[1]);
    }

    /** The 1-minute load average, NaN when unreadable. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static long kilobytes(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: the process ended, or it is not ours
        }
        return -1024;
    }
}
