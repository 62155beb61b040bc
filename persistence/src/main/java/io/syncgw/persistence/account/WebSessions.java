package io.syncgw.persistence.account;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Result;
import io.syncgw.persistence.Connections;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What the self-service page keeps in the database, so that any gateway node behind a load balancer serves any
 * request: signed-in sessions (table {@code web_session}; the random token of the browser's cookie is stored only
 * as its SHA-256) and failed sign-ins (table {@code web_signin_failure}) for the rate limit. Generating tokens and
 * checking passwords is the caller's (off the event loop).
 */
public final class WebSessions {

    /** A signed-in session: the account, and the token its forms must carry. */
    public record Session(long accountId, String login, String csrf) {
    }

    /** What a sign-in is checked against. */
    public record Credentials(long accountId, String login, String passwordHash) {
    }

    private static final String CREDENTIALS = "select id, login, password_hash from account where login = $1";

    /** Creates a session and drops the sessions that have expired (of every account: cheap, indexed). */
    private static final String CREATE = """
            with expired as (
                delete from web_session where last_seen < now() - $4::bigint * interval '1 second'
                                           or created_at < now() - $5::bigint * interval '1 second'
            )
            insert into web_session (token_hash, account_id, csrf) values ($1, $2, $3)""";

    /** The session if it has not expired, marked as seen now. */
    private static final String TOUCH = """
            update web_session w set last_seen = now() from account a
            where w.token_hash = $1 and a.id = w.account_id
              and w.last_seen >= now() - $2::bigint * interval '1 second'
              and w.created_at >= now() - $3::bigint * interval '1 second'
            returning w.account_id, a.login, w.csrf""";

    private static final String END = "delete from web_session where token_hash = $1";

    /** Per key: failures within the window, and the seconds until the oldest of them leaves it. */
    private static final String FAILURES = """
            select key, count(*) as n,
                   ceil(extract(epoch from min(failed_at) + $2::bigint * interval '1 second' - now()))::bigint as wait
            from web_signin_failure
            where key = any($1::text[]) and failed_at > now() - $2::bigint * interval '1 second'
            group by key""";

    private static final String RECORD_FAILURE = """
            with old as (
                delete from web_signin_failure where failed_at < now() - $2::bigint * interval '1 second'
            )
            insert into web_signin_failure (key) select unnest($1::text[])""";

    private static final String CLEAR_FAILURES = "delete from web_signin_failure where key = $1";

    private final ConnectionFactory factory;
    private final Duration idle;
    private final Duration maxAge;

    /**
     * @param idle   a session without a request for this long has ended
     * @param maxAge a session ends this long after sign-in, whatever happens
     */
    public WebSessions(ConnectionFactory factory, Duration idle, Duration maxAge) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.idle = Objects.requireNonNull(idle, "idle");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    public Duration idle() {
        return idle;
    }

    /** The account a sign-in is checked against; empty when there is none. */
    public Mono<Credentials> credentials(String login) {
        return Connections.withConnection(factory, c -> Flux.from(c.createStatement(CREDENTIALS).bind(0, login)
                        .execute())
                .concatMap(r -> r.map(row -> new Credentials(Objects.requireNonNull(row.get("id", Long.class)),
                        Objects.requireNonNull(row.get("login", String.class)),
                        Objects.requireNonNull(row.get("password_hash", String.class)))))
                .next());
    }

    /** Stores a new session for {@code token} (the cookie's value) with its CSRF token. */
    public Mono<Void> create(String token, long accountId, String csrf) {
        return Connections.withConnection(factory, c -> Flux.from(c.createStatement(CREATE).bind(0, hash(token))
                        .bind(1, accountId).bind(2, csrf).bind(3, idle.toSeconds()).bind(4, maxAge.toSeconds())
                        .execute())
                .concatMap(Result::getRowsUpdated).then());
    }

    /** The live session of {@code token}, marked as used now; empty when unknown or expired. */
    public Mono<Session> touch(String token) {
        if (token == null || token.isEmpty() || token.length() > 200) {
            return Mono.empty();
        }
        return Connections.withConnection(factory, c -> Flux.from(c.createStatement(TOUCH).bind(0, hash(token))
                        .bind(1, idle.toSeconds()).bind(2, maxAge.toSeconds()).execute())
                .concatMap(r -> r.map(row -> new Session(Objects.requireNonNull(row.get("account_id", Long.class)),
                        Objects.requireNonNull(row.get("login", String.class)),
                        Objects.requireNonNull(row.get("csrf", String.class)))))
                .next());
    }

    /** Ends the session of {@code token} (signing out). */
    public Mono<Void> end(String token) {
        if (token == null || token.isEmpty() || token.length() > 200) {
            return Mono.empty();
        }
        return Connections.withConnection(factory, c -> Flux.from(c.createStatement(END).bind(0, hash(token))
                .execute()).concatMap(Result::getRowsUpdated).then());
    }

    /** The rate-limit key of a login (case-insensitive, so that "Alice" and "alice" share it). */
    public static String loginKey(String login) {
        return "login:" + login.toLowerCase(Locale.ROOT);
    }

    public static String addressKey(String address) {
        return "ip:" + address;
    }

    /**
     * How long sign-ins are refused: when one of {@code keys} has {@code limit} failures or more within
     * {@code window}, the time until the oldest of them leaves the window; else {@link Duration#ZERO}.
     */
    public Mono<Duration> blockedFor(List<String> keys, int limit, Duration window) {
        return Connections.withConnection(factory, c -> Flux.from(c.createStatement(FAILURES)
                        .bind(0, keys.toArray(String[]::new)).bind(1, window.toSeconds()).execute())
                .concatMap(r -> r.map(row -> {
                    long n = Objects.requireNonNull(row.get("n", Long.class));
                    Long wait = row.get("wait", Long.class);
                    return n >= limit ? Math.max(1, wait == null ? window.toSeconds() : wait) : 0L;
                }))
                .reduce(0L, Math::max))
                .map(Duration::ofSeconds);
    }

    /** Counts a failed sign-in against each of {@code keys}; drops failures older than {@code window}. */
    public Mono<Void> recordFailure(List<String> keys, Duration window) {
        return Connections.withConnection(factory, c -> Flux.from(c.createStatement(RECORD_FAILURE)
                        .bind(0, keys.toArray(String[]::new)).bind(1, window.toSeconds()).execute())
                .concatMap(Result::getRowsUpdated).then());
    }

    /** Forgets the failures of {@code key} (after a successful sign-in with that login). */
    public Mono<Void> clearFailures(String key) {
        return Connections.withConnection(factory, c -> Flux.from(c.createStatement(CLEAR_FAILURES).bind(0, key)
                .execute()).concatMap(Result::getRowsUpdated).then());
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
