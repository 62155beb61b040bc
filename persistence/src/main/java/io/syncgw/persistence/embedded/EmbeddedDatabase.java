package io.syncgw.persistence.embedded;

import io.syncgw.persistence.DatabaseConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL (17, binaries shipped in the zonky jar) kept in a data directory, for running syncgw without a
 * database server of its own: the cluster lives in {@code DATA_DIR/postgres} and survives restarts (initdb runs
 * only the first time), PostgreSQL listens on 127.0.0.1 on a free port (the previous run's port when it is free)
 * with fsync and synchronous commit on, and
 * syncgw uses the database {@value #DATABASE} (created on first start) as superuser {@code postgres}.
 *
 * <p>If PostgreSQL already runs on that data directory (a gateway is up and {@code syncgw user add} is started
 * next to it), no second one is started: the running one is found through {@code postmaster.pid} and used, and
 * {@link #close()} leaves it running. Start-ups on one data directory are serialised by a file lock
 * ({@code DATA_DIR/.embedded.lock}), across processes and within one.
 *
 * <p><b>Security:</b> the cluster is created with {@code trust} authentication: any process on this host that can
 * open a TCP connection to 127.0.0.1 on that port is superuser of the database, without a password. That is fine
 * for a single-user host or a container; on a shared host, use an external PostgreSQL with passwords
 * ({@code --db-url}). Running as root works: zonky then starts PostgreSQL in a user namespace
 * ({@code unshare -U}), where it runs as an unprivileged user.
 *
 * <p>Starting blocks (seconds; the first start also unpacks the binaries and runs initdb) and uses JDBC to create
 * the database: for start-up and the command line, never on a request path.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** The data directory used when none is given. */
    public static final Path DEFAULT_DATA_DIR = Path.of("syncgw-data");
    /** The database syncgw uses in the embedded cluster. */
    public static final String DATABASE = "syncgw";
    /** The superuser initdb creates. */
    public static final String SUPERUSER = "postgres";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Pattern OPTS_PORT = Pattern.compile("\"-p\" \"([0-9]+)\"");
    /** Guards the file lock within this JVM (a second lock by the same JVM would throw, not wait). */
    private static final Object JVM_LOCK = new Object();

    private final Path dataDir;
    private final int port;
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(Path dataDir, int port, EmbeddedPostgres postgres) {
        this.dataDir = dataDir;
        this.port = port;
        this.postgres = postgres;
    }

    /** {@link #start(Path)} on {@link #DEFAULT_DATA_DIR}. */
    public static EmbeddedDatabase start() {
        return start(DEFAULT_DATA_DIR);
    }

    /**
     * Starts PostgreSQL on {@code dataDir} (created if needed), or connects to the one already running on it.
     *
     * @throws UncheckedIOException when it cannot be started
     */
    public static EmbeddedDatabase start(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        synchronized (JVM_LOCK) {
            try {
                Files.createDirectories(dir);
                try (FileChannel ch = FileChannel.open(dir.resolve(".embedded.lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
                    FileLock lock = ch.lock(); // waits for another process starting on this directory
                    try {
                        return startLocked(dir);
                    } finally {
                        lock.release();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dir + ": "
                        + e.getMessage(), e);
            }
        }
    }

    private static EmbeddedDatabase startLocked(Path dir) throws IOException {
        Path cluster = dir.resolve("postgres");
        Optional<Integer> running = runningPort(cluster);
        if (running.isPresent()) {
            LOG.info("PostgreSQL already runs on {} (port {}); using it", cluster, running.get());
            ensureDatabase(running.get());
            return new EmbeddedDatabase(dir, running.get(), null);
        }
        boolean fresh = !Files.exists(cluster.resolve("PG_VERSION"));
        LOG.info(fresh ? "creating a PostgreSQL cluster in {} (first start)" : "starting PostgreSQL on {}", cluster);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        lastPort(cluster).filter(EmbeddedDatabase::free).ifPresent(builder::setPort);
        EmbeddedPostgres pg = builder
                .setDataDirectory(cluster.toFile())
                .setCleanDataDirectory(false)
                // the owner stops it (close()), after the connections that use it: zonky's own JVM hook would race
                // the gateway's shutdown and cut its pool off mid-close
                .setRegisterShutdownHook(false)
                .setPGStartupWait(STARTUP_WAIT)
                .setServerConfig("listen_addresses", "127.0.0.1")
                // zonky passes -F (fsync off) and synchronous_commit=off for tests; this is a real database
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                // TCP only: no socket file in /tmp
                .setServerConfig("unix_socket_directories", "")
                .start();
        try {
            ensureDatabase(pg.getPort());
        } catch (IOException | RuntimeException e) {
            pg.close();
            throw e;
        }
        LOG.info("PostgreSQL runs on 127.0.0.1:{} with its data in {}", pg.getPort(), cluster);
        return new EmbeddedDatabase(dir, pg.getPort(), pg);
    }

    /** The port of a usable postmaster running on {@code cluster}, waiting for one that is still starting. */
    private static Optional<Integer> runningPort(Path cluster) throws IOException {
        long deadline = System.nanoTime() + STARTUP_WAIT.toNanos();
        while (true) {
            Optional<PostmasterPid> pid = PostmasterPid.read(cluster);
            if (pid.isEmpty() || !pid.get().alive()) {
                return Optional.empty();
            }
            if (pid.get().ready() && accepts(pid.get().port())) {
                return Optional.of(pid.get().port());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("PostgreSQL (pid " + pid.get().pid() + ") on " + cluster + " is "
                        + pid.get().status() + " and does not accept connections on port " + pid.get().port());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for PostgreSQL on " + cluster, e);
            }
        }
    }

    /**
     * The port of the previous run, from {@code postmaster.opts} (PostgreSQL's record of its last command line):
     * reused when free, so that the address stays the same across restarts (and pooled clients reconnect).
     */
    private static Optional<Integer> lastPort(Path cluster) {
        try {
            Matcher m = OPTS_PORT.matcher(Files.readString(cluster.resolve("postmaster.opts")));
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates {@value #DATABASE} unless it exists. */
    private static void ensureDatabase(int port) throws IOException {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName("postgres");
        ds.setUser(SUPERUSER);
        try (Connection c = ds.getConnection()) {
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                ps.setString(1, DATABASE);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            if (!exists) {
                try (Statement st = c.createStatement()) {
                    st.execute("create database " + DATABASE);
                } catch (SQLException e) {
                    if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another process: fine
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot create the database " + DATABASE + " on port " + port + ": "
                    + e.getMessage(), e);
        }
    }

    /** Where syncgw connects: {@code postgres@127.0.0.1:PORT/syncgw}, no password (trust). */
    public DatabaseConfig config() {
        return DatabaseConfig.of("127.0.0.1", port, DATABASE, SUPERUSER, null);
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** True when this object started PostgreSQL (and {@link #close()} stops it). */
    public boolean startedHere() {
        return postgres != null;
    }

    /** Stops PostgreSQL if this object started it (blocks until it is down); otherwise does nothing. */
    @Override
    public void close() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
            LOG.info("PostgreSQL on {} stopped", dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL in " + dataDir, e);
        }
    }
}
