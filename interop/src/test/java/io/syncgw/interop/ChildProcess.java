package io.syncgw.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command to completion with a hard timeout: output (stdout and stderr merged) goes to a file,
 * and a command that overruns is sent SIGTERM, then SIGKILL, together with its descendants. {@link #start} runs it
 * in the background for callers that act on it meanwhile (e.g. signal it), then {@link Running#await}.
 */
final class ChildProcess {

    /**
     * @param exitCode the exit code, -1 when killed after the timeout
     * @param timedOut true when the command overran and was killed
     * @param output   everything it printed (UTF-8, malformed bytes replaced)
     * @param elapsed  wall-clock time
     */
    record Finished(int exitCode, boolean timedOut, String output, Duration elapsed) {
    }

    private ChildProcess() {
    }

    /**
     * @param command    program and arguments
     * @param env        variables to set; a null value removes the variable from the inherited environment
     * @param outputFile receives stdout+stderr (overwritten)
     */
    static Finished run(List<String> command, Map<String, String> env, Path workDir, Path outputFile,
                        Duration timeout) {
        return start(command, env, workDir, outputFile).await(timeout);
    }

    /**
     * Starts a command without waiting for it, for callers that must act while it runs (e.g. send it a signal);
     * {@link Running#await} then waits with the same hard timeout as {@link #run}.
     */
    static Running start(List<String> command, Map<String, String> env, Path workDir, Path outputFile) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(outputFile.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        long t0 = System.nanoTime();
        try {
            return new Running(command, pb.start(), outputFile, t0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** A started command; {@link #await} it exactly once. */
    static final class Running {
        private final List<String> command;
        private final Process process;
        private final Path outputFile;
        private final long startNanos;

        private Running(List<String> command, Process process, Path outputFile, long startNanos) {
            this.command = command;
            this.process = process;
            this.outputFile = outputFile;
            this.startNanos = startNanos;
        }

        long pid() {
            return process.pid();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** Time since the start. */
        Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startNanos);
        }

        /** Waits until the command ends or {@code timeout} (counted from its start) has passed, then kills it. */
        Finished await(Duration timeout) {
            boolean timedOut = false;
            int exit;
            try {
                long left = timeout.toNanos() - (System.nanoTime() - startNanos);
                if (process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    exit = process.exitValue();
                } else {
                    timedOut = true;
                    kill(process.toHandle(), Duration.ofSeconds(5));
                    exit = -1;
                }
            } catch (InterruptedException e) {
                kill(process.toHandle(), Duration.ofSeconds(5));
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + command, e);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            String output;
            try {
                output = new String(Files.readAllBytes(outputFile), StandardCharsets.UTF_8);
            } catch (IOException e) {
                output = "(cannot read " + outputFile + ": " + e + ")";
            }
            return new Finished(exit, timedOut, output, elapsed);
        }
    }

    /** SIGTERM to the process and its descendants; SIGKILL to whatever is still alive after {@code grace}. */
    static void kill(ProcessHandle process, Duration grace) {
        List<ProcessHandle> all = new java.util.ArrayList<>(process.descendants().toList());
        all.add(0, process);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : all) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (Exception e) {
                // still alive: handled below
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }
}
