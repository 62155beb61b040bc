package io.syncgw.persistence;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the PostgreSQL database is and how to pool connections to it, parsed from the URL given by
 * {@code --db-url} or {@value #ENV_VAR}. Accepted forms (user and password percent-encoded):
 * <pre>
 *   r2dbc:postgresql://user:pass@host:port/db?opt=..     (also r2dbc:postgres:, r2dbc:pool:postgresql:)
 *   postgresql://user:pass@host:port/db?opt=..           (libpq; also postgres://)
 *   jdbc:postgresql://host:port/db?user=..&amp;password=..&amp;opt=..
 * </pre>
 * Port defaults to 5432, database to the user name. Options (unknown ones are refused, so that a typo does not go
 * unnoticed):
 * <table>
 *   <caption>URL options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>user, password</td><td></td><td>when not given before the host</td></tr>
 *   <tr><td>sslmode</td><td>disable</td><td>disable, allow, prefer, require, verify-ca, verify-full</td></tr>
 *   <tr><td>applicationName</td><td>syncgw</td><td>shown in pg_stat_activity</td></tr>
 *   <tr><td>connectTimeout</td><td>10s</td><td>TCP connect timeout; a number is seconds</td></tr>
 *   <tr><td>currentSchema</td><td></td><td>schema to use instead of the search path's first</td></tr>
 *   <tr><td>initialSize</td><td>2</td><td>connections opened when the pool warms up</td></tr>
 *   <tr><td>maxSize</td><td>16</td><td>most connections of this gateway node</td></tr>
 *   <tr><td>maxIdleTime</td><td>30m</td><td>an idle connection is closed after this</td></tr>
 *   <tr><td>maxLifeTime</td><td>1h</td><td>a connection is replaced after this</td></tr>
 *   <tr><td>acquireTimeout</td><td>5s</td><td>waiting longer for a connection means "unavailable"</td></tr>
 *   <tr><td>validationQuery</td><td></td><td>run before a pooled connection is handed out; without it only the
 *     socket is checked</td></tr>
 * </table>
 * Durations are a number with unit ({@code 500ms}, {@code 5s}, {@code 30m}, {@code 1h}) or ISO-8601 ({@code PT5S}).
 * {@link #toString()} does not show the password.
 */
public record DatabaseConfig(String host, int port, String database, String user, String password, String sslMode,
                             String applicationName, Duration connectTimeout, String schema, Pool pool) {

    /** The environment variable holding the URL when {@code --db-url} is not given. */
    public static final String ENV_VAR = "SYNCGW_DB_URL";

    private static final Set<String> SSL_MODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    public DatabaseConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(sslMode, "sslMode");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(pool, "pool");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (!SSL_MODES.contains(sslMode)) {
            throw new IllegalArgumentException("sslmode must be one of " + new TreeSet<>(SSL_MODES) + ": " + sslMode);
        }
    }

    /**
     * Connection pool settings.
     *
     * @param acquireTimeout    how long a caller waits for a free connection before the store reports itself
     *                          unavailable
     * @param validationQuery   run on a connection before it is handed out, or null to check only that its socket is
     *                          open (no round trip)
     */
    public record Pool(int initialSize, int maxSize, Duration maxIdleTime, Duration maxLifeTime,
                       Duration acquireTimeout, String validationQuery) {
        public static final Pool DEFAULT = new Pool(2, 16, Duration.ofMinutes(30), Duration.ofHours(1),
                Duration.ofSeconds(5), null);

        public Pool {
            Objects.requireNonNull(maxIdleTime, "maxIdleTime");
            Objects.requireNonNull(maxLifeTime, "maxLifeTime");
            Objects.requireNonNull(acquireTimeout, "acquireTimeout");
            if (initialSize < 0 || maxSize < 1 || initialSize > maxSize) {
                throw new IllegalArgumentException("need 0 <= initialSize <= maxSize, 1 <= maxSize: initialSize="
                        + initialSize + ", maxSize=" + maxSize);
            }
        }
    }

    /** A configuration with the defaults for everything but the connection target. */
    public static DatabaseConfig of(String host, int port, String database, String user, String password) {
        return new DatabaseConfig(host, port, database, user, password, "disable", "syncgw", Duration.ofSeconds(10),
                null, Pool.DEFAULT);
    }

    /**
     * Parses a database URL (see the class comment).
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static DatabaseConfig parse(String url) {
        Objects.requireNonNull(url, "url");
        String rest = stripScheme(url.strip());
        URI uri;
        try {
            uri = new URI("postgresql://" + rest);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed database URL (" + e.getReason() + "): " + redact(url), e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("database URL has no host (several hosts are not supported): "
                    + redact(url));
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();

        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }

        Map<String, String> options = query(uri.getRawQuery());
        user = take(options, user, "user");
        password = take(options, password, "password");
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("database URL names no user: " + redact(url));
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = path.length() > 1 ? decode(path.substring(1)) : user;

        String sslMode = take(options, "disable", "sslmode", "sslMode").toLowerCase(Locale.ROOT);
        String app = take(options, "syncgw", "applicationName", "ApplicationName", "application_name");
        Duration connectTimeout = duration(take(options, "10", "connectTimeout", "connect_timeout"), "connectTimeout");
        String schema = take(options, null, "currentSchema", "schema");

        Pool d = Pool.DEFAULT;
        Pool pool = new Pool(
                integer(take(options, String.valueOf(d.initialSize()), "initialSize"), "initialSize"),
                integer(take(options, String.valueOf(d.maxSize()), "maxSize"), "maxSize"),
                duration(take(options, "30m", "maxIdleTime"), "maxIdleTime"),
                duration(take(options, "1h", "maxLifeTime"), "maxLifeTime"),
                duration(take(options, "5s", "acquireTimeout", "maxAcquireTime"), "acquireTimeout"),
                take(options, null, "validationQuery"));
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("unknown database URL option(s) " + options.keySet()
                    + "; known: user, password, sslmode, applicationName, connectTimeout, currentSchema, initialSize,"
                    + " maxSize, maxIdleTime, maxLifeTime, acquireTimeout, validationQuery");
        }
        return new DatabaseConfig(host, port, database, user, password, sslMode, app, connectTimeout, schema, pool);
    }

    /** The same target with other pool settings. */
    public DatabaseConfig withPool(Pool newPool) {
        return new DatabaseConfig(host, port, database, user, password, sslMode, applicationName, connectTimeout,
                schema, newPool);
    }

    /** The same server and credentials, another database. */
    public DatabaseConfig withDatabase(String newDatabase) {
        return new DatabaseConfig(host, port, newDatabase, user, password, sslMode, applicationName, connectTimeout,
                schema, pool);
    }

    /** {@code r2dbc:postgresql://user@host:port/db} without password or options, for logs. */
    public String describe() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "r2dbc:postgresql://" + user + "@" + h + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "DatabaseConfig[" + describe() + (password == null ? "" : " (password set)") + ", sslmode=" + sslMode
                + ", pool=" + pool + "]";
    }

    private static String stripScheme(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"r2dbc:pool:postgresql://", "r2dbc:pool:postgres://",
                "r2dbc:postgresql://", "r2dbc:postgres://", "jdbc:postgresql://", "postgresql://", "postgres://"}) {
            if (lower.startsWith(prefix)) {
                return url.substring(prefix.length());
            }
        }
        throw new IllegalArgumentException("not a PostgreSQL URL (expected r2dbc:postgresql://, postgresql://,"
                + " postgres:// or jdbc:postgresql://): " + redact(url));
    }

    /** The URL with anything between "://" and "@" and any password option blanked out. */
    static String redact(String url) {
        String s = url.replaceAll("(?<=://)[^/@]*@", "***@");
        return s.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (out.put(key, value) != null) {
                throw new IllegalArgumentException("database URL option given twice: " + key);
            }
        }
        return out;
    }

    /** Removes the first present alias from {@code options}; {@code fallback} when none is. */
    private static String take(Map<String, String> options, String fallback, String... aliases) {
        String found = null;
        for (String alias : aliases) {
            String v = options.remove(alias);
            if (v != null && found == null) {
                found = v;
            }
        }
        return found != null ? found : fallback;
    }

    private static int integer(String value, String name) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number: " + value, e);
        }
    }

    /** {@code 5} (seconds), {@code 500ms}, {@code 5s}, {@code 30m}, {@code 1h} or ISO-8601 {@code PT5S}. */
    static Duration duration(String value, String name) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            char unit = v.charAt(v.length() - 1);
            if (Character.isDigit(unit)) {
                return Duration.ofSeconds(Long.parseLong(v));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            switch (unit) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                default:
                    throw new IllegalArgumentException(name + ": unknown unit '" + unit + "' in " + value);
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(name + " must be a duration like 500ms, 5s, 30m, 1h or PT5S: "
                    + value, e);
        }
    }

    /** Percent-decoding as in URIs ('+' stays '+', unlike form encoding). */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw new IllegalArgumentException("bad percent-escape (%XX) in database URL");
                }
                out.write(hi * 16 + lo);
                i += 3;
            } else {
                int j = s.indexOf('%', i);
                j = j < 0 ? s.length() : j;
                out.writeBytes(s.substring(i, j).getBytes(StandardCharsets.UTF_8));
                i = j;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
