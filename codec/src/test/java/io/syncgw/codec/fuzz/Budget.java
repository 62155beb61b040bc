package io.syncgw.codec.fuzz;

import java.lang.management.ManagementFactory;

/**
 * The per-input budget every fuzz target checks besides "no exception": wall time (never loops, never quadratic on
 * what a message may hold) and bytes allocated by the calling thread (bounded allocation: no declared length or
 * reference multiplies the input). The bounds are generous for what the targets do with inputs of a few KB and far
 * below what an amplification (a 2 GB string table, a billion laughs) would cost; the fuzzing JVM's heap (-Xmx) stops
 * anything that gets past them.
 */
final class Budget {
    /** Per input; the first inputs also pay for class loading and (ical4j) time zone data. */
    static final long MAX_MILLIS = 5_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Budget() {
    }

    /**
     * Runs {@code body} and fails when it took longer than {@link #MAX_MILLIS} or allocated more than
     * {@code fixedBytes + perInputByte * inputLength} bytes. An input over budget is run once more and judged by
     * that run: the first run of a new code path pays for loading (and, when fuzzing, instrumenting) its classes.
     */
    static void check(String what, int inputLength, long fixedBytes, long perInputByte, Runnable body) {
        long bound = fixedBytes + perInputByte * inputLength;
        String over = run(inputLength, bound, body);
        if (over != null && (over = run(inputLength, bound, body)) != null) {
            throw new AssertionError(what + ": " + over);
        }
    }

    /** Runs {@code body}; null when within budget, else what was exceeded. */
    private static String run(int inputLength, long bound, Runnable body) {
        long bytes0 = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        body.run();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - bytes0;
        if (millis > MAX_MILLIS) {
            return millis + " ms for an input of " + inputLength + " bytes";
        }
        if (bytes0 >= 0 && allocated > bound) {
            return "allocated " + allocated + " bytes for an input of " + inputLength + " bytes (bound " + bound + ")";
        }
        return null;
    }
}
