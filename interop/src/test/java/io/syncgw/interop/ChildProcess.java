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
 * and a command that overruns is sent SIGTERM, then SIGKILL, together with its descendants.
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
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        boolean timedOut = false;
        int exit;
        try {
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                exit = p.exitValue();
            } else {
                timedOut = true;
                kill(p.toHandle(), Duration.ofSeconds(5));
                exit = -1;
            }
        } catch (InterruptedException e) {
            kill(p.toHandle(), Duration.ofSeconds(5));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + command, e);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        String output;
        try {
            output = new String(Files.readAllBytes(outputFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            output = "(cannot read " + outputFile + ": " + e + ")";
        }
        return new Finished(exit, timedOut, output, elapsed);
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
