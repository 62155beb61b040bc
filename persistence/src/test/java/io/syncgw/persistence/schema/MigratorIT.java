package io.syncgw.persistence.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.testing.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@link Migrator} against a real PostgreSQL, each test on a new database. */
class MigratorIT {

    private static final Duration T = Duration.ofSeconds(60);

    private Database db;

    @BeforeEach
    void database() {
        db = Database.open(TestPostgres.freshDatabase());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void createsTheSchemaOnceAndIsIdempotent() {
        Migrator.Outcome first = new Migrator(db.connectionFactory()).migrate().block(T);
        assertThat(first.applied()).hasSize(SHIPPED).startsWith(1);
        assertThat(first.schemaVersion()).isEqualTo(SHIPPED);

        Migrator.Outcome again = new Migrator(db.connectionFactory()).migrate().block(T);
        assertThat(again.applied()).isEmpty();
        assertThat(again.schemaVersion()).isEqualTo(SHIPPED);
        assertThat(strings("select name || ':' || length(checksum) from schema_version order by version"))
                .hasSize(SHIPPED).first().isEqualTo("V1__initial.sql:64");

        // the names the interop tests and the CLI rely on
        assertThat(strings("select table_name || '.' || column_name from information_schema.columns"
                + " where table_schema = 'public' and table_name in ('account', 'item', 'device')"))
                .contains("account.id", "account.login", "item.id", "item.account_id", "item.datastore",
                        "item.deleted", "item.content", "device.account_id");
        assertThat(strings("select table_name from information_schema.tables where table_schema = 'public'"))
                .contains("account", "device", "item", "item_map", "sync_anchor", "server_secret",
                        "schema_version");
        assertThat(strings("select sequence_name from information_schema.sequences")).contains("item_change_seq");
        assertThat(strings("select indexdef from pg_indexes where indexname = 'item_map_luid'").get(0))
                .contains("UNIQUE").contains("(device_id, datastore, luid)").contains("WHERE (luid IS NOT NULL)");
        assertThat(strings("select indexdef from pg_indexes where indexname = 'item_live_twin'").get(0))
                .contains("(account_id, datastore, twin_key)").contains("WHERE (NOT deleted)");
    }

    @Test
    void aChangedAppliedScriptStopsStartUp() {
        List<MigrationScript> ours = MigrationScripts.syncgw();
        new Migrator(db.connectionFactory(), ours).migrate().block(T);
        MigrationScript v1 = ours.get(0);
        MigrationScript edited = MigrationScript.of(v1.name(), v1.sql() + "\ncreate index sneaky on item (content);");

        assertThatThrownBy(() -> new Migrator(db.connectionFactory(), List.of(edited)).migrate().block(T))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("V1__initial.sql was changed after it was applied")
                .hasMessageContaining(v1.checksum())
                .hasMessageContaining("new script V2__"); // the migrator was given V1 alone
        assertThat(strings("select indexname from pg_indexes where indexname = 'sneaky'")).isEmpty();
        assertThat(lockHeld()).as("lock released after the failure").isFalse();
    }

    @Test
    void newScriptsAreAppliedInOrderAndAFailingOneLeavesNoTrace() {
        List<MigrationScript> scripts = new ArrayList<>(MigrationScripts.syncgw());
        scripts.add(MigrationScript.of(v(2, "three"), "create table three (x int);"));
        scripts.add(MigrationScript.of(v(1, "two"), "create table two (x int); insert into two values (2);"));
        Migrator.Outcome o = new Migrator(db.connectionFactory(), scripts).migrate().block(T);
        List<Integer> all = new ArrayList<>();
        for (int i = 1; i <= SHIPPED + 2; i++) {
            all.add(i);
        }
        assertThat(o.applied()).containsExactlyElementsOf(all);
        assertThat(o.schemaVersion()).isEqualTo(SHIPPED + 2);

        scripts.add(MigrationScript.of(v(3, "broken"), "create table half (x int); select * from no_such_table;"));
        assertThatThrownBy(() -> new Migrator(db.connectionFactory(), scripts).migrate().block(T))
                .isInstanceOf(MigrationException.class).hasMessageContaining(v(3, "broken") + " failed")
                .hasMessageContaining("no_such_table");
        assertThat(strings("select table_name from information_schema.tables where table_name = 'half'"))
                .as("rolled back").isEmpty();
        assertThat(strings("select max(version)::text from schema_version"))
                .containsExactly(Integer.toString(SHIPPED + 2));
    }

    @Test
    void aNewScriptNumberedBelowAnAppliedOneIsRefused() {
        List<MigrationScript> scripts = new ArrayList<>(MigrationScripts.syncgw());
        scripts.add(MigrationScript.of(v(2, "three"), "select 3;"));
        new Migrator(db.connectionFactory(), scripts).migrate().block(T);
        scripts.add(MigrationScript.of(v(1, "late"), "select 2;"));
        assertThatThrownBy(() -> new Migrator(db.connectionFactory(), scripts).migrate().block(T))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining(v(1, "late") + " is new but version " + (SHIPPED + 2) + " is already applied");
    }

    @Test
    void versionsFromANewerBuildAreTolerated() {
        List<MigrationScript> newer = new ArrayList<>(MigrationScripts.syncgw());
        newer.add(MigrationScript.of(v(1, "future"), "create table future (x int);"));
        new Migrator(db.connectionFactory(), newer).migrate().block(T);

        Migrator.Outcome older = new Migrator(db.connectionFactory()).migrate().block(T);
        assertThat(older.applied()).isEmpty();
        assertThat(older.schemaVersion()).isEqualTo(SHIPPED + 1);
    }

    @Test
    void nodesStartingTogetherMigrateOnce() {
        List<MigrationScript> scripts = new ArrayList<>(MigrationScripts.syncgw());
        scripts.add(MigrationScript.of(v(1, "slow"), "select pg_sleep(0.5); create table slow (x int);"));
        List<Migrator.Outcome> outcomes = Flux.range(0, 4)
                .flatMap(i -> new Migrator(db.connectionFactory(), scripts).migrate(), 4)
                .collectList().block(T);
        List<Integer> all = new ArrayList<>();
        for (int i = 1; i <= SHIPPED + 1; i++) {
            all.add(i);
        }
        assertThat(outcomes).extracting(Migrator.Outcome::applied)
                .containsExactlyInAnyOrder(all, List.of(), List.of(), List.of());
        assertThat(outcomes).allSatisfy(o -> assertThat(o.schemaVersion()).isEqualTo(SHIPPED + 1));
        assertThat(strings("select count(*)::text from schema_version"))
                .containsExactly(Integer.toString(SHIPPED + 1));
    }

    /** The number of migration scripts syncgw ships (numbered 1..SHIPPED). */
    private static final int SHIPPED = MigrationScripts.syncgw().size();

    /** The name of a test script numbered {@code above} past the shipped ones. */
    private static String v(int above, String name) {
        return "V" + (SHIPPED + above) + "__" + name + ".sql";
    }

    private boolean lockHeld() {
        return !strings("select objid::text from pg_locks where locktype = 'advisory'").isEmpty();
    }

    private List<String> strings(String sql) {
        return Connections.withConnection(db.connectionFactory(), c -> Flux.from(c.createStatement(sql).execute())
                .concatMap(r -> r.map(row -> Objects.requireNonNull(row.get(0, String.class))))
                .collectList()).switchIfEmpty(Mono.just(List.of())).block(T);
    }
}
