package io.syncgw.persistence.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.port.ItemFilter;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.Registration;
import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.testing.Batch;
import io.syncgw.persistence.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pending-changes query notes when it found nothing owed and answers nothing again without the join while the
 * account's generation and the filter are unchanged (V11). Each test writes past the generation on purpose (plain
 * SQL, as no writer of syncgw may) to show when the note is used, and then checks that each kind of write the
 * gateway makes ends it.
 */
class PendingQuietIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final AtomicInteger LOGINS = new AtomicInteger();
    private static final String CONTACTS = "contacts";
    private static Database db;
    private static R2dbcSyncStore store;
    private static AccountAdmin admin;
    private long acc;
    private long a;
    private long b;
    private final List<Long> ids = new ArrayList<>();

    @BeforeAll
    static void start() {
        db = TestPostgres.migratedDatabase();
        store = new R2dbcSyncStore(db.connectionFactory());
        admin = new AccountAdmin(db.connectionFactory(), new PasswordHasher(1_000));
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    /** An account with devices a and b; a created three contacts (mapped to it), b holds none yet. */
    @BeforeEach
    void account() {
        acc = admin.add("quiet" + LOGINS.incrementAndGet(), "secret").block(T);
        a = device("a");
        b = device("b");
        var inserted = write(batch(a).insert(1, CONTACTS, "one", "k-one", "la1")
                .insert(2, CONTACTS, "two", "k-two", "la2").insert(3, CONTACTS, "three", "k-three", "la3"))
                .insertedIds();
        ids.clear();
        ids.addAll(List.of(inserted.get(1), inserted.get(2), inserted.get(3)));
    }

    private long device(String uri) {
        Registration r = store.registerDevice(acc, uri, 4).block(T);
        assertThat(r).isInstanceOf(Registration.Registered.class);
        return ((Registration.Registered) r).device().id();
    }

    private io.syncgw.engine.port.WriteResult write(Batch batch) {
        return store.write(batch.build()).block(T);
    }

    private Batch batch(long dev) {
        return Batch.of(acc, dev);
    }

    private List<PendingChange> pending(long dev, ItemFilter filter) {
        return store.pendingChanges(acc, dev, CONTACTS, filter).block(T);
    }

    private long sql(String statement, Object... args) {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.update(c, statement, args)).block(T);
    }

    /** An item written past the generation: it is owed to both devices, but a note of "nothing" hides it. */
    private long sneakIn(String text) {
        sql("insert into item (account_id, datastore, content_type, content) values ($1, $2, 'text/vcard', $3)",
                acc, CONTACTS, text);
        return Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select id from item where account_id = $1 and content = $2", row -> Sql.getLong(row, "id"), acc,
                text).next()).block(T);
    }

    private long notes(long dev) {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select count(*) as n from pending_quiet where device_id = $1", row -> Sql.getLong(row, "n"), dev)
                .next()).block(T);
    }

    @Test
    void nothingOwedIsNotedAndAnsweredAgainWithoutTheJoinUntilTheGenerationMoves() {
        assertThat(pending(a, ItemFilter.NONE)).isEmpty();
        assertThat(notes(a)).isEqualTo(1);
        assertThat(plan(a)).as("noted: the items and mappings are not read")
                .filteredOn(line -> line.contains(" on item i") || line.contains(" on item_map m")).isNotEmpty()
                .allMatch(line -> line.contains("never executed"));
        long sneaked = sneakIn("written past the generation");
        assertThat(pending(a, ItemFilter.NONE)).as("the note answers").isEmpty();
        assertThat(pending(b, ItemFilter.NONE)).as("b has no note: the query runs").hasSize(4);
        sql("update account set change_gen = change_gen + 1 where id = $1", acc);
        assertThat(pending(a, ItemFilter.NONE)).extracting(PendingChange::itemId, PendingChange::op)
                .containsExactly(tuple(sneaked, PendingChange.Op.ADD));
    }

    @Test
    void anotherDevicesInsertUpdateAndDeleteEachEndTheNote() {
        quiet(a);
        long added = write(batch(b).insert(9, CONTACTS, "from b", "k-from b", "lb9")).insertedIds().get(9);
        assertThat(owedTo(a)).containsExactly(tuple(added, PendingChange.Op.ADD));
        write(batch(a).mapUpsert(added, CONTACTS, "la9", seq(added)));

        quiet(a);
        write(batch(b).update(ids.get(0), null, CONTACTS, "one, edited", "k-one", "lb1"));
        assertThat(owedTo(a)).containsExactly(tuple(ids.get(0), PendingChange.Op.REPLACE));
        write(batch(a).mapUpsert(ids.get(0), CONTACTS, "la1", seq(ids.get(0))));

        quiet(a);
        write(batch(b).delete(ids.get(1), null));
        assertThat(owedTo(a)).containsExactly(tuple(ids.get(1), PendingChange.Op.DELETE));
    }

    @Test
    void theDevicesOwnResetAndUnmapEndTheNote() {
        quiet(a);
        write(batch(a).mapRemove(ids.get(2)));
        assertThat(owedTo(a)).containsExactly(tuple(ids.get(2), PendingChange.Op.ADD));
        write(batch(a).mapUpsert(ids.get(2), CONTACTS, "la3", seq(ids.get(2))));

        quiet(a);
        write(batch(a).reset(CONTACTS));
        assertThat(owedTo(a)).extracting(t -> t.toArray()[1]).containsOnly(PendingChange.Op.ADD).hasSize(3);
    }

    @Test
    void aChangedFilterRunsTheQueryAndADateWindowNeverNotes() {
        quiet(a);
        ItemFilter vipOnly = new ItemFilter(List.of("vip"), List.of(), null, null);
        assertThat(pending(a, vipOnly)).as("none of a's three is VIP: they leave it")
                .extracting(PendingChange::op).containsOnly(PendingChange.Op.REMOVE).hasSize(3);

        ItemFilter window = new ItemFilter(List.of(), List.of(), Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-12-01T00:00:00Z"));
        sql("delete from pending_quiet where device_id = $1", a);
        assertThat(pending(a, window)).isEmpty();
        assertThat(notes(a)).as("a window moves with the clock: nothing noted").isZero();
        long sneaked = sneakIn("undated, so inside any window");
        assertThat(pending(a, window)).extracting(PendingChange::itemId).containsExactly(sneaked);
    }

    /** The executed plan of the pending-changes query for {@code dev}, one line per row of EXPLAIN ANALYZE. */
    private List<String> plan(long dev) {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "explain (analyze, costs off) " + StoreSql.PENDING_CHANGES, row -> Sql.getText(row, "QUERY PLAN"),
                acc, dev, CONTACTS, new String[0], new String[0], new Sql.Null(java.time.OffsetDateTime.class),
                new Sql.Null(java.time.OffsetDateTime.class), 0L).collectList()).block(T);
    }

    /** Device {@code dev} is owed nothing and that is noted (the precondition of each case). */
    private void quiet(long dev) {
        assertThat(pending(dev, ItemFilter.NONE)).isEmpty();
        assertThat(notes(dev)).isEqualTo(1);
    }

    private List<org.assertj.core.groups.Tuple> owedTo(long dev) {
        return pending(dev, ItemFilter.NONE).stream().map(p -> tuple(p.itemId(), p.op())).toList();
    }

    private long seq(long id) {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select change_seq from item where id = $1", row -> Sql.getLong(row, "change_seq"), id).next())
                .block(T);
    }
}
