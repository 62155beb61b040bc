package io.syncgw.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One headless SyncEvolution 2.0 SyncML client ({@code syncevolution --daemon=no}), with every bit of its state
 * in its own directory:
 *
 * <pre>
 *   DIR/data/{contacts,calendar,tasks}/   the file backend: one item per file, file name = LUID
 *   DIR/config, DIR/cache, DIR/share      XDG_CONFIG_HOME / XDG_CACHE_HOME / XDG_DATA_HOME (config, anchors, maps)
 *   DIR/home                              HOME
 *   DIR/logs/SyncEvolution-peer@client-YYYY-MM-DD-HH-MM[-a..]/   the running session's directory (see README.md)
 *   DIR/logs/done/NNNN-SyncEvolution-peer@client-.../              finished sessions, numbered in order
 *   DIR/last-sync.out                     console output of the latest session (also copied into its log dir)
 * </pre>
 *
 * The client is configured as {@code peer@client} with {@code --template none}, so every property is explicit:
 * {@link #configure(Config)} (again at any time; anchors survive), then {@link #sync(SyncMode, String...)}.
 * No D-Bus session, keyring or X11 is used.
 *
 * <p>Debian 12's client crashes on its first HTTP request (a NULL libcurl callback). Every session therefore
 * runs with an {@code LD_PRELOAD} shim, {@code curl-callback-fix.c} next to this class, compiled once with gcc
 * into {@code interop/target/syncevolution-shim/}. Missing {@code syncevolution} or {@code gcc} fails loudly.
 */
public final class SyncEvolutionClient {

    /** Hard limit for one session; the client is killed after it. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    /** The datastores the file backend is configured for. */
    public static final List<String> DATASTORES = List.of("contacts", "calendar", "tasks");

    private static final String PEER = "peer@client";
    private static final String SHIM_RESOURCE = "curl-callback-fix.c";
    private static final Pattern SOURCE_STATUS = Pattern.compile("source-(.+)-status");
    private static Path shim;

    private final Path dir;
    private Config config;
    private Duration timeout = DEFAULT_TIMEOUT;

    private SyncEvolutionClient(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * A client in a fresh, empty directory: whatever was in {@code dir} is deleted first. Fails when
     * {@code syncevolution} or {@code gcc} is not installed.
     */
    public static SyncEvolutionClient fresh(Path dir) {
        InteropEnv.require("syncevolution");
        curlFixLibrary(); // fail early, before any test data is written
        InteropEnv.deleteRecursively(dir);
        SyncEvolutionClient client = new SyncEvolutionClient(dir);
        try {
            for (String sub : List.of("home", "config", "cache", "share", "logs")) {
                Files.createDirectories(client.dir.resolve(sub));
            }
            for (String ds : DATASTORES) {
                Files.createDirectories(client.dataDir(ds));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return client;
    }

    /** A fresh client in {@code interop/target/interop-clients/GROUP/NAME} (kept after the run for its logs). */
    public static SyncEvolutionClient fresh(String group, String name) {
        return fresh(InteropEnv.buildDir().resolve("interop-clients").resolve(group).resolve(name));
    }

    /** Starts a configuration; see {@link Config.Builder} for the defaults. */
    public static Config.Builder config(String serverUrl) {
        return new Config.Builder(serverUrl);
    }

    /**
     * Writes (or rewrites) the {@code peer@client} configuration. Sync anchors and the LUID map survive a
     * reconfiguration, as with {@code syncevolution --configure} by hand.
     */
    public SyncEvolutionClient configure(Config config) {
        List<String> cmd = new ArrayList<>(List.of(
                InteropEnv.require("syncevolution").toString(), "--daemon=no", "--configure", "--template", "none",
                "keyring=no",
                "syncURL=" + config.serverUrl(),
                "username=" + config.user(),
                "password=" + config.password(),
                "deviceId=" + config.deviceId(),
                "clientAuthType=" + config.auth().value,
                "enableWBXML=" + (config.wbxml() ? 1 : 0),
                "SyncMLVersion=" + config.syncMlVersion(),
                "maxMsgSize=" + config.maxMsgSize(),
                "maxObjSize=" + config.maxObjSize(),
                "loglevel=" + config.loglevel(),
                "logdir=" + logsDir(),
                "maxlogdirs=100",
                "printChanges=0",
                "dumpData=0",
                "preventSlowSync=0",
                "enableRefreshSync=1",
                "PeerName=syncgw-interop"));
        for (String ds : DATASTORES) {
            String syncFormat = config.syncFormats().getOrDefault(ds, "");
            cmd.add(ds + "/backend=file");
            cmd.add(ds + "/database=file://" + dataDir(ds));
            cmd.add(ds + "/databaseFormat=" + config.databaseFormats().get(ds));
            cmd.add(ds + "/uri=" + config.uris().getOrDefault(ds, ds));
            cmd.add(ds + "/syncFormat=" + syncFormat);
            cmd.add(ds + "/forceSyncFormat=" + (syncFormat.isEmpty() ? 0 : 1));
            cmd.add(ds + "/sync=" + (config.sources().contains(ds) ? "two-way" : "disabled"));
        }
        config.extra().forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.add(PEER);
        cmd.addAll(DATASTORES);
        ChildProcess.Finished f = ChildProcess.run(cmd, environment(), dir, dir.resolve("last-configure.out"),
                Duration.ofSeconds(60));
        if (f.exitCode() != 0) {
            throw new IllegalStateException("syncevolution --configure failed (exit " + f.exitCode() + "):\n"
                    + f.output());
        }
        this.config = config;
        return this;
    }

    /** Changes the hard per-session timeout (default {@link #DEFAULT_TIMEOUT}). */
    public SyncEvolutionClient timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout);
        return this;
    }

    /**
     * Runs one session: {@code syncevolution --daemon=no --run --sync MODE peer@client SOURCES...}.
     *
     * @param sources datastores to sync; none = all enabled in the config
     */
    public SyncResult sync(SyncMode mode, String... sources) {
        return sync(mode, Map.of(), sources);
    }

    /**
     * Runs one session with sync properties overridden for this session only ({@code --run key=value}), e.g.
     * {@code Map.of("password", "wrong")} or {@code Map.of("loglevel", "5")}.
     */
    public SyncResult sync(SyncMode mode, Map<String, String> overrides, String... sources) {
        List<String> cmd = syncCommand(mode, overrides, sources);
        Set<String> before = sessionDirNames();
        ChildProcess.Finished f = ChildProcess.run(cmd, environment(), dir, dir.resolve("last-sync.out"), timeout);
        return result(f, before, null);
    }

    /**
     * Runs one session and interrupts it the way a user does: one SIGINT (Ctrl-C) once the client has received
     * the reply of round trip {@code afterRoundTrips}, i.e. once its message dump
     * {@code syncevolution-log_trmNNN_*_incoming.xml} with NNN &ge; {@code afterRoundTrips} exists (so the loglevel
     * must be 4 or more). SyncEvolution then finishes the round trip in flight, sends a last message with only
     * the header's Status and exits 1 with status 20032 ("explicitly suspended"); its next session asks the
     * server to resume (Alert 225). A second SIGINT within 2 s would abort hard, so exactly one is sent.
     *
     * <p>The client runs under {@code env --default-signal=INT}: a child started from a JVM that itself ignores
     * SIGINT (Maven in the background, a CI runner) inherits "ignored", and the signal would do nothing.
     *
     * <p>The result's console ends with a {@code [harness]} line saying when the signal was sent, or that the
     * session ended before round trip {@code afterRoundTrips} (then nothing was sent).
     */
    public SyncResult syncInterrupted(SyncMode mode, int afterRoundTrips, String... sources) {
        return syncInterrupted(mode, afterRoundTrips, Map.of(), sources);
    }

    /** {@link #syncInterrupted(SyncMode, int, String...)} with per-session overrides. */
    public SyncResult syncInterrupted(SyncMode mode, int afterRoundTrips, Map<String, String> overrides,
                                      String... sources) {
        int loglevel = overrides.containsKey("loglevel") ? Integer.parseInt(overrides.get("loglevel"))
                : config().loglevel();
        if (loglevel < 4) {
            throw new IllegalStateException("syncInterrupted needs loglevel >= 4 (it watches the message dumps)");
        }
        if (afterRoundTrips < 1) {
            throw new IllegalArgumentException("afterRoundTrips must be >= 1");
        }
        List<String> cmd = new ArrayList<>(List.of(InteropEnv.require("env").toString(), "--default-signal=INT"));
        cmd.addAll(syncCommand(mode, overrides, sources));
        Set<String> before = sessionDirNames();
        ChildProcess.Running p = ChildProcess.start(cmd, environment(), dir, dir.resolve("last-sync.out"));
        String note;
        Pattern reply = Pattern.compile("syncevolution-log_trm(\\d{3})_\\d+_incoming\\.xml");
        while (true) {
            int seen = lastRoundTrip(before, reply);
            if (seen >= afterRoundTrips) {
                note = signal(p.pid(), "INT") ? "SIGINT sent to pid " + p.pid() + " after the reply of round trip "
                        + seen + " had arrived, " + p.elapsed().toMillis() + " ms into the session"
                        : "sending SIGINT to pid " + p.pid() + " failed (the client had already ended?)";
                break;
            }
            if (!p.isAlive() || p.elapsed().compareTo(timeout) >= 0) {
                note = "SIGINT NOT sent: the session ended (or timed out) after round trip " + seen
                        + ", before round trip " + afterRoundTrips;
                break;
            }
            sleepMillis(10);
        }
        ChildProcess.Finished f = p.await(timeout);
        return result(f, before, note);
    }

    private List<String> syncCommand(SyncMode mode, Map<String, String> overrides, String... sources) {
        if (config == null) {
            throw new IllegalStateException("configure() the client before syncing");
        }
        List<String> cmd = new ArrayList<>(List.of(InteropEnv.require("syncevolution").toString(),
                "--daemon=no", "--run", "--sync", mode.syncEvolutionName()));
        new TreeMap<>(overrides).forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.add(PEER);
        cmd.addAll(List.of(sources));
        return cmd;
    }

    /** Builds the result of a finished session from its new log directory; {@code harnessNote} goes to its end. */
    private SyncResult result(ChildProcess.Finished f, Set<String> before, String harnessNote) {
        String console = harnessNote == null ? f.output() : f.output() + "\n[harness] " + harnessNote + "\n";
        Path session = newestSessionDir(before);
        Integer status = null;
        Map<String, SyncResult.SourceResult> results = Map.of();
        if (session != null) {
            try {
                // SyncEvolution suffixes the directories of sessions started within one minute -a, -b, ... and runs out
                // of ASCII after -z (a name the JVM cannot open in the ASCII locale of CI): a finished session's
                // directory moves out of its sight, so the next one starts again without a suffix
                Path done = Files.createDirectories(logsDir().resolve("done"));
                long n;
                try (Stream<Path> finished = Files.list(done)) {
                    n = finished.count() + 1;
                }
                session = Files.move(session, done.resolve(String.format(Locale.ROOT, "%04d-%s", n,
                        session.getFileName())));
                Files.writeString(session.resolve("console.txt"), console, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path ini = session.resolve("status.ini");
            if (Files.isRegularFile(ini)) {
                Map<String, String> kv = readIni(ini);
                status = parseInt(kv.get("status"));
                results = sourceResults(kv);
            }
        }
        return new SyncResult(f.exitCode(), f.timedOut(), status, results, session, console, f.elapsed());
    }

    /** The highest round trip NNN of a {@code pattern} file in the session started after {@code before}, or 0. */
    private int lastRoundTrip(Set<String> before, Pattern pattern) {
        Path session = newestSessionDir(before);
        if (session == null) {
            return 0;
        }
        int max = 0;
        try (Stream<Path> files = Files.list(session)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = pattern.matcher(file.getFileName().toString());
                if (m.matches()) {
                    max = Math.max(max, Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            return max; // the directory is being written; the next poll sees it
        }
        return max;
    }

    /** {@code kill -SIG pid}; true when kill succeeded. */
    private static boolean signal(long pid, String signal) {
        try {
            Process k = new ProcessBuilder(InteropEnv.require("kill").toString(), "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return k.waitFor() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code syncevolution --print-config} of this client, for debugging. */
    public String printConfig() {
        List<String> cmd = List.of(InteropEnv.require("syncevolution").toString(), "--daemon=no",
                "--print-config", "--quiet", PEER);
        return ChildProcess.run(cmd, environment(), dir, dir.resolve("last-print-config.out"),
                Duration.ofSeconds(60)).output();
    }

    /** The instance directory. */
    public Path dir() {
        return dir;
    }

    /** The file backend's contacts directory: one file per item, the file name is the item's LUID. */
    public Path contactsDir() {
        return dataDir("contacts");
    }

    /** The file backend's directory of a datastore ({@code contacts}, {@code calendar}, {@code tasks}). */
    public Path dataDir(String datastore) {
        return dir.resolve("data").resolve(datastore);
    }

    /** Where the per-session log directories are created. */
    public Path logsDir() {
        return dir.resolve("logs");
    }

    /** The configuration last applied, or null. */
    public Config config() {
        return config;
    }

    @Override
    public String toString() {
        return "SyncEvolutionClient[" + dir + (config == null ? "" : ", device " + config.deviceId()) + "]";
    }

    // ---------------------------------------------------------------------------------------------------------

    private Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", dir.resolve("home").toString());
        env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        env.put("XDG_DATA_HOME", dir.resolve("share").toString());
        env.put("LC_ALL", "C.UTF-8");
        env.put("DBUS_SESSION_BUS_ADDRESS", null);
        env.put("DISPLAY", null);
        String preload = System.getenv("LD_PRELOAD");
        env.put("LD_PRELOAD", curlFixLibrary() + (preload == null || preload.isEmpty() ? "" : ":" + preload));
        return env;
    }

    private Set<String> sessionDirNames() {
        try (Stream<Path> s = Files.list(logsDir())) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Session dirs are named ...-YYYY-MM-DD-HH-MM with -a, -b, ... appended when several start in a minute. */
    private Path newestSessionDir(Set<String> before) {
        TreeSet<String> created = new TreeSet<>(sessionDirNames());
        created.removeAll(before);
        return created.isEmpty() ? null : logsDir().resolve(created.last());
    }

    private static Map<String, String> readIni(Path ini) {
        Map<String, String> kv = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(ini, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    kv.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kv;
    }

    private static Map<String, SyncResult.SourceResult> sourceResults(Map<String, String> kv) {
        Map<String, SyncResult.SourceResult> out = new TreeMap<>();
        for (String key : kv.keySet()) {
            Matcher m = SOURCE_STATUS.matcher(key);
            if (!m.matches()) {
                continue;
            }
            String p = "source-" + m.group(1) + "-";
            out.put(m.group(1), new SyncResult.SourceResult(
                    Objects.requireNonNullElse(parseInt(kv.get(p + "status")), -1),
                    kv.getOrDefault(p + "mode", ""),
                    parseLong(kv.get(p + "stat-local-added-total")),
                    parseLong(kv.get(p + "stat-local-updated-total")),
                    parseLong(kv.get(p + "stat-local-removed-total")),
                    parseLong(kv.get(p + "stat-remote-added-total")),
                    parseLong(kv.get(p + "stat-remote-updated-total")),
                    parseLong(kv.get(p + "stat-remote-removed-total"))));
        }
        return out;
    }

    private static Integer parseInt(String s) {
        return s == null || s.isEmpty() ? null : Integer.valueOf(s);
    }

    private static long parseLong(String s) {
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }

    /**
     * Compiles the LD_PRELOAD work-around once per source version into
     * {@code interop/target/syncevolution-shim/<hash>/curl-callback-fix.so} and returns its path.
     */
    static synchronized Path curlFixLibrary() {
        if (shim != null) {
            return shim;
        }
        byte[] source;
        try (InputStream in = SyncEvolutionClient.class.getResourceAsStream(SHIM_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + SHIM_RESOURCE + " missing next to "
                        + SyncEvolutionClient.class.getName());
            }
            source = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path cache = InteropEnv.buildDir().resolve("syncevolution-shim").resolve(hash);
        Path so = cache.resolve("curl-callback-fix.so");
        if (!Files.isRegularFile(so)) {
            Path gcc = InteropEnv.require("gcc");
            try {
                Files.createDirectories(cache);
                Path c = cache.resolve(SHIM_RESOURCE);
                Files.write(c, source);
                Path tmp = cache.resolve("curl-callback-fix.so.tmp");
                ChildProcess.Finished f = ChildProcess.run(
                        List.of(gcc.toString(), "-O2", "-Wall", "-shared", "-fPIC", "-o", tmp.toString(),
                                c.toString(), "-ldl", "-lpthread"),
                        Map.of(), cache, cache.resolve("gcc.out"), Duration.ofSeconds(120));
                if (f.exitCode() != 0 || !Files.isRegularFile(tmp)) {
                    throw new IllegalStateException("cannot compile the SyncEvolution curl work-around " + c
                            + " (exit " + f.exitCode() + "); " + InteropEnv.INSTALL_HINT + "\n" + f.output());
                }
                Files.move(tmp, so, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        shim = so;
        return so;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** {@code clientAuthType}: how the first session authenticates. */
    public enum Auth {
        /** {@code syncml:auth-md5} from the first message on (SyncEvolution's default). */
        MD5("md5"),
        /** {@code syncml:auth-basic}; SyncEvolution switches to md5 when the server challenges with md5. */
        BASIC("basic");

        private final String value;

        Auth(String value) {
            this.value = value;
        }
    }

    /**
     * A client configuration. Build one with {@link SyncEvolutionClient#config(String)}.
     *
     * @param databaseFormats per datastore the format of the files on disk ({@code databaseFormat}):
     *                        contacts {@code text/vcard} (3.0) or {@code text/x-vcard} (2.1); calendar/tasks
     *                        {@code text/calendar} or {@code text/x-vcalendar}
     * @param syncFormats     per datastore a forced wire format ({@code syncFormat} + {@code forceSyncFormat=1})
     * @param uris            per datastore the Target LocURI sent (default: the datastore name)
     * @param sources         datastores enabled (two-way); the others are {@code disabled}
     * @param syncMlVersion   {@code SyncMLVersion}: "1.2", "1.1", "1.0" or "" (auto = 1.2)
     * @param extra           any other SyncEvolution property, applied last
     */
    public record Config(String serverUrl, String user, String password, String deviceId, Auth auth,
                         boolean wbxml, int maxMsgSize, int maxObjSize, Map<String, String> databaseFormats,
                         Map<String, String> syncFormats, Map<String, String> uris, Set<String> sources,
                         String syncMlVersion, int loglevel, Map<String, String> extra) {

        public Config {
            databaseFormats = Collections.unmodifiableMap(new LinkedHashMap<>(databaseFormats));
            syncFormats = Collections.unmodifiableMap(new LinkedHashMap<>(syncFormats));
            uris = Collections.unmodifiableMap(new LinkedHashMap<>(uris));
            sources = Collections.unmodifiableSet(new LinkedHashSet<>(sources));
            extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }

        /** A builder pre-filled with this configuration, to derive a variant. */
        public Builder toBuilder() {
            Builder b = new Builder(serverUrl).user(user).password(password).deviceId(deviceId).auth(auth)
                    .wbxml(wbxml).maxMsgSize(maxMsgSize).maxObjSize(maxObjSize).syncMlVersion(syncMlVersion)
                    .loglevel(loglevel).sources(sources.toArray(String[]::new));
            b.databaseFormats.putAll(databaseFormats);
            b.syncFormats.putAll(syncFormats);
            b.uris.putAll(uris);
            b.extra.putAll(extra);
            return b;
        }

        /**
         * Defaults: user/password {@code test}/{@code test}, md5 auth, XML, MaxMsgSize 150000, MaxObjSize 4000000,
         * contacts {@code text/vcard}, calendar and tasks {@code text/calendar}, only {@code contacts} enabled,
         * SyncML auto (1.2), loglevel 4 (HTML log plus an XML dump of every message). The device id must be set.
         */
        public static final class Builder {
            private final String serverUrl;
            private String user = "test";
            private String password = "test";
            private String deviceId;
            private Auth auth = Auth.MD5;
            private boolean wbxml;
            private int maxMsgSize = 150_000;
            private int maxObjSize = 4_000_000;
            private final Map<String, String> databaseFormats = new LinkedHashMap<>(Map.of(
                    "contacts", "text/vcard", "calendar", "text/calendar", "tasks", "text/calendar"));
            private final Map<String, String> syncFormats = new LinkedHashMap<>();
            private final Map<String, String> uris = new LinkedHashMap<>();
            private Set<String> sources = new LinkedHashSet<>(List.of("contacts"));
            private String syncMlVersion = "";
            private int loglevel = 4;
            private final Map<String, String> extra = new LinkedHashMap<>();

            Builder(String serverUrl) {
                this.serverUrl = Objects.requireNonNull(serverUrl);
            }

            public Builder user(String user) {
                this.user = user;
                return this;
            }

            public Builder password(String password) {
                this.password = password;
                return this;
            }

            /** {@code deviceId}: sent as SyncHdr/Source/LocURI and DevInf/DevID. */
            public Builder deviceId(String deviceId) {
                this.deviceId = deviceId;
                return this;
            }

            public Builder auth(Auth auth) {
                this.auth = auth;
                return this;
            }

            /** true: WBXML ({@code application/vnd.syncml+wbxml}); false (default): XML. */
            public Builder wbxml(boolean wbxml) {
                this.wbxml = wbxml;
                return this;
            }

            /** Announced MaxMsgSize; SyncEvolution raises values below 10240 to 10240. */
            public Builder maxMsgSize(int maxMsgSize) {
                this.maxMsgSize = maxMsgSize;
                return this;
            }

            public Builder maxObjSize(int maxObjSize) {
                this.maxObjSize = maxObjSize;
                return this;
            }

            /** {@code text/vcard} (vCard 3.0 files) or {@code text/x-vcard} (vCard 2.1 files). */
            public Builder contactsFormat(String databaseFormat) {
                return databaseFormat("contacts", databaseFormat);
            }

            public Builder databaseFormat(String datastore, String databaseFormat) {
                databaseFormats.put(datastore, databaseFormat);
                return this;
            }

            /** Forces the wire format of a datastore, e.g. {@code ("contacts", "text/x-vcard")}. */
            public Builder syncFormat(String datastore, String format) {
                syncFormats.put(datastore, format);
                return this;
            }

            /** The Target LocURI sent for a datastore, e.g. {@code ("contacts", "./addressbook")}. */
            public Builder uri(String datastore, String uri) {
                uris.put(datastore, uri);
                return this;
            }

            /** The datastores synced by default ({@code contacts}, {@code calendar}, {@code tasks}). */
            public Builder sources(String... datastores) {
                for (String d : datastores) {
                    if (!DATASTORES.contains(d)) {
                        throw new IllegalArgumentException("unknown datastore " + d + "; known: " + DATASTORES);
                    }
                }
                this.sources = new LinkedHashSet<>(List.of(datastores));
                return this;
            }

            /** "1.2", "1.1", "1.0", or "" for SyncEvolution's automatic choice (1.2). */
            public Builder syncMlVersion(String version) {
                this.syncMlVersion = version;
                return this;
            }

            /** 1 = errors only, 3 = debug log, 4 = plus XML dump of each message, 5 = plus raw wire bytes. */
            public Builder loglevel(int loglevel) {
                this.loglevel = loglevel;
                return this;
            }

            /** Any other SyncEvolution property, e.g. {@code set("RetryInterval", "30")}. */
            public Builder set(String property, String value) {
                extra.put(property, value);
                return this;
            }

            public Config build() {
                if (deviceId == null || deviceId.isBlank()) {
                    throw new IllegalStateException("deviceId must be set");
                }
                return new Config(serverUrl, user, password, deviceId, auth, wbxml, maxMsgSize, maxObjSize,
                        databaseFormats, syncFormats, uris, sources, syncMlVersion, loglevel, extra);
            }
        }
    }
}
