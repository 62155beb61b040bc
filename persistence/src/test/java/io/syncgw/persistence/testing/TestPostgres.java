package io.syncgw.persistence.testing;

import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.embedded.EmbeddedDatabase;
import io.syncgw.persistence.schema.Migrator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The real PostgreSQL of the integration tests: one {@link EmbeddedDatabase} per test JVM in a temporary
 * directory, started on first use and stopped (and its directory deleted) when the JVM exits. Each test class
 * takes a database of its own ({@link #freshDatabase()}), so classes do not see each other's rows.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedDatabase shared;

    private TestPostgres() {
    }

    /** The JVM-wide instance. */
    public static synchronized EmbeddedDatabase shared() {
        if (shared == null) {
            Path dir = tempDir("syncgw-it-");
            shared = EmbeddedDatabase.start(dir);
            EmbeddedDatabase db = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                db.close();
                deleteTree(dir);
            }, "test-postgres-shutdown"));
        }
        return shared;
    }

    /** A new, empty database on the shared instance. */
    public static DatabaseConfig freshDatabase() {
        EmbeddedDatabase pg = shared();
        String name = "it_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        jdbc(pg.port(), "postgres", "create database " + name);
        return pg.config().withDatabase(name);
    }

    /** A pool on a new database migrated to the current schema; close it after the test class. */
    public static Database migratedDatabase() {
        Database db = Database.open(freshDatabase());
        new Migrator(db.connectionFactory()).migrate().block(Duration.ofSeconds(60));
        return db;
    }

    /** Runs SQL through JDBC (test set-up only). */
    public static void jdbc(int port, String database, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database
                + "?user=postgres"); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }
}
