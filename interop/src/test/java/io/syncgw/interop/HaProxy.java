package io.syncgw.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A real HAProxy (Debian package {@code haproxy}) in front of gateway nodes, running the project's shipped
 * configuration {@code ops/haproxy/syncgw.cfg} with its {@code ${...}} values set through the environment: the
 * cluster test checks the configuration operators get, not a test-only one.
 */
public final class HaProxy implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private HaProxy(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Balances 127.0.0.1:{@code port} over the two node ports. */
    public static HaProxy start(int port, int node1, int node2) {
        InteropEnv.require("haproxy");
        Path cfg = InteropEnv.repoRoot().resolve("ops").resolve("haproxy").resolve("syncgw.cfg");
        if (!Files.isRegularFile(cfg)) {
            throw new IllegalStateException("missing " + cfg);
        }
        Path log = InteropEnv.buildDir().resolve("gateway-logs").resolve("haproxy-" + LocalDateTime.now()
                .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + ".log");
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(List.of("haproxy", "-db", "-f", cfg.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().put("SYNCGW_LB_BIND", "127.0.0.1:" + port);
            pb.environment().put("SYNCGW_NODE1", "127.0.0.1:" + node1);
            pb.environment().put("SYNCGW_NODE2", "127.0.0.1:" + node2);
            HaProxy h = new HaProxy(pb.start(), port, log);
            h.awaitListening(Duration.ofSeconds(20));
            return h;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited with " + process.exitValue() + "; log " + log);
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                if (s.isConnected()) {
                    return;
                }
            } catch (IOException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("haproxy not listening on " + port + " within " + timeout + "; log " + log);
    }

    /** What the clients are given: the load balancer's SyncML URL. */
    public String syncUrl() {
        return "http://127.0.0.1:" + port + "/sync";
    }

    public Path logFile() {
        return log;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
