package io.syncgw.persistence.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One versioned schema script, {@code V<version>__<description>.sql}. Its checksum (SHA-256 of the text with line
 * ends normalised to LF, so a checkout with CRLF does not count as a change) is recorded when it is applied and
 * compared on every later start.
 */
public record MigrationScript(int version, String name, String sql) {

    private static final Pattern NAME = Pattern.compile("V([0-9]+)__([A-Za-z0-9_.-]+)\\.sql");

    public MigrationScript {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sql, "sql");
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive: " + name);
        }
    }

    /** A script from its file name ({@code V3__add_index.sql}) and text. */
    public static MigrationScript of(String fileName, String sql) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            throw new MigrationException("migration script name must look like V<number>__<description>.sql: "
                    + fileName);
        }
        return new MigrationScript(Integer.parseInt(m.group(1)), fileName, sql);
    }

    /** True for names that claim to be migrations ({@code V...sql}), well-formed or not. */
    static boolean looksLikeMigration(String fileName) {
        return fileName.startsWith("V") && fileName.endsWith(".sql");
    }

    /** Hex SHA-256 of the text with CRLF and CR turned into LF. */
    public String checksum() {
        String normalised = sql.replace("\r\n", "\n").replace('\r', '\n');
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(normalised.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
