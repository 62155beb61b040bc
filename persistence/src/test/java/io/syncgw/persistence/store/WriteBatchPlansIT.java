package io.syncgw.persistence.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.port.ItemFilter;
import io.syncgw.engine.port.Registration;
import io.syncgw.engine.port.WriteBatch;
import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.testing.Batch;
import io.syncgw.persistence.testing.TestPostgres;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * syncgw_write_batch runs its statements with generic plans (V12: planned once per connection, not at every call),
 * which are the plans of an input array of unknown length. They must still go from the batch's rows to the tables by
 * their keys: a batch of a few changes, or a first sync's 200 items, must not read a device's whole set of mappings
 * or the account's items. Counted with pg_stat_xact_all_tables (rows this transaction fetched by index or read
 * sequentially) for a device holding {@value #MAPPED} mappings, after ANALYZE; a control run of the same batch with
 * index scans and nested loops disabled shows the count sees a whole read.
 */
class WriteBatchPlansIT {
    private static final Duration T = Duration.ofSeconds(60);
    private static final String CONTACTS = "contacts";
    private static final int MAPPED = 3_000;
    private static Database db;
    private static R2dbcSyncStore store;
    private static long acc;
    private static long a;
    private static long b;
    private static List<Long> seeded;

    @BeforeAll
    static void seed() {
        db = TestPostgres.migratedDatabase();
        store = new R2dbcSyncStore(db.connectionFactory());
        acc = new AccountAdmin(db.connectionFactory(), new PasswordHasher(1_000)).add("plans", "secret").block(T);
        a = device("a");
        b = device("b");
        sql("""
                insert into item (account_id, datastore, content_type, content, twin_key, content_hash)
                select $1, $2, 'text/vcard', 'BEGIN:VCARD\r\nFN:Contact ' || g || '\r\nEND:VCARD\r\n', 'k' || g,
                       md5(g::text)
                from generate_series(1, $3) g""", acc, CONTACTS, MAPPED);
        // the account is one of many, as on a real node: the table holds ten times its items (no plan can take the
        // whole table for the account's part of it)
        long others = new AccountAdmin(db.connectionFactory(), new PasswordHasher(1_000)).add("others", "secret")
                .block(T);
        sql("""
                insert into item (account_id, datastore, content_type, content, twin_key, content_hash)
                select $1, $2, 'text/vcard', 'BEGIN:VCARD\r\nFN:Other ' || g || '\r\nEND:VCARD\r\n', 'o' || g,
                       md5(g::text)
                from generate_series(1, $3) g""", others, CONTACTS, 10 * MAPPED);
        for (long dev : List.of(a, b)) {
            sql("""
                    insert into item_map (device_id, item_id, datastore, luid, known_seq)
                    select $1, id, datastore, 'l' || id, change_seq from item where account_id = $2""", dev, acc);
        }
        sql("analyze item");
        sql("analyze item_map");
        seeded = Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select id from item where account_id = $1 order by id", row -> Sql.getLong(row, "id"), acc)
                .collectList()).block(T);
        assertThat(seeded).hasSize(MAPPED);
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    private static long device(String uri) {
        Registration r = store.registerDevice(acc, uri, 4).block(T);
        assertThat(r).isInstanceOf(Registration.Registered.class);
        return ((Registration.Registered) r).device().id();
    }

    private static void sql(String statement, Object... args) {
        Connections.withConnection(db.connectionFactory(), c -> Sql.update(c, statement, args)).block(T);
    }

    /**
     * The functions every session calls run their statements with generic plans, made once per connection: the
     * write batch (V12), the pending-changes read and the item lookup (V18; planned at every call, the lookup cost
     * five times its run).
     */
    @Test
    void theSessionsFunctionsRunWithGenericPlans() {
        List<String> config = Connections.withConnection(db.connectionFactory(), c -> Sql.query(c, """
                select p.proname || ' ' || s.setting as setting from pg_proc p, unnest(p.proconfig) s(setting)
                where p.proname like 'syncgw%' order by 1""", row -> Sql.getText(row, "setting")).collectList())
                .block(T);
        assertThat(config).contains("syncgw_write_batch plan_cache_mode=force_generic_plan",
                "syncgw_pending_changes plan_cache_mode=force_generic_plan",
                "syncgw_lookup_items plan_cache_mode=force_generic_plan");
    }

    /**
     * The account lookup is a SQL function (V16) so that the driver has a short text to tokenize; the planner inlines
     * it (STABLE, not STRICT, no SET option), so PostgreSQL plans the query itself: its joins by key, not a function
     * scan planned apart from the call. And it still finds the account and the device.
     */
    @Test
    void theAccountLookupIsInlinedIntoTheStatementsThatCallIt() {
        List<String> plan = Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "explain select * from syncgw_lookup_account($1::text, $2::text, $3::boolean)",
                row -> Sql.getText(row, "QUERY PLAN"), "plans", "a", true).collectList()).block(T);
        assertThat(String.join("\n", plan)).doesNotContain("Function Scan").contains("account");
        List<Long> found = Connections.withConnection(db.connectionFactory(), c -> Sql.query(c, StoreSql.LOOKUP_ACCOUNT,
                row -> Sql.getLong(row, "device_id"), "plans", "a", true).collectList()).block(T);
        assertThat(found).containsExactly(a);
        // and so it is under the nonce's update (a data-modifying WITH around the call)
        List<String> rotating = Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "explain " + StoreSql.LOOKUP_ACCOUNT_ROTATING_NONCE, row -> Sql.getText(row, "QUERY PLAN"),
                "plans", "a", "next", new byte[16], true).collectList()).block(T);
        assertThat(String.join("\n", rotating)).doesNotContain("Function Scan").contains("Update on device");
    }

    /** The item lookup of 10 LUIDs and 5 twin keys goes by key (the control reads whole tables). */
    @Test
    void theItemLookupGoesByKey() {
        List<String> luids = seeded.subList(500, 510).stream().map(id -> "l" + id).toList();
        List<String> twins = List.of("k1", "k2", "k3", "new1", "new2");
        Map<String, Long> read = rowsRead(s -> s.lookupItems(acc, a, CONTACTS, luids, twins, Map.of())
                .doOnNext(facts -> assertThat(facts.byLuid()).hasSize(10)), a, false);
        assertThat(read.get("item_map")).as("item_map rows read: %s", read).isLessThan(100);
        assertThat(read.get("item")).as("item rows read: %s", read).isLessThan(100);
        Map<String, Long> control = rowsRead(s -> s.lookupItems(acc, a, CONTACTS, luids, twins, Map.of()), a, true);
        assertThat(control.get("item_map") + control.get("item")).as("control: %s", control)
                .isGreaterThanOrEqualTo((long) MAPPED);
    }

    /**
     * A device that has everything: the pending-changes read goes from its mark (set by the first read) to the items
     * changed since, by index, not through the datastore's items.
     */
    @Test
    void thePendingChangesReadGoesFromTheMark() {
        assertThat(store.pendingChanges(acc, b, CONTACTS, ItemFilter.NONE, 1_000).block(T)).isEmpty();
        Map<String, Long> read = rowsRead(s -> s.pendingChanges(acc, b, CONTACTS, ItemFilter.NONE, 1_000)
                .doOnNext(changes -> assertThat(changes).isEmpty()), b, false);
        assertThat(read.get("item_map")).as("item_map rows read: %s", read).isLessThan(100);
        assertThat(read.get("item")).as("item rows read: %s", read).isLessThan(100);
        Map<String, Long> control = rowsRead(s -> s.pendingChanges(acc, b, CONTACTS, ItemFilter.NONE, 1_000), b,
                true);
        assertThat(control.get("item")).as("control: %s", control).isGreaterThanOrEqualTo((long) MAPPED);
    }

    /** Five new contacts, five edited, three deleted, three mapped anew and two unmapped: a standard session. */
    @Test
    void aStandardBatchReadsTheRowsItChangesNotTheDevicesMappings() {
        Batch batch = Batch.of(acc, a);
        for (int i = 1; i <= 5; i++) {
            batch.insert(i, CONTACTS, "BEGIN:VCARD\r\nFN:New " + i + "\r\nEND:VCARD\r\n", "new" + i, "new" + i);
        }
        for (int i = 0; i < 5; i++) {
            long id = seeded.get(100 + i);
            batch.update(id, null, CONTACTS, "BEGIN:VCARD\r\nFN:Edited " + i + "\r\nEND:VCARD\r\n", "k" + id,
                    "l" + id);
        }
        for (int i = 0; i < 3; i++) {
            batch.delete(seeded.get(200 + i), null);
        }
        for (int i = 0; i < 3; i++) {
            long id = seeded.get(300 + i);
            batch.mapUpsert(id, CONTACTS, "l" + id, 1L);
        }
        batch.mapRemove(seeded.get(400)).mapRemove(seeded.get(401));

        Map<String, Long> read = rowsRead(batch.build(), false);
        assertThat(read.get("item_map")).as("item_map rows read: %s", read).isLessThan(100);
        assertThat(read.get("item")).as("item rows read: %s", read).isLessThan(100);

        Map<String, Long> control = rowsRead(batch.build(), true);
        assertThat(control.get("item_map")).as("control: a whole read is counted, %s", control)
                .isGreaterThanOrEqualTo(2L * MAPPED);
    }

    /**
     * The end of a slow sync: the device sent 2,999 of the 3,000 LUIDs it maps, so the mapping of the other one goes.
     * This statement compares two sets as large as the address book; its generic plan reads the mappings once.
     */
    @Test
    void aSlowSyncsPruneReadsTheMappingsOnceAndDropsTheOneNotSent() {
        String[] keep = seeded.stream().skip(1).map(id -> "l" + id).toArray(String[]::new);
        Map<String, Long> read = rowsRead(Batch.of(acc, a).prune(CONTACTS, keep).build(), false);
        assertThat(read.get("mapped after")).as("%s", read).isEqualTo(MAPPED - 1L);
        assertThat(read.get("item_map")).as("%s", read).isBetween((long) MAPPED, MAPPED + 100L);
    }

    /**
     * A first sync's batch: 200 new contacts from device b, which already maps the account's 3,000. (The custom plans
     * PostgreSQL made for it before V12, knowing the 200, read all 3,000 of b's mappings twice.)
     */
    @Test
    void aFirstSyncBatchProbesByKeyForEachItem() {
        Batch batch = Batch.of(acc, b);
        for (int i = 1; i <= 200; i++) {
            batch.insert(i, CONTACTS, "BEGIN:VCARD\r\nFN:Slow " + i + "\r\nEND:VCARD\r\n", "slow" + i, "slow" + i);
        }
        Map<String, Long> read = rowsRead(batch.build(), false);
        assertThat(read.get("item_map")).as("item_map rows read: %s", read).isLessThan(MAPPED / 3L);
        assertThat(read.get("item")).as("item rows read: %s", read).isLessThan(MAPPED / 3L);
    }

    /**
     * Runs {@code batch} through the store in a transaction that is rolled back (each test sees the seeded data) and
     * returns, per table, the rows the batch fetched by index or read sequentially (and, as "mapped after", how many
     * mappings the batch's device holds when it is done). {@code control}: with index scans and nested loops
     * disabled, so the plans read whole tables.
     */
    private static Map<String, Long> rowsRead(WriteBatch batch, boolean control) {
        return rowsRead(s -> s.write(batch), batch.deviceId(), control);
    }

    /** {@link #rowsRead(WriteBatch, boolean)} of any work of the store for device {@code deviceId}. */
    private static Map<String, Long> rowsRead(Function<R2dbcSyncStore, Mono<?>> work, long deviceId,
                                              boolean control) {
        return Mono.usingWhen(db.connectionFactory().create(), c -> {
            R2dbcSyncStore onThisConnection = new R2dbcSyncStore(new ThisConnection(c));
            Mono<Long> setUp = control
                    ? Sql.update(c, "set local enable_indexscan = off")
                            .then(Sql.update(c, "set local enable_bitmapscan = off"))
                            .then(Sql.update(c, "set local enable_nestloop = off"))
                    : Mono.just(0L);
            // plans are cached per connection whatever the planner settings: each run plans afresh, and the
            // control's plans are not left behind for the next user of the pooled connection
            return Sql.update(c, "discard plans")
                    .then(Mono.from(c.beginTransaction()))
                    .then(setUp)
                    .then(counts(c))
                    .flatMap(before -> work.apply(onThisConnection)
                            .then(counts(c))
                            .flatMap(after -> Sql.query(c,
                                    "select count(*) as n from item_map where device_id = $1",
                                    row -> Sql.getLong(row, "n"), deviceId).next()
                                    .map(mapped -> Map.of("item", after.get("item") - before.get("item"),
                                            "item_map", after.get("item_map") - before.get("item_map"),
                                            "mapped after", mapped))))
                    .flatMap(read -> Mono.from(c.rollbackTransaction())
                            .then(Sql.update(c, "discard plans"))
                            .thenReturn(read));
        }, Connection::close).block(T);
    }

    /**
     * Rows of item and item_map fetched by index or read sequentially by this connection and not yet in the shared
     * statistics (PostgreSQL 15 and later keep earlier transactions' counts here too until the backend is idle
     * outside a transaction: hence the difference of two readings in one transaction).
     */
    private static Mono<Map<String, Long>> counts(Connection c) {
        return Sql.query(c, """
                select relname, coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) as n
                from pg_stat_xact_all_tables where relname in ('item', 'item_map')""",
                row -> Map.entry(Sql.getText(row, "relname"), Sql.getLong(row, "n")))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Hands out one open connection (in a transaction) to the store; the store's close does not close it. */
    private record ThisConnection(Connection connection) implements ConnectionFactory {
        @Override
        public Publisher<? extends Connection> create() {
            return Mono.just((Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            return Mono.empty();
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }));
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return connection.getMetadata()::getDatabaseProductName;
        }
    }
}
