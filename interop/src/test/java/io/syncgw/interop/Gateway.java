package io.syncgw.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * The gateway under test, {@code <repo>/gateway/target/syncgw.jar}, run as a child process:
 *
 * <pre>
 *   java -jar syncgw.jar serve --port P --db-url r2dbc:postgresql://...     ({@link #startWithDbUrl})
 *   java -jar syncgw.jar serve --port P --data-dir DIR                      ({@link #startWithDataDir})
 * </pre>
 *
 * Its stdout and stderr go to {@code interop/target/gateway-logs/<name>-<time>.log}. {@code start} returns once
 * that log shows a line containing {@code syncgw ready} and {@code GET /healthz} answers 200 (at most
 * {@link #START_TIMEOUT}); {@link #stop()} sends SIGTERM and waits. The jar must have been built before
 * ({@code mvn -B verify} or {@code mvn -B -DskipTests package} at the repository root); the run uses a private
 * copy of it ({@link #runJar()}), so a rebuild during the run does not disturb it.
 */
public final class Gateway implements AutoCloseable {

    /** Longest wait for the ready line and a healthy {@code /healthz}. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** The line (part) the gateway logs once it serves. */
    public static final String READY_MARKER = "syncgw ready";

    private static Path snapshot;

    private final List<String> storageArgs;
    private final int port;
    private final Path log;
    private final Process process;
    private final int adminPort;
    /** The admin API's bearer token every gateway started here is given. */
    public static final String ADMIN_TOKEN = "interop-admin-token-0123456789abcdef";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Gateway(List<String> storageArgs, int port, Path log, Process process, int adminPort) {
        this.adminPort = adminPort;
        this.storageArgs = storageArgs;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts the gateway on a free port against an existing database, e.g. {@link TestDatabase#r2dbcUrl()}. */
    public static Gateway startWithDbUrl(String name, String dbUrl) {
        return start(name, List.of("--db-url", dbUrl));
    }

    /**
     * Starts one node of a cluster on {@code port}: {@code --node-id nodeId} and {@code --advertise-url} its own
     * address, against the shared database. A restarted node takes the same port (a load balancer's backend).
     */
    public static Gateway startNode(String name, String dbUrl, int port, String nodeId) {
        return startNode(name, dbUrl, port, nodeId, "20s");
    }

    /** As {@link #startNode(String, String, int, String)}, draining for {@code drainGrace} (e.g. "0s") on SIGTERM. */
    public static Gateway startNode(String name, String dbUrl, int port, String nodeId, String drainGrace) {
        return start(name, List.of("--db-url", dbUrl), port, List.of("--node-id", nodeId, "--advertise-url",
                "http://127.0.0.1:" + port, "--drain-grace", drainGrace));
    }

    /** A free TCP port on 127.0.0.1 (for nodes and proxies that need their port before they start). */
    public static int reservePort() {
        return freePort();
    }

    /** Starts the gateway on a free port with its own embedded PostgreSQL in {@code dataDir}. */
    public static Gateway startWithDataDir(String name, Path dataDir) {
        return start(name, List.of("--data-dir", dataDir.toAbsolutePath().toString()));
    }

    /**
     * {@code <repo>/gateway/target/syncgw.jar}, or the jar named by the system property {@code syncgw.interop.jar}
     * (to test another build); fails loudly when it does not exist.
     */
    public static Path jar() {
        String override = System.getProperty("syncgw.interop.jar");
        Path jar = override != null && !override.isBlank() ? Path.of(override).toAbsolutePath()
                : InteropEnv.repoRoot().resolve("gateway").resolve("target").resolve("syncgw.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build the gateway first "
                    + "(mvn -B verify, or mvn -B -DskipTests package, at the repository root)");
        }
        return jar;
    }

    /**
     * A private copy of {@link #jar()} taken once per test JVM ({@code interop/target/syncgw-under-test/}), which
     * every gateway and {@code user add} of the run uses: other people rebuild {@code gateway/target/syncgw.jar}
     * while a suite runs, and a JVM whose jar is rewritten under it fails with {@code NoClassDefFoundError}. A copy
     * caught half-written (not a readable jar) is taken again, for up to two minutes.
     */
    public static synchronized Path runJar() {
        if (snapshot != null) {
            return snapshot;
        }
        Path dir = InteropEnv.buildDir().resolve("syncgw-under-test");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Path source = jar();
            try {
                Files.createDirectories(dir);
                deleteStaleCopies(dir);
                Path copy = dir.resolve("syncgw-" + ProcessHandle.current().pid() + ".jar");
                Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
                try (ZipFile zip = new ZipFile(copy.toFile())) {
                    if (zip.getEntry("META-INF/MANIFEST.MF") == null) {
                        throw new IOException("no manifest");
                    }
                }
                snapshot = copy;
                return copy;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("cannot take a readable copy of " + source
                            + " (is it being rebuilt?)", e);
                }
                sleep(2000);
            }
        }
    }

    /** Removes the copies of test JVMs that have ended. */
    private static void deleteStaleCopies(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if (n.matches("syncgw-\\d+\\.jar")) {
                    long pid = Long.parseLong(n.substring("syncgw-".length(), n.length() - ".jar".length()));
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static Gateway start(String name, List<String> storageArgs) {
        return start(name, storageArgs, freePort(), List.of());
    }

    private static Gateway start(String name, List<String> storageArgs, int port, List<String> extraArgs) {
        Path jar = runJar();
        int adminPort = freePort();
        Path logDir = InteropEnv.buildDir().resolve("gateway-logs");
        Path log = logDir.resolve(name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern(
                "yyyyMMdd-HHmmss-SSS")) + ".log");
        List<String> cmd = new ArrayList<>(List.of(InteropEnv.javaExecutable().toString(), "-jar", jar.toString(),
                "serve", "--port", Integer.toString(port),
                // each gateway its own admin port: suites and nodes run side by side on one machine
                "--admin-port", Integer.toString(adminPort), "--admin-token", ADMIN_TOKEN));
        cmd.addAll(storageArgs);
        cmd.addAll(extraArgs);
        Process p;
        try {
            Files.createDirectories(logDir);
            Files.writeString(log, "# " + String.join(" ", cmd) + System.lineSeparator(), StandardCharsets.UTF_8);
            p = new ProcessBuilder(cmd).directory(InteropEnv.buildDir().toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
        Gateway gw = new Gateway(storageArgs, port, log, p, adminPort);
        try {
            gw.awaitReady();
        } catch (RuntimeException | Error e) {
            gw.stop();
            throw e;
        }
        return gw;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        boolean ready = false;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited with " + process.exitValue()
                        + " before it was ready; log " + log + ":\n" + logTail());
            }
            if (!ready) {
                ready = logText().contains(READY_MARKER);
            }
            if (ready && healthz() == 200) {
                return;
            }
            sleep(100);
        }
        throw new IllegalStateException("the gateway was not ready within " + START_TIMEOUT.toSeconds()
                + " s (ready line '" + READY_MARKER + "' " + (ready ? "seen" : "NOT seen")
                + ", GET /healthz != 200); log " + log + ":\n" + logTail());
    }

    /** Status code of {@code GET /healthz}, or -1 when the request failed. */
    public int healthz() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(baseUri().resolve("/healthz"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Creates an account: {@code java -jar syncgw.jar user add LOGIN --password PW} plus the same storage
     * option the gateway was started with; fails unless it exits 0.
     */
    public void userAdd(String login, String password) {
        List<String> cmd = new ArrayList<>(List.of(InteropEnv.javaExecutable().toString(), "-jar",
                runJar().toString(), "user", "add", login, "--password", password));
        cmd.addAll(storageArgs);
        Path out = log.resolveSibling(log.getFileName().toString().replace(".log", "") + "-user-add-" + login
                + ".log");
        ChildProcess.Finished f = ChildProcess.run(cmd, Map.of(), InteropEnv.buildDir(), out, Duration.ofSeconds(60));
        if (f.exitCode() != 0) {
            throw new AssertionError("'syncgw user add " + login + "' failed (exit " + f.exitCode()
                    + (f.timedOut() ? ", killed after 60 s" : "") + "):\n" + f.output());
        }
    }

    /** An answer of the admin API. */
    public record AdminAnswer(int status, String body) {
    }

    /** A request to the admin API ({@code /api/...} on the admin port) with the bearer token; body JSON or null. */
    public AdminAnswer admin(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new AdminAnswer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT/sync}: the SyncML endpoint the clients use. */
    public String syncUrl() {
        return baseUri().resolve("/sync").toString();
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** The file receiving the gateway's stdout and stderr. */
    public Path logFile() {
        return log;
    }

    /** The last part of the gateway's log, for failure messages. */
    public String logTail() {
        return InteropEnv.tail(logText(), 8000);
    }

    /** Kills the process at once (SIGKILL): a node that dies in the middle of a session. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGTERM and waits up to 30 s (then SIGKILL, also to any child the gateway left behind).
     *
     * @return the exit code (SIGTERM without a handler typically gives 143)
     */
    public int stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    ChildProcess.kill(process.toHandle(), Duration.ofSeconds(5));
                }
            } catch (InterruptedException e) {
                ChildProcess.kill(process.toHandle(), Duration.ZERO);
                Thread.currentThread().interrupt();
            }
        }
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private String logText() {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
