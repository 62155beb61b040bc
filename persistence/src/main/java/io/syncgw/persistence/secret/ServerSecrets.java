package io.syncgw.persistence.secret;

import io.r2dbc.spi.ConnectionFactory;
import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import java.security.SecureRandom;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Random secrets shared by every gateway node of a database (e.g. the key that signs session tokens, so that any
 * node can check a token another node issued). The first node to ask creates the secret; a race between nodes is
 * settled by the primary key (insert-if-absent, then read).
 */
public final class ServerSecrets {

    /** Length of a secret created by {@link #getOrCreate(String)}. */
    public static final int DEFAULT_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String GET_OR_INSERT = """
            with ins as (
                insert into server_secret (name, value) values ($1, $2) on conflict (name) do nothing returning value
            )
            select value from ins
            union all
            select value from server_secret where name = $1""";

    private final ConnectionFactory factory;

    public ServerSecrets(ConnectionFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    public ServerSecrets(Database database) {
        this(database.connectionFactory());
    }

    /** The secret {@code name}, created with {@value #DEFAULT_BYTES} random bytes if it does not exist yet. */
    public Mono<byte[]> getOrCreate(String name) {
        return getOrCreate(name, DEFAULT_BYTES);
    }

    /**
     * The secret {@code name}, created with {@code bytes} random bytes if it does not exist yet. An existing secret
     * is returned as stored, whatever its length.
     */
    public Mono<byte[]> getOrCreate(String name, int bytes) {
        Objects.requireNonNull(name, "name");
        if (bytes < 16) {
            throw new IllegalArgumentException("a secret needs at least 16 bytes: " + bytes);
        }
        // SecureRandom may read /dev/urandom: not on an event loop
        Mono<byte[]> fresh = Mono.fromCallable(() -> {
            byte[] b = new byte[bytes];
            RANDOM.nextBytes(b);
            return b;
        }).subscribeOn(Schedulers.boundedElastic());
        Mono<byte[]> attempt = fresh.flatMap(value -> Connections.withConnection(factory,
                c -> Flux.from(c.createStatement(GET_OR_INSERT).bind(0, name).bind(1, value).execute())
                        .concatMap(r -> r.map(row -> Objects.requireNonNull(row.get("value", byte[].class))))
                        .collectList()
                        .flatMap(rows -> Mono.justOrEmpty(rows.stream().findFirst()))));
        // empty only when another node inserted between our snapshot and our insert: then it is there to read
        return attempt.switchIfEmpty(attempt)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("secret " + name + " not readable")));
    }
}
