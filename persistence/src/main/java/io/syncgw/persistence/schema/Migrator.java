package io.syncgw.persistence.schema;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Result;
import io.syncgw.persistence.Connections;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Brings the database schema up to date at start-up: applies the {@link MigrationScript}s that
 * {@code schema_version} does not list yet, in version order, each in its own transaction together with its
 * {@code schema_version} row. Several gateway nodes starting at once are serialised by a PostgreSQL advisory lock;
 * the later ones find nothing left to do. A changed script that was already applied (checksum mismatch) stops
 * start-up, and so does a new script numbered below one already applied. Versions in the database that this build
 * does not know (a newer node migrated first) are logged and tolerated.
 *
 * <p>Deliberately small instead of Flyway: plain R2DBC, no JDBC driver needed for it, no extra dependency.
 */
public final class Migrator {

    /** Advisory lock key held while migrating ("syncgw" + 1). */
    static final long LOCK_KEY = 0x73796e6367770001L;

    private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

    private static final String CREATE_TABLE = "create table if not exists schema_version ("
            + " version int primary key, name text not null, checksum text not null,"
            + " applied_at timestamptz not null default now())";

    private final ConnectionFactory factory;
    private final List<MigrationScript> scripts;

    /** Applies syncgw's own scripts ({@link MigrationScripts#syncgw()}). */
    public Migrator(ConnectionFactory factory) {
        this(factory, MigrationScripts.syncgw());
    }

    public Migrator(ConnectionFactory factory, List<MigrationScript> scripts) {
        this.factory = Objects.requireNonNull(factory, "factory");
        List<MigrationScript> sorted = new ArrayList<>(scripts);
        sorted.sort((a, b) -> Integer.compare(a.version(), b.version()));
        this.scripts = List.copyOf(sorted);
    }

    /** What {@link #migrate()} did. */
    public record Outcome(List<Integer> applied, int schemaVersion) {
        public Outcome {
            applied = List.copyOf(applied);
        }
    }

    /**
     * Applies the pending scripts.
     *
     * @return the versions applied now (empty when the schema was current) and the resulting schema version;
     *         {@link MigrationException} when a script was changed after being applied, is out of order or fails;
     *         {@code StoreUnavailableException} when the database cannot be reached
     */
    public Mono<Outcome> migrate() {
        return Connections.withConnection(factory, c -> lock(c)
                .then(Mono.defer(() -> run(c)))
                .flatMap(r -> unlock(c).thenReturn(r))
                .onErrorResume(e -> unlock(c).onErrorResume(x -> Mono.empty()).then(Mono.error(e))));
    }

    private Mono<Void> lock(Connection c) {
        return single(c, "select pg_try_advisory_lock($1) as ok", LOCK_KEY, Boolean.class).flatMap(got -> {
            if (got) {
                return Mono.empty();
            }
            LOG.info("another node is migrating the schema; waiting for it");
            return single(c, "select pg_advisory_lock($1)::text as ok", LOCK_KEY, String.class).then();
        });
    }

    private static Mono<Void> unlock(Connection c) {
        return single(c, "select pg_advisory_unlock($1) as ok", LOCK_KEY, Boolean.class).then();
    }

    private Mono<Outcome> run(Connection c) {
        return execute(c, CREATE_TABLE)
                .thenMany(Flux.from(c.createStatement("select version, name, checksum from schema_version")
                        .execute()).concatMap(r -> r.map((row, meta) -> new Applied(
                                Objects.requireNonNull(row.get("version", Integer.class)),
                                Objects.requireNonNull(row.get("name", String.class)),
                                Objects.requireNonNull(row.get("checksum", String.class))))))
                .collectList()
                .flatMap(rows -> {
                    TreeMap<Integer, Applied> applied = new TreeMap<>();
                    rows.forEach(r -> applied.put(r.version(), r));
                    List<MigrationScript> pending = pending(applied);
                    int current = applied.isEmpty() ? 0 : applied.lastKey();
                    if (pending.isEmpty()) {
                        LOG.info("schema is current at version {}", current);
                        return Mono.just(new Outcome(List.of(), current));
                    }
                    return Flux.fromIterable(pending)
                            .concatMap(s -> apply(c, s).thenReturn(s.version()))
                            .collectList()
                            .map(done -> new Outcome(done, Math.max(current, done.get(done.size() - 1))));
                });
    }

    /** Checks the applied scripts against ours and returns those still to apply. */
    private List<MigrationScript> pending(Map<Integer, Applied> applied) {
        int highestApplied = applied.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<MigrationScript> pending = new ArrayList<>();
        for (MigrationScript s : scripts) {
            Applied recorded = applied.get(s.version());
            if (recorded == null) {
                if (s.version() < highestApplied) {
                    throw new MigrationException(s.name() + " is new but version " + highestApplied
                            + " is already applied; a new script must have a higher version than every applied one"
                            + " (rename it to V" + (highestApplied + 1) + "__...)");
                }
                pending.add(s);
            } else if (!recorded.checksum().equals(s.checksum())) {
                throw new MigrationException("migration " + s.name() + " was changed after it was applied"
                        + " (schema_version has checksum " + recorded.checksum() + " for " + recorded.name()
                        + ", the script now has " + s.checksum() + "). An applied script must never change: restore"
                        + " it and put the change into a new script V" + (scripts.get(scripts.size() - 1).version() + 1)
                        + "__<what>.sql");
            }
        }
        applied.keySet().stream()
                .filter(v -> scripts.stream().noneMatch(s -> s.version() == v))
                .forEach(v -> LOG.warn("schema_version lists version {} ({}) which this build does not know;"
                        + " a newer syncgw has migrated this database", v, applied.get(v).name()));
        return pending;
    }

    /** A row of schema_version. */
    private record Applied(int version, String name, String checksum) {
    }

    private static Mono<Void> apply(Connection c, MigrationScript s) {
        long started = System.nanoTime();
        return Mono.from(c.beginTransaction())
                .then(Flux.from(c.createBatch().add(s.sql()).execute()).concatMap(Result::getRowsUpdated).then())
                .then(Flux.from(c.createStatement(
                                "insert into schema_version (version, name, checksum) values ($1, $2, $3)")
                        .bind(0, s.version()).bind(1, s.name()).bind(2, s.checksum())
                        .execute()).concatMap(Result::getRowsUpdated).then())
                .then(Mono.from(c.commitTransaction()))
                .doOnSuccess(v -> LOG.info("applied schema migration {} in {} ms", s.name(),
                        (System.nanoTime() - started) / 1_000_000))
                .onErrorResume(e -> Mono.from(c.rollbackTransaction()).onErrorResume(x -> Mono.empty())
                        .then(Mono.error(e instanceof MigrationException ? e
                                : new MigrationException("migration " + s.name() + " failed: " + e.getMessage(), e))));
    }

    private static Mono<Void> execute(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).concatMap(Result::getRowsUpdated).then();
    }

    private static <T> Mono<T> single(Connection c, String sql, long key, Class<T> type) {
        return Flux.from(c.createStatement(sql).bind(0, key).execute())
                .concatMap(r -> r.map((row, meta) -> Objects.requireNonNull(row.get("ok", type))))
                .single();
    }
}
