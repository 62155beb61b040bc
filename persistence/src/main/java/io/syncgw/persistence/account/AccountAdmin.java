package io.syncgw.persistence.account;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.syncgw.engine.auth.CredentialCipher;
import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Account administration behind {@code syncgw user add|list|remove|passwd}. Stores the slow password hash
 * ({@link PasswordHasher}) and, unless the account is created without it, the MD5 digest for
 * {@code syncml:auth-md5} (password-equivalent). Reactive like the rest of the module;
 * the hash is computed on {@link Schedulers#boundedElastic()} because it takes tens of milliseconds on purpose.
 *
 * <p>A login must be 1..200 characters without whitespace, control characters or ':' (a SyncML basic credential
 * is "login:password", so a colon in a login could never authenticate).
 */
public final class AccountAdmin {

    private static final String INSERT = """
            insert into account (login, password_hash, md5_digest, password_sealed) values ($1, $2, $3, $4)
            on conflict (login) do nothing returning id""";

    private static final String LIST = """
            select a.login, a.created_at, a.max_devices,
                   (select count(*)::int from device d where d.account_id = a.id) as devices,
                   s.stores, s.counts
            from account a
            left join lateral (
                select array_agg(x.datastore order by x.datastore) as stores,
                       array_agg(x.n order by x.datastore) as counts
                from (select datastore, count(*) as n from item i
                      where i.account_id = a.id and not i.deleted group by datastore) x
            ) s on true
            where $1::text is null or a.login = $1
            order by a.login""";

    /**
     * Keeps an account without MD5 digest without one. Ends the account's sessions on the self-service page: whoever
     * signed in with the old password must sign in again.
     */
    private static final String PASSWD = """
            with acc as (
                update account set password_hash = $2,
                       md5_digest = case when md5_digest is null then null else $3 end,
                       password_sealed = case when md5_digest is null then null else $4 end
                where login = $1
                returning id
            ), ended as (
                delete from web_session w using acc where w.account_id = acc.id
            )
            select count(*) as n from acc""";

    private static final String SET_MAX_DEVICES = "update account set max_devices = $2 where login = $1";

    /** The most device slots an account may be given (the schema's check). */
    public static final int MAX_DEVICES_LIMIT = 64;

    private final ConnectionFactory factory;
    private final PasswordHasher hasher;
    private final CredentialCipher cipher;

    /**
     * @param cipher seals the password of accounts that allow MD5, for SyncML 1.0 MD5 logins; null: not stored
     */
    public AccountAdmin(ConnectionFactory factory, PasswordHasher hasher, CredentialCipher cipher) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.cipher = cipher;
    }

    public AccountAdmin(ConnectionFactory factory, PasswordHasher hasher) {
        this(factory, hasher, null);
    }

    public AccountAdmin(Database database) {
        this(database.connectionFactory(), new PasswordHasher(), null);
    }

    public AccountAdmin(Database database, CredentialCipher cipher) {
        this(database.connectionFactory(), new PasswordHasher(), cipher);
    }

    /** Creates an account that may authenticate with MD5 as well as basic credentials. */
    public Mono<Long> add(String login, String password) {
        return add(login, password, true);
    }

    /**
     * Creates an account.
     *
     * @param allowMd5 store the MD5 digest for {@code syncml:auth-md5}; without it only basic credentials work
     * @return its id; {@link AccountException} when the login is taken or not acceptable
     */
    public Mono<Long> add(String login, String password, boolean allowMd5) {
        return credentials(login, password).flatMap(h -> Connections.withConnection(factory, c -> {
            var s = c.createStatement(INSERT).bind(0, login).bind(1, h.hash());
            if (allowMd5) {
                s.bind(2, h.md5());
            } else {
                s.bindNull(2, String.class);
            }
            if (allowMd5 && h.sealed() != null) {
                s.bind(3, h.sealed());
            } else {
                s.bindNull(3, String.class);
            }
            return Flux.from(s.execute())
                    .concatMap(r -> r.map(row -> Objects.requireNonNull(row.get("id", Long.class))))
                    .collectList()
                    .flatMap(ids -> Mono.justOrEmpty(ids.stream().findFirst()));
        })).switchIfEmpty(Mono.error(() -> new AccountException(AccountException.Reason.EXISTS, "login",
                "an account '" + login + "' already exists")));
    }

    /** Every account with its device count and live items per datastore, by login. */
    public Flux<AccountSummary> list() {
        return Connections.manyWithConnection(factory, c -> Flux.from(c.createStatement(LIST)
                .bindNull(0, String.class).execute()).concatMap(r -> r.map(AccountAdmin::summary)));
    }

    /** One account; {@link AccountException} ({@link AccountException.Reason#NOT_FOUND}) when there is none. */
    public Mono<AccountSummary> get(String login) {
        return Connections.manyWithConnection(factory, c -> Flux.from(c.createStatement(LIST).bind(0, login).execute())
                        .concatMap(r -> r.map(AccountAdmin::summary)))
                .next()
                .switchIfEmpty(Mono.error(() -> AccountException.notFound("no account '" + login + "'")));
    }

    /**
     * Sets the number of device slots of an account.
     *
     * @param maxDevices 1 to {@value #MAX_DEVICES_LIMIT}, or null for the server's default
     * @return empty; {@link AccountException} when there is no such account or the number is out of range
     */
    public Mono<Void> setMaxDevices(String login, Integer maxDevices) {
        if (maxDevices != null && (maxDevices < 1 || maxDevices > MAX_DEVICES_LIMIT)) {
            return Mono.error(AccountException.invalid("maxDevices",
                    "maxDevices must be 1 to " + MAX_DEVICES_LIMIT + " (or null for the server's default)"));
        }
        return Connections.withConnection(factory, c -> {
            var s = c.createStatement(SET_MAX_DEVICES).bind(0, login);
            if (maxDevices == null) {
                s.bindNull(1, Integer.class);
            } else {
                s.bind(1, maxDevices);
            }
            return Flux.from(s.execute()).concatMap(Result::getRowsUpdated).reduce(0L, Long::sum);
        }).flatMap(n -> n == 0 ? Mono.error(AccountException.notFound("no account '" + login + "'")) : Mono.empty());
    }

    /**
     * Deletes an account with its devices, items, mappings and anchors.
     *
     * @return empty; {@link AccountException} when there is no such account
     */
    public Mono<Void> remove(String login) {
        return changeOne("delete from account where login = $1", login);
    }

    /**
     * Sets a new password: the hash, and the MD5 digest unless the account was created without MD5.
     *
     * @return empty; {@link AccountException} when there is no such account or the password is not acceptable
     */
    public Mono<Void> passwd(String login, String password) {
        return credentials(login, password).flatMap(h -> Connections.withConnection(factory, c -> {
            var s = c.createStatement(PASSWD).bind(0, login).bind(1, h.hash()).bind(2, h.md5());
            if (h.sealed() != null) {
                s.bind(3, h.sealed());
            } else {
                s.bindNull(3, String.class);
            }
            return Flux.from(s.execute()).concatMap(r -> r.map(row -> Objects.requireNonNull(row.get("n", Long.class))))
                    .reduce(0L, Long::sum);
        })).flatMap(n -> n == 0 ? Mono.error(AccountException.notFound("no account '" + login + "'")) : Mono.empty());
    }

    private Mono<Void> changeOne(String sql, String login) {
        return Connections.withConnection(factory, c -> Flux.from(c.createStatement(sql).bind(0, login).execute())
                .concatMap(Result::getRowsUpdated).reduce(0L, Long::sum))
                .flatMap(n -> n == 0 ? Mono.error(AccountException.notFound("no account '" + login + "'"))
                        : Mono.empty());
    }

    private record Hashes(String hash, String md5, String sealed) {
    }

    private Mono<Hashes> credentials(String login, String password) {
        return Mono.fromCallable(() -> {
            checkLogin(login);
            if (password == null || password.isEmpty()) {
                throw AccountException.invalid("password", "the password must not be empty");
            }
            return new Hashes(hasher.hash(password), PasswordHasher.md5Digest(login, password),
                    cipher == null ? null : cipher.seal(password));
        }).subscribeOn(Schedulers.boundedElastic());
    }

    static void checkLogin(String login) {
        if (login == null || login.isEmpty() || login.length() > 200) {
            throw AccountException.invalid("login", "a login must be 1 to 200 characters long");
        }
        for (int i = 0; i < login.length(); i++) {
            char ch = login.charAt(i);
            if (ch == ':' || Character.isWhitespace(ch) || Character.isISOControl(ch)) {
                throw AccountException.invalid("login",
                        "a login must not contain ':', whitespace or control characters");
            }
        }
    }

    private static AccountSummary summary(Readable row) {
        Map<String, Long> live = new LinkedHashMap<>();
        String[] stores = row.get("stores", String[].class);
        Long[] counts = row.get("counts", Long[].class);
        if (stores != null && counts != null) {
            for (int i = 0; i < stores.length; i++) {
                live.put(stores[i], counts[i]);
            }
        }
        Integer devices = row.get("devices", Integer.class);
        return new AccountSummary(Objects.requireNonNull(row.get("login", String.class)),
                row.get("created_at", Instant.class), devices == null ? 0 : devices, live,
                row.get("max_devices", Integer.class));
    }
}
