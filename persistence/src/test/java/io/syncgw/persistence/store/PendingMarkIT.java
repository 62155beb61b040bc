package io.syncgw.persistence.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.r2dbc.spi.Connection;
import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.port.ItemFilter;
import io.syncgw.engine.port.ItemIndex;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.Registration;
import io.syncgw.engine.port.WriteBatch;
import io.syncgw.engine.port.WriteResult;
import io.syncgw.engine.sync.ContentHash;
import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The pending-changes query reads only the items above the device's mark (V13), so its answer must be the answer of
 * a query that reads everything, whatever happened since the mark was set: each kind of write the gateway makes
 * (through {@code syncgw_write_batch}), each mapping change of the device, a changed filter, a date window. The main
 * check is differential: random sessions of three devices of one account, and after every write each device's
 * answer with its mark is compared with the answer without it (the same query with the mark deleted, in a
 * transaction rolled back).
 */
class PendingMarkIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final AtomicInteger LOGINS = new AtomicInteger();
    private static final String CONTACTS = "contacts";
    private static final String VCARD = "text/vcard";
    private static final ItemFilter VIP = new ItemFilter(List.of("vip"), List.of(), null, null);
    private static final ItemFilter NOT_PRIVATE = new ItemFilter(List.of(), List.of("private"), null, null);
    private static Database db;
    private static R2dbcSyncStore store;
    private static AccountAdmin admin;
    private static final List<String> URIS = List.of("a", "b", "c");
    private long acc;
    private String login;
    private final List<Long> devices = new ArrayList<>();
    /** Lookups that found a device settled (V20), in the differential check. */
    private long settledSeen;

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

    @BeforeEach
    void account() {
        login = "mark" + LOGINS.incrementAndGet();
        acc = admin.add(login, "secret").block(T);
        devices.clear();
        for (String uri : URIS) {
            Registration r = store.registerDevice(acc, uri, 4).block(T);
            assertThat(r).isInstanceOf(Registration.Registered.class);
            long dev = ((Registration.Registered) r).device().id();
            devices.add(dev);
            // the account lookup answers whether a datastore is settled for the datastores the device has anchors of
            store.write(new WriteBatch(acc, dev, null, null, List.of(), List.of(), List.of(), List.of(), List.of(),
                    List.of(), List.of(), List.of(), List.of(new WriteBatch.AnchorCommit(CONTACTS, "c0", "s0")),
                    List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), false, null)).block(T);
        }
    }

    // ---- the differential check ----

    @Test
    void randomSessionsOfThreeDevicesGetWithTheMarkWhatTheyGetWithout() {
        long compared = 0;
        for (int seed = 1; seed <= 4; seed++) {
            if (seed > 1) {
                account();
            }
            compared += randomSessions(new Random(seed), 150);
        }
        assertThat(compared).as("answers compared").isGreaterThan(1_500);
        // few: the random devices are seldom owed nothing under no filter (12 with these seeds)
        assertThat(settledSeen).as("lookups that found a device owed nothing").isGreaterThanOrEqualTo(10);
    }

    /** {@code steps} random writes; after each, every device's answer is checked (and its mark moves on). */
    private long randomSessions(Random random, int steps) {
        ItemFilter[] filters = {ItemFilter.NONE, ItemFilter.NONE, ItemFilter.NONE};
        long compared = 0;
        long owedSeen = 0;
        int luids = 0;
        for (int step = 0; step < steps; step++) {
            int d = random.nextInt(3);
            long dev = devices.get(d);
            List<long[]> mapped = mappings(dev);
            List<long[]> live = liveItems();
            WriteBatch batch;
            String what;
            int kind = random.nextInt(14);
            if (kind <= 3 || live.isEmpty()) {
                // a new item, now and then under a LUID the device already uses (the LUID moves to it)
                String reused = !mapped.isEmpty() && random.nextInt(8) == 0 ? luidOf(dev, pick(random, mapped)[0])
                        : null;
                String luid = reused != null ? reused : "l" + ++luids;
                what = "insert " + luid;
                batch = batch(dev, List.of(newItem(1, luid, index(random))), List.of(), List.of(), List.of(),
                        List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
            } else if (kind <= 5 && !mapped.isEmpty()) {
                long id = pick(random, mapped)[0];
                String own = luidOf(dev, id);
                String luid = own == null || random.nextInt(8) == 0 ? "l" + ++luids : own;
                what = "update " + id + " as " + luid;
                batch = batch(dev, List.of(), List.of(new WriteBatch.ItemUpdate(id, null, VCARD, "edited " + step,
                                "k" + step, ContentHash.of("edited " + step), CONTACTS, luid, index(random))),
                        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
            } else if (kind == 6 && !mapped.isEmpty()) {
                long id = pick(random, mapped)[0];
                what = "delete " + id;
                batch = batch(dev, List.of(), List.of(), List.of(new WriteBatch.ItemDelete(id, null)), List.of(),
                        List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
            } else if (kind == 7 && !live.isEmpty()) {
                // a mapping set: a LUID for an item (mapped or not), or a known sequence at or below the item's
                long[] item = pick(random, live);
                Long known = random.nextBoolean() ? null : (long) random.nextInt((int) item[1] + 1);
                String luid = random.nextInt(3) == 0 ? null : "l" + ++luids;
                what = "map " + item[0] + " " + luid + " at " + known;
                batch = batch(dev, List.of(), List.of(), List.of(),
                        List.of(new WriteBatch.MapUpsert(item[0], CONTACTS, luid, known)), List.of(), List.of(),
                        List.of(), List.of(), List.of(), List.of());
            } else if (kind == 8 && !mapped.isEmpty()) {
                long id = pick(random, mapped)[0];
                what = "map remove " + id;
                batch = batch(dev, List.of(), List.of(), List.of(), List.of(), List.of(new WriteBatch.MapRemove(id)),
                        List.of(), List.of(), List.of(), List.of(), List.of());
            } else if (kind == 9 && !mapped.isEmpty() && luidOf(dev, mapped.get(0)[0]) != null) {
                // a duplicated conflict: the device's LUID moves to a new item, the old one is unmapped first
                long id = mapped.get(0)[0];
                what = "unmap " + id + " and duplicate";
                batch = batch(dev, List.of(newItem(1, luidOf(dev, id), index(random))), List.of(), List.of(),
                        List.of(), List.of(), List.of(), List.of(), List.of(), List.of(new WriteBatch.MapRemove(id)),
                        List.of());
            } else if (kind == 10 && !mapped.isEmpty()) {
                long[] m = pick(random, mapped);
                what = "detach " + m[0] + " at " + m[1];
                batch = batch(dev, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                        List.of(), List.of(), List.of(new WriteBatch.MapDetach(m[0], m[1])));
            } else if (kind == 11) {
                what = random.nextBoolean() ? "reset" : "item prune";
                batch = what.equals("reset")
                        ? batch(dev, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(CONTACTS),
                        List.of(), List.of(), List.of(), List.of())
                        : batch(dev, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                        List.of(new WriteBatch.ItemPrune(CONTACTS)), List.of(), List.of());
            } else if (kind == 12 && !mapped.isEmpty()) {
                java.util.Set<String> keep = new java.util.HashSet<>();
                for (long[] m : mapped) {
                    String luid = luidOf(dev, m[0]);
                    if (luid != null && random.nextInt(3) > 0) {
                        keep.add(luid);
                    }
                }
                what = "prune keeping " + keep.size() + " of " + mapped.size();
                batch = batch(dev, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                        List.of(new WriteBatch.MappingPrune(CONTACTS, keep)), List.of(), List.of(), List.of());
            } else {
                // the device's session: what it is owed, applied in part (the rest is owed next time)
                List<PendingChange> owed = checked(dev, filters[d], "session of " + dev);
                compared++;
                List<WriteBatch.MapUpsert> maps = new ArrayList<>();
                List<WriteBatch.MapRemove> removes = new ArrayList<>();
                int applied = random.nextInt(owed.size() + 1);
                for (PendingChange p : owed.subList(0, applied)) {
                    switch (p.op()) {
                        case ADD -> maps.add(new WriteBatch.MapUpsert(p.itemId(), CONTACTS, "l" + ++luids,
                                p.changeSeq()));
                        case REPLACE -> maps.add(new WriteBatch.MapUpsert(p.itemId(), CONTACTS, null, p.changeSeq()));
                        case DELETE, REMOVE -> removes.add(new WriteBatch.MapRemove(p.itemId()));
                    }
                }
                what = "session applied " + applied + " of " + owed.size();
                batch = batch(dev, List.of(), List.of(), List.of(), maps, removes, List.of(), List.of(), List.of(),
                        List.of(), List.of());
                if (random.nextInt(6) == 0) {
                    filters[d] = random.nextBoolean() ? VIP : random.nextBoolean() ? NOT_PRIVATE : ItemFilter.NONE;
                }
            }
            if (!batch.isEmpty()) {
                store.write(batch).block(T);
            }
            for (int other = 0; other < 3; other++) {
                owedSeen += checked(devices.get(other), filters[other], "step " + step + " (" + what + " by device "
                        + dev + "), device " + devices.get(other)).size();
                compared++;
            }
        }
        assertThat(owedSeen).as("changes owed across the run").isGreaterThan(steps);
        return compared;
    }

    /** The device's answer with its mark, after checking it against the answer of a query that reads everything. */
    private List<PendingChange> checked(long dev, ItemFilter filter, String when) {
        if (settled(dev)) {
            // the account lookup's answer (V20), which lets a session skip the read: it must be the read's
            assertThat(withoutMark(dev, ItemFilter.NONE)).as("settled at %s: owed nothing", when).isEmpty();
            settledSeen++;
        }
        List<PendingChange> everything = withoutMark(dev, filter);
        List<PendingChange> marked = pending(dev, filter);
        assertThat(marked).as("owed at %s", when).containsExactlyElementsOf(everything);
        return marked;
    }

    // ---- single paths, each named ----

    @Test
    void theNextQueryReadsOnlyTheItemsAboveTheMark() {
        long a = devices.get(0);
        long b = devices.get(1);
        List<WriteBatch.NewItem> book = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            book.add(newItem(i, "la" + i, ItemIndex.NONE));
        }
        store.write(batch(a, book, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of())).block(T);
        List<PendingChange> first = pending(b, ItemFilter.NONE);
        assertThat(first).hasSize(200);
        List<WriteBatch.MapUpsert> maps = first.stream()
                .map(p -> new WriteBatch.MapUpsert(p.itemId(), CONTACTS, "lb" + p.itemId(), p.changeSeq())).toList();
        store.write(batch(b, List.of(), List.of(), List.of(), maps, List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of())).block(T);
        assertThat(pending(b, ItemFilter.NONE)).isEmpty();

        // other accounts' items, as on a server with more than one account: the planner reads a table of 200 rows
        // whole, whatever the query
        long other = admin.add("mark-others" + LOGINS.incrementAndGet(), "secret").block(T);
        sql("""
                insert into item (account_id, datastore, content_type, content, change_seq)
                select %d, 'contacts', 'text/vcard', 'other ' || g, nextval('item_change_seq')
                from generate_series(1, 20000) g""".formatted(other));
        sql("analyze item");
        sql("analyze item_map");
        long edited = first.get(7).itemId();
        store.write(batch(a, List.of(), List.of(new WriteBatch.ItemUpdate(edited, null, VCARD, "edited", "k",
                        ContentHash.of("edited"), CONTACTS, "la8")), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of())).block(T);
        assertThat(itemRowsRead(b, false)).as("with the mark: the one edited item, seen by the look above the mark "
                + "(V19), then read by the query").isEqualTo(2);
        assertThat(itemRowsRead(b, true)).as("control: without it, the book").isGreaterThanOrEqualTo(200);
        assertThat(pending(b, ItemFilter.NONE)).extracting(PendingChange::itemId, PendingChange::op)
                .containsExactly(tuple(edited, PendingChange.Op.REPLACE));
    }

    /**
     * A device owed nothing reads without writing (V19): its read takes no transaction id, so its commit waits for no
     * WAL flush. Before V19 the query noted the mark under a share lock of the account row even when the mark stayed
     * where it was: a transaction id, a lock record and a flush in every idle session. When the mark moves, the read
     * writes it (the control).
     */
    @Test
    void aDeviceOwedNothingReadsWithoutWriting() {
        long a = devices.get(0);
        long b = devices.get(1);
        insert(a, "la1", ItemIndex.NONE);
        List<PendingChange> owed = pending(b, ItemFilter.NONE);
        assertThat(owed).hasSize(1);
        store.write(batch(b, List.of(), List.of(), List.of(), List.of(new WriteBatch.MapUpsert(owed.get(0).itemId(),
                CONTACTS, "lb1", owed.get(0).changeSeq())), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of())).block(T);
        assertThat(pending(b, ItemFilter.NONE)).isEmpty();
        assertThat(xidAssignedByRead(b)).as("idle: nothing owed, the mark stays").isFalse();
        insert(a, "la2", ItemIndex.NONE);
        assertThat(xidAssignedByRead(b)).as("control: an item above the mark moves it").isTrue();
    }

    /**
     * The account lookup says whether the device is owed nothing of a datastore under no filter (V20): so after an
     * unfiltered read that left it owed nothing, not after another device's new item, not when its mark was set
     * under a filter, and again once an unfiltered read moved the mark.
     */
    @Test
    void theAccountLookupSaysWhetherADeviceIsOwedNothing() {
        long a = devices.get(0);
        long b = devices.get(1);
        assertThat(settled(b)).as("no mark yet").isFalse();
        insert(a, "la1", ItemIndex.NONE);
        assertThat(pending(b, ItemFilter.NONE)).hasSize(1);
        assertThat(settled(b)).as("owed the new item").isFalse();
        assertThat(settled(a)).as("read nothing yet").isFalse();
        settle(a);
        assertThat(settled(a)).as("its own item, read past").isTrue();
        assertThat(pending(a, NOT_PRIVATE)).isEmpty();
        assertThat(settled(a)).as("the mark set under a filter").isFalse();
        assertThat(pending(a, ItemFilter.NONE)).isEmpty();
        assertThat(settled(a)).as("set again under none").isTrue();
        insert(b, "lb1", ItemIndex.NONE);
        assertThat(settled(a)).as("the other device's new item").isFalse();
        List<PendingChange> owed = pending(a, ItemFilter.NONE);
        assertThat(owed).hasSize(1);
        store.write(batch(a, List.of(), List.of(), List.of(), List.of(new WriteBatch.MapUpsert(owed.get(0).itemId(),
                CONTACTS, "la2", owed.get(0).changeSeq())), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of())).block(T);
        assertThat(pending(a, ItemFilter.NONE)).isEmpty();
        assertThat(settled(a)).as("mapped and read past").isTrue();
        assertThat(store.lookupAccount(login, "a").block(T).settled()).as("not asked").isEmpty();
        assertThat(store.lookupAccount(login, "a", "bjI=", new byte[16], true).block(T).settled())
                .as("the lookup that rotates the nonce (this digest is wrong: it does not)").containsExactly(CONTACTS);
        assertThat(store.lookupAccount(login, "unknown", null, null, true).block(T).settled()).as("unknown device")
                .isEmpty();
    }

    /** Whether the account lookup (V20) names contacts settled for the device. */
    private boolean settled(long dev) {
        String uri = URIS.get(devices.indexOf(dev));
        var lookup = store.lookupAccount(login, uri, null, null, true).block(T);
        assertThat(lookup.device().id()).isEqualTo(dev);
        return lookup.settled().contains(CONTACTS);
    }

    /** Whether the device's pending read, alone in a transaction (rolled back), made it a writing one. */
    private boolean xidAssignedByRead(long dev) {
        return Connections.withConnection(db.connectionFactory(), c -> Mono.from(c.beginTransaction())
                .then(store.pendingChanges(c, acc, dev, CONTACTS, ItemFilter.NONE, 0))
                .then(Sql.query(c, "select pg_current_xact_id_if_assigned() is not null as w",
                        row -> row.get("w", Boolean.class)).next())
                .flatMap(w -> Mono.from(c.rollbackTransaction()).thenReturn(w))).block(T);
    }

    @Test
    void anOldItemTheDeviceNoLongerMapsIsOwedAgain() {
        long a = devices.get(0);
        long id = insert(a, "la1", ItemIndex.NONE);
        settle(a);
        store.write(batch(a, List.of(), List.of(), List.of(), List.of(), List.of(new WriteBatch.MapRemove(id)),
                List.of(), List.of(), List.of(), List.of(), List.of())).block(T);
        assertThat(owed(a)).containsExactly(tuple(id, PendingChange.Op.ADD));
    }

    @Test
    void aDetachedItemIsOwedWhenItChangesNotBefore() {
        long a = devices.get(0);
        long b = devices.get(1);
        long id = insert(a, "la1", ItemIndex.NONE);
        long seq = seq(id);
        settle(a);
        store.write(batch(a, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(new WriteBatch.MapDetach(id, seq - 1)))).block(T);
        assertThat(owed(a)).as("held at an older version: owed").containsExactly(tuple(id, PendingChange.Op.ADD));
        store.write(batch(a, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(new WriteBatch.MapDetach(id, seq)))).block(T);
        assertThat(owed(a)).isEmpty();
        store.write(batch(b, List.of(), List.of(), List.of(), List.of(new WriteBatch.MapUpsert(id, CONTACTS, "lb1",
                seq)), List.of(), List.of(), List.of(), List.of(), List.of(), List.of())).block(T);
        store.write(batch(b, List.of(), List.of(new WriteBatch.ItemUpdate(id, null, VCARD, "edited", "k",
                        ContentHash.of("edited"), CONTACTS, "lb1")), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of())).block(T);
        assertThat(owed(a)).containsExactly(tuple(id, PendingChange.Op.ADD));
    }

    @Test
    void aLuidGivenLaterMakesAChangeSinceTheAddOwed() {
        long a = devices.get(0);
        long b = devices.get(1);
        long id = insert(a, "la1", ItemIndex.NONE);
        long sent = seq(id);
        // b was sent the item; its Map has not come yet (a mapping without a LUID), and a edits it meanwhile
        store.write(batch(b, List.of(), List.of(), List.of(), List.of(new WriteBatch.MapUpsert(id, CONTACTS, null,
                sent)), List.of(), List.of(), List.of(), List.of(), List.of(), List.of())).block(T);
        store.write(batch(a, List.of(), List.of(new WriteBatch.ItemUpdate(id, null, VCARD, "edited", "k",
                        ContentHash.of("edited"), CONTACTS, "la1")), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of())).block(T);
        assertThat(owed(b)).as("no LUID yet: nothing to replace").isEmpty();
        store.write(batch(b, List.of(), List.of(), List.of(), List.of(new WriteBatch.MapUpsert(id, CONTACTS, "lb1",
                null)), List.of(), List.of(), List.of(), List.of(), List.of(), List.of())).block(T);
        assertThat(owed(b)).containsExactly(tuple(id, PendingChange.Op.REPLACE));
    }

    /**
     * b was sent an item that a deleted before b's Map came; the Map's LUID, which b had given an older item before,
     * goes to a new tombstone (so b is sent a Delete): the older item loses its mapping and is owed as an Add.
     */
    @Test
    void aMapOfAnItemGoneMeanwhileTakesItsLuidFromAnOlderItemWhichIsOwedAgain() {
        long a = devices.get(0);
        long b = devices.get(1);
        long older = insert(a, "la1", ItemIndex.NONE);
        store.write(batch(b, List.of(), List.of(), List.of(), List.of(new WriteBatch.MapUpsert(older, CONTACTS,
                "lb1", seq(older))), List.of(), List.of(), List.of(), List.of(), List.of(), List.of())).block(T);
        long sent = insert(a, "la2", ItemIndex.NONE);
        long sentSeq = seq(sent);
        settle(b, 1);
        store.write(batch(a, List.of(), List.of(), List.of(new WriteBatch.ItemDelete(sent, null)), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of())).block(T);
        settle(b, 0);
        store.write(batch(b, List.of(), List.of(), List.of(), List.of(new WriteBatch.MapUpsert(sent, CONTACTS,
                "lb1", sentSeq)), List.of(), List.of(), List.of(), List.of(), List.of(), List.of())).block(T);
        assertThat(owed(b)).extracting(t -> t.toArray()[1]).containsExactlyInAnyOrder(PendingChange.Op.DELETE,
                PendingChange.Op.ADD);
        assertThat(owed(b)).contains(tuple(older, PendingChange.Op.ADD));
    }

    @Test
    void aChangedFilterReadsEverythingAndADateWindowSetsNoMark() {
        long a = devices.get(0);
        insert(a, "la1", new ItemIndex(List.of("vip"), null, null, false));
        long plain = insert(a, "la2", ItemIndex.NONE);
        settle(a);
        assertThat(pending(a, VIP)).extracting(PendingChange::itemId, PendingChange::op)
                .containsExactly(tuple(plain, PendingChange.Op.REMOVE));
        ItemFilter window = new ItemFilter(List.of(), List.of(), Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-12-01T00:00:00Z"));
        long before = mark(a);
        assertThat(pending(a, window)).isEmpty();
        assertThat(mark(a)).as("a window moves with the clock: no mark set").isEqualTo(before);
        assertThat(itemRowsRead(a, window)).as("and none used").isGreaterThanOrEqualTo(2);
    }

    /**
     * A mapping change committed while the query runs, which its snapshot cannot see, must not be covered by the mark
     * it sets. Device a's unmap of an old item, in a write batch not yet committed, holds the account row while a
     * query of a, which reads a newer item of a's own and would set the mark above both, waits to set it: when the
     * unmap commits, the query's mark is not set, and the next query owes the old item. (A mark set anyway would sit
     * above the unmapped item, which would never be sent again.)
     */
    @Test
    void aMarkIsNotSetOverAMappingChangeTheQueryCouldNotSee() {
        long a = devices.get(0);
        long old = insert(a, "la1", ItemIndex.NONE);
        settle(a);
        long newer = insert(a, "la2", ItemIndex.NONE);
        Connection c = Mono.from(db.connectionFactory().create()).block(T);
        try {
            Mono.from(c.beginTransaction()).block(T);
            Sql.query(c, "select count(*) as n from syncgw_write_batch(p_acc => $1, p_dev => $2, p_map_removes => $3)",
                    row -> Sql.getLong(row, "n"), acc, a, new Long[] {old}).blockLast(T);
            var query = store.pendingChanges(acc, a, CONTACTS, ItemFilter.NONE, 0).subscribeOn(Schedulers.single())
                    .toFuture();
            sleep(500);
            assertThat(query).as("the query waits for the account row the batch holds").isNotDone();
            Mono.from(c.commitTransaction()).block(T);
            assertThat(query.join()).as("its snapshot: before the unmap, nothing owed").isEmpty();
        } finally {
            Mono.from(c.close()).block(T);
        }
        assertThat(mark(a)).as("lowered under the unmapped item").isLessThan(seq(old));
        assertThat(owed(a)).containsExactly(tuple(old, PendingChange.Op.ADD));
        assertThat(seq(newer)).isGreaterThan(seq(old));
    }

    // ---- helpers ----

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private WriteBatch batch(long dev, List<WriteBatch.NewItem> inserts, List<WriteBatch.ItemUpdate> updates,
                             List<WriteBatch.ItemDelete> deletes, List<WriteBatch.MapUpsert> maps,
                             List<WriteBatch.MapRemove> removes, List<String> resets,
                             List<WriteBatch.MappingPrune> prunes, List<WriteBatch.ItemPrune> itemPrunes,
                             List<WriteBatch.MapRemove> unmaps, List<WriteBatch.MapDetach> detaches) {
        return new WriteBatch(acc, dev, null, null, resets, inserts, updates, deletes, maps, removes, prunes,
                itemPrunes, List.of(), List.of(), List.of(), List.of(), List.of(), unmaps, detaches, false, null);
    }

    private static WriteBatch.NewItem newItem(int ref, String luid, ItemIndex index) {
        String content = "item " + luid + " " + ref;
        return new WriteBatch.NewItem(ref, CONTACTS, VCARD, content, "k" + luid, ContentHash.of(content), luid, index);
    }

    private static ItemIndex index(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> new ItemIndex(List.of("vip"), null, null, false);
            case 1 -> new ItemIndex(List.of("private"), null, null, false);
            default -> ItemIndex.NONE;
        };
    }

    private static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private long insert(long dev, String luid, ItemIndex index) {
        WriteResult r = store.write(batch(dev, List.of(newItem(1, luid, index)), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of())).block(T);
        return r.insertedIds().get(1);
    }

    /** Device {@code dev} is owed nothing (its own items) and its mark is set above them. */
    private void settle(long dev) {
        settle(dev, 0);
    }

    /** Device {@code dev} is owed {@code owed} changes (not applied) and has a mark. */
    private void settle(long dev, int owed) {
        assertThat(pending(dev, ItemFilter.NONE)).hasSize(owed);
        assertThat(mark(dev)).isPositive();
    }

    private List<PendingChange> pending(long dev, ItemFilter filter) {
        return store.pendingChanges(acc, dev, CONTACTS, filter, 0).block(T);
    }

    private List<org.assertj.core.groups.Tuple> owed(long dev) {
        List<PendingChange> marked = pending(dev, ItemFilter.NONE);
        assertThat(marked).as("the same without the mark").containsExactlyElementsOf(withoutMark(dev, ItemFilter.NONE));
        return marked.stream().map(p -> tuple(p.itemId(), p.op())).toList();
    }

    /** The answer of the query without the device's mark: deleted in a transaction that is rolled back. */
    private List<PendingChange> withoutMark(long dev, ItemFilter filter) {
        return Connections.withConnection(db.connectionFactory(), c -> Mono.from(c.beginTransaction())
                .then(Sql.update(c, "delete from pending_mark where device_id = $1", dev))
                .then(store.pendingChanges(c, acc, dev, CONTACTS, filter, 0))
                .flatMap(answer -> Mono.from(c.rollbackTransaction()).thenReturn(answer))).block(T);
    }

    /** Rows of {@code item} the query reads for the device (with its mark, or without: deleted first). */
    private long itemRowsRead(long dev, boolean withoutMark) {
        return itemRowsRead(dev, ItemFilter.NONE, withoutMark);
    }

    private long itemRowsRead(long dev, ItemFilter filter) {
        return itemRowsRead(dev, filter, false);
    }

    private long itemRowsRead(long dev, ItemFilter filter, boolean withoutMark) {
        return Connections.withConnection(db.connectionFactory(), c -> Mono.from(c.beginTransaction())
                .then(withoutMark ? Sql.update(c, "delete from pending_mark where device_id = $1", dev)
                        : Mono.just(0L))
                .then(itemRowsSoFar(c))
                .flatMap(before -> store.pendingChanges(c, acc, dev, CONTACTS, filter, 0)
                        .then(itemRowsSoFar(c)).map(after -> after - before))
                .flatMap(n -> Mono.from(c.rollbackTransaction()).thenReturn(n))).block(T);
    }

    /**
     * Rows of item fetched by index or read sequentially by this connection and not yet in the shared statistics
     * (PostgreSQL 15 and later keep earlier transactions' counts here too until the backend is idle outside a
     * transaction: hence the difference of two readings in one transaction).
     */
    private static Mono<Long> itemRowsSoFar(Connection c) {
        return Sql.query(c, """
                select coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0) as n
                from pg_stat_xact_user_tables where relname = 'item'""", row -> Sql.getLong(row, "n")).next();
    }

    private static void sql(String statement) {
        Connections.withConnection(db.connectionFactory(), c -> Sql.update(c, statement)).block(T);
    }

    private long mark(long dev) {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select mark from pending_mark where device_id = $1 and datastore = $2",
                row -> Sql.getLong(row, "mark"), dev, CONTACTS).next()).blockOptional(T).orElse(-1L);
    }

    private long seq(long id) {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select change_seq from item where id = $1", row -> Sql.getLong(row, "change_seq"), id).next())
                .block(T);
    }

    /** The device's mappings: item id and known sequence. */
    private List<long[]> mappings(long dev) {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select item_id, known_seq from item_map where device_id = $1 order by item_id",
                row -> new long[] {Sql.getLong(row, "item_id"), Sql.getLong(row, "known_seq")}, dev).collectList())
                .block(T);
    }

    private String luidOf(long dev, long itemId) {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select luid from item_map where device_id = $1 and item_id = $2",
                row -> java.util.Optional.ofNullable(Sql.getText(row, "luid")), dev, itemId).next())
                .blockOptional(T).flatMap(o -> o).orElse(null);
    }

    /** The account's live items: id and change_seq. */
    private List<long[]> liveItems() {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select id, change_seq from item where account_id = $1 and not deleted order by id",
                row -> new long[] {Sql.getLong(row, "id"), Sql.getLong(row, "change_seq")}, acc).collectList())
                .block(T);
    }
}
