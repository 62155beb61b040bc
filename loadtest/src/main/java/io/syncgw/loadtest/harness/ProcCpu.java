package io.syncgw.loadtest.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of processes from {@code /proc} (Linux): user + system time of a process, and of a PostgreSQL server
 * (the postmaster, its live children, and the children it has already reaped). Clock ticks are taken as 100 Hz,
 * Linux's USER_HZ on every common architecture.
 */
public final class ProcCpu {
    private static final double TICK = 0.01;

    private ProcCpu() {
    }

    /** CPU seconds (user + system) of process {@code pid} so far, or -1 when it cannot be read. */
    public static double seconds(long pid) {
        long[] f = fields(pid);
        return f == null ? -1 : (f[0] + f[1]) * TICK;
    }

    /**
     * CPU seconds of a PostgreSQL server: the postmaster, every live process whose parent it is (backends, WAL
     * writer, checkpointer...) and what its reaped children used ({@code cutime + cstime}).
     */
    public static double postgresSeconds(long postmasterPid) {
        long[] pm = fields(postmasterPid);
        if (pm == null) {
            return -1;
        }
        double total = (pm[0] + pm[1] + pm[2] + pm[3]) * TICK;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                long[] f = fields(pid);
                if (f != null && f[4] == postmasterPid) {
                    total += (f[0] + f[1]) * TICK;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    /**
     * The whole machine's busy and total CPU seconds so far (all cores, from the first line of {@code /proc/stat}):
     * {busy, total}; busy leaves out idle and iowait. Null when unreadable.
     */
    public static double[] machineSeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new double[] {(total - idle) * TICK, total * TICK};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * CPU seconds (user + system) of the threads of JVM {@code pid} by kind, from {@code /proc/PID/task/TID/}:
     * {JIT compilers (C1 and C2), garbage collector}, or null when unreadable. Thread names are the kernel's
     * (the first 15 characters): "C2 CompilerThre", "GC Thread#0", "G1 Conc#0" and the like. The serial collector
     * (what a JVM picks on one core or under 2 GB) collects on the VM thread: its time counts as neither.
     */
    public static double[] jvmServiceSeconds(long pid) {
        double jit = 0;
        double gc = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String name;
                long[] f;
                try {
                    name = Files.readString(t.resolve("comm")).strip();
                    f = statFields(Files.readString(t.resolve("stat")));
                } catch (IOException | RuntimeException e) {
                    continue; // the thread ended meanwhile
                }
                double s = (f[0] + f[1]) * TICK;
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    jit += s;
                } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                    gc += s;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return new double[] {jit, gc};
    }

    /** Resident set size of {@code pid} in bytes (VmRSS), or -1. */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** utime, stime, cutime, cstime, ppid of a process, or null. */
    private static long[] fields(long pid) {
        try {
            return statFields(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** utime, stime, cutime, cstime, ppid from the text of a {@code stat} file. */
    private static long[] statFields(String stat) {
        // the command name (field 2) may hold spaces and parentheses: split after its closing one
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state): field n is f[n - 3]
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
            Long.parseLong(f[14]), Long.parseLong(f[1])};
    }

    /** The postmaster's PID, from the first line of {@code DATA_DIR/postmaster.pid}; -1 when not found. */
    public static long postmasterPid(Path clusterDir) {
        try {
            return Long.parseLong(Files.readAllLines(clusterDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
