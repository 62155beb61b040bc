package io.syncgw.persistence.account;

import io.r2dbc.spi.ConnectionFactory;
import io.syncgw.persistence.Connections;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The bearer token of the admin API when none is configured: 256 random bits, URL-safe base64 without padding (43
 * characters), created by the first node that starts and kept in {@code server_secret} (name
 * {@value #NAME}), so that every node of a database, and {@code syncgw admin-token}, see the same one.
 */
public final class AdminTokens {

    /** Its name in {@code server_secret}. */
    public static final String NAME = "admin-token";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Inserts unless present; returns the stored value and whether this call created it. */
    private static final String GET_OR_INSERT = """
            with ins as (
                insert into server_secret (name, value) values ($1, $2) on conflict (name) do nothing returning value
            )
            select value, true as created from ins
            union all
            select value, false from server_secret where name = $1""";

    /** The token, and whether it was generated just now (then it is to be shown once). */
    public record Issued(String token, boolean created) {
        @Override
        public String toString() {
            return "Issued[token=(hidden), created=" + created + "]";
        }
    }

    private final ConnectionFactory factory;

    public AdminTokens(ConnectionFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    /** The stored token, generated and stored first when there is none. */
    public Mono<Issued> getOrCreate() {
        Mono<byte[]> fresh = Mono.fromCallable(() -> {
            byte[] b = new byte[32];
            RANDOM.nextBytes(b);
            return b;
        }).subscribeOn(Schedulers.boundedElastic());
        Mono<Issued> attempt = fresh.flatMap(value -> Connections.withConnection(factory,
                c -> Flux.from(c.createStatement(GET_OR_INSERT).bind(0, NAME).bind(1, value).execute())
                        .concatMap(r -> r.map(row -> new Issued(encode(Objects.requireNonNull(
                                row.get("value", byte[].class))), Boolean.TRUE.equals(row.get("created",
                                Boolean.class)))))
                        .next()));
        // empty only when another node inserted between our snapshot and our insert: then it is there to read
        return attempt.switchIfEmpty(attempt)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("the admin token is not readable")));
    }

    static String encode(byte[] value) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }
}
