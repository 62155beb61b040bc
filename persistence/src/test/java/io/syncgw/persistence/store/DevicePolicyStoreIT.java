package io.syncgw.persistence.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.port.DeviceRecord;
import io.syncgw.engine.port.ItemFilter;
import io.syncgw.engine.port.ItemIndex;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.Registration;
import io.syncgw.engine.port.WriteBatch;
import io.syncgw.engine.port.WriteResult;
import io.syncgw.engine.sync.ConflictPolicy;
import io.syncgw.engine.sync.ContentHash;
import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Device slots, policies and per-device filtering of {@link R2dbcSyncStore} against a real PostgreSQL (V5). */
class DevicePolicyStoreIT {
    private static final Duration T = Duration.ofSeconds(30);
    private static final AtomicInteger LOGINS = new AtomicInteger();
    private static Database db;
    private static R2dbcSyncStore store;
    private static AccountAdmin admin;
    private String login;
    private long acc;

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
        login = "policy" + LOGINS.incrementAndGet();
        acc = admin.add(login, "secret").block(T);
    }

    private long sql(String statement, Object... args) {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.update(c, statement, args)).block(T);
    }

    private Registration register(String uri, int max) {
        return store.registerDevice(acc, uri, max).block(T);
    }

    private static DeviceRecord device(Registration r) {
        assertThat(r).isInstanceOf(Registration.Registered.class);
        return ((Registration.Registered) r).device();
    }

    private static WriteBatch batch(long acc, long dev, List<WriteBatch.NewItem> inserts,
                                    List<WriteBatch.MapRemove> unmaps, List<WriteBatch.MapDetach> detaches,
                                    boolean consume, WriteBatch.DevInfUpdate devInf,
                                    List<WriteBatch.AnchorCommit> anchors) {
        return new WriteBatch(acc, dev, null, devInf, List.of(), inserts, List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), anchors, List.of(), List.of(), List.of(), List.of(), unmaps, detaches, consume,
                null);
    }

    private static WriteBatch.NewItem item(int ref, String ds, String text, String luid, ItemIndex index) {
        return new WriteBatch.NewItem(ref, ds, "text/vcard", text, "k" + ref, ContentHash.of(text), luid, index);
    }

    private WriteResult write(WriteBatch b) {
        return store.write(b).block(T);
    }

    private List<PendingChange> pending(long dev, String ds, ItemFilter f) {
        return store.pendingChanges(acc, dev, ds, f).block(T);
    }

    @Test
    void slotsUpToTheLimitThenNonActiveOnesThenNone() {
        for (int i = 1; i <= 4; i++) {
            assertThat(device(register("d" + i, 4)).slot()).isEqualTo(i);
        }
        assertThat(register("d5", 4)).isEqualTo(new Registration.NoFreeSlot(4));
        assertThat(device(register("d2", 4)).slot()).as("a known device keeps its slot").isEqualTo(2);
        sql("update device set active = false where account_id = $1 and slot = 3", acc);
        DeviceRecord five = device(register("d5", 4));
        assertThat(five.slot()).isEqualTo(3);
        assertThat(five.policy()).isEqualTo(DevicePolicy.DEFAULT);
        assertThat(store.lookupAccount(login, "d3").block(T).device()).as("the non-active device gave way").isNull();
        // the account's own limit wins over the server's
        sql("update account set max_devices = 5 where id = $1", acc);
        assertThat(device(register("d6", 4)).slot()).isEqualTo(5);
        assertThat(register("d7", 4)).isEqualTo(new Registration.NoFreeSlot(5));
    }

    @Test
    void thePolicyColumnsReachTheEngine() {
        long dev = device(register("phone", 4)).id();
        sql("""
                update device set name = 'Work phone', datastores = '{contacts,calendar}', direction = 'from-server',
                    contact_categories = '{Personal}', exclude_categories = '{VIP}', calendar_past_days = 7,
                    calendar_future_days = 30, conflict_policy = 'newest-wins', deletes_propagate = false,
                    next_sync = 'refresh-from-server' where id = $1""", dev);
        DevicePolicy p = store.lookupAccount(login, "phone").block(T).device().policy();
        assertThat(p).isEqualTo(new DevicePolicy("Work phone", true, java.util.Set.of("contacts", "calendar"),
                DevicePolicy.Direction.FROM_SERVER, List.of("Personal"), List.of("VIP"), 7, 30,
                ConflictPolicy.NEWEST_WINS, false, DevicePolicy.NextSync.REFRESH_FROM_SERVER));
        // consumed once applied; DevInf manufacturer/model and the last sync recorded
        write(batch(acc, dev, List.of(), List.of(), List.of(), true,
                new WriteBatch.DevInfUpdate("<DevInf/>", "h1", "Nokia", "6230i"),
                List.of(new WriteBatch.AnchorCommit("contacts", "c1", "s1"))));
        assertThat(store.lookupAccount(login, "phone").block(T).device().policy().nextSync())
                .isEqualTo(DevicePolicy.NextSync.NORMAL);
        long recorded = Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select count(*) as n from device where id = $1 and manufacturer = 'Nokia' and model = '6230i'"
                        + " and last_sync > now() - interval '1 minute'", row -> Sql.getLong(row, "n"), dev).next())
                .block(T);
        assertThat(recorded).isEqualTo(1);
    }

    @Test
    void categoriesDecideWhatADeviceIsOwedAndWhatLeavesIt() {
        long a = device(register("a", 4)).id();
        long b = device(register("b", 4)).id();
        WriteResult w = write(batch(acc, a, List.of(
                item(1, "contacts", "personal", "l1", new ItemIndex(List.of("personal"), null, null, false)),
                item(2, "contacts", "business", "l2", new ItemIndex(List.of("business"), null, null, false)),
                item(3, "contacts", "none", "l3", ItemIndex.NONE),
                item(4, "contacts", "personal vip", "l4", new ItemIndex(List.of("personal", "vip"), null, null,
                        false))), List.of(), List.of(), false, null, List.of()));
        ItemFilter personal = new ItemFilter(List.of("personal"), List.of("vip"), null, null);
        assertThat(pending(b, "contacts", personal)).extracting(PendingChange::itemId)
                .containsExactly(w.insertedIds().get(1));
        assertThat(pending(b, "contacts", ItemFilter.NONE)).hasSize(4);
        assertThat(pending(b, "contacts", new ItemFilter(List.of(), List.of("business"), null, null))).hasSize(3);
        // device a holds all four; under the filter the three others leave it (REMOVE), nothing is deleted
        assertThat(pending(a, "contacts", personal)).extracting(PendingChange::op)
                .containsExactly(PendingChange.Op.REMOVE, PendingChange.Op.REMOVE, PendingChange.Op.REMOVE);
    }

    @Test
    void theWindowTakesSpansRecurrencesAndUndatedItems() {
        long a = device(register("a", 4)).id();
        long b = device(register("b", 4)).id();
        Instant t = Instant.parse("2026-11-29T00:00:00Z");
        Map<Integer, Long> ids = write(batch(acc, a, List.of(
                item(1, "calendar", "long ago", "e1", span("2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z", false)),
                item(2, "calendar", "last week", "e2", span("2026-11-24T10:00:00Z", "2026-11-24T11:00:00Z", false)),
                item(3, "calendar", "next year", "e3", span("2027-06-01T10:00:00Z", "2027-06-01T11:00:00Z", false)),
                item(4, "calendar", "endless weekly", "e4", new ItemIndex(List.of(),
                        Instant.parse("2026-01-05T08:00:00Z"), null, true)),
                item(5, "calendar", "a task without dates", "e5", ItemIndex.NONE)),
                List.of(), List.of(), false, null, List.of())).insertedIds();
        ItemFilter window = new ItemFilter(List.of(), List.of(), t.minus(Duration.ofDays(7)),
                t.plus(Duration.ofDays(31)));
        List<PendingChange> owed = pending(b, "calendar", window);
        assertThat(owed).extracting(PendingChange::itemId).containsExactly(ids.get(2), ids.get(4), ids.get(5));
        assertThat(owed).filteredOn(PendingChange::recurring).extracting(PendingChange::itemId)
                .containsExactly(ids.get(4));
    }

    private static ItemIndex span(String from, String to, boolean recurring) {
        return new ItemIndex(List.of(), Instant.parse(from), Instant.parse(to), recurring);
    }

    @Test
    void aDetachedMappingIsNotOwedUntilTheItemChangesAndUnmapsRunBeforeInserts() {
        long a = device(register("a", 4)).id();
        long b = device(register("b", 4)).id();
        long id = write(batch(acc, a, List.of(item(1, "contacts", "x", "la", ItemIndex.NONE)), List.of(), List.of(),
                false, null, List.of())).insertedIds().get(1);
        // b holds it under LUID "lb", then deletes it locally without the deletion propagating
        write(new WriteBatch(acc, b, null, null, List.of(), List.of(), List.of(), List.of(),
                List.of(new WriteBatch.MapUpsert(id, "contacts", "lb", 1_000_000L)), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of()));
        write(batch(acc, b, List.of(), List.of(), List.of(new WriteBatch.MapDetach(id, seqOf(id))), false, null,
                List.of()));
        assertThat(pending(b, "contacts", ItemFilter.NONE)).as("detached: not owed").isEmpty();
        assertThat(store.lookupItems(acc, b, "contacts", List.of("lb"), List.of()).block(T).byLuid()).isEmpty();
        // the item changes (by plain SQL here: so the account's generation moves on too, as every writer's does)
        sql("update item set change_seq = nextval('item_change_seq') where id = $1", id);
        sql("update account set change_gen = change_gen + 1 where id = $1", acc);
        assertThat(pending(b, "contacts", ItemFilter.NONE)).extracting(PendingChange::op)
                .containsExactly(PendingChange.Op.ADD);

        // duplicate conflict: a's LUID "la" moves to a new item in the same batch
        WriteResult dup = write(batch(acc, a, List.of(item(7, "contacts", "x (a's version)", "la", ItemIndex.NONE)),
                List.of(new WriteBatch.MapRemove(id)), List.of(), false, null, List.of()));
        long copy = dup.insertedIds().get(7);
        assertThat(store.lookupItems(acc, a, "contacts", List.of("la"), List.of()).block(T).byLuid().get("la")
                .itemId()).isEqualTo(copy);
        assertThat(pending(a, "contacts", ItemFilter.NONE)).extracting(PendingChange::itemId, PendingChange::op)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(id, PendingChange.Op.ADD));
        assertThat(store.lookupItems(acc, a, "contacts", List.of("la"), List.of()).block(T).byLuid().get("la")
                .updatedAt()).isNotNull();
    }

    private long seqOf(long id) {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select change_seq from item where id = $1", row -> Sql.getLong(row, "change_seq"), id).next())
                .block(T);
    }

    private WriteBatch leased(long dev, WriteBatch.DeviceLease.Kind kind, String key) {
        return new WriteBatch(acc, dev, "nonce-" + key, null, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), false, new WriteBatch.DeviceLease(kind, key, 30));
    }

    @Test
    void oneSessionHoldsADeviceAtATime() {
        long dev = device(register("phone", 4)).id();
        write(leased(dev, WriteBatch.DeviceLease.Kind.CLAIM, "s1"));
        write(leased(dev, WriteBatch.DeviceLease.Kind.RENEW, "s1"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> write(leased(dev, WriteBatch.DeviceLease.Kind.CLAIM,
                "s2"))).isInstanceOf(io.syncgw.engine.port.DeviceBusyException.class);
        assertThat(store.lookupAccount(login, "phone").block(T).device().nonce()).as("nothing of it applied")
                .isEqualTo("nonce-s1");
        // a resume takes the device over; the old session is then the one refused
        write(leased(dev, WriteBatch.DeviceLease.Kind.TAKE_OVER, "s3"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> write(leased(dev, WriteBatch.DeviceLease.Kind.RENEW,
                "s1"))).isInstanceOf(io.syncgw.engine.port.DeviceBusyException.class);
        // released with the completing batch, or run out: free again
        write(leased(dev, WriteBatch.DeviceLease.Kind.RELEASE, "s3"));
        write(leased(dev, WriteBatch.DeviceLease.Kind.CLAIM, "s4"));
        sql("update device set session_until = now() - interval '1 second' where id = $1", dev);
        write(leased(dev, WriteBatch.DeviceLease.Kind.CLAIM, "s5"));
    }

    /** The completing batch of a session that never held the device: its anchors, claimed for no time at all. */
    private WriteBatch completing(long dev, String key, String clientNext) {
        return new WriteBatch(acc, dev, null, null, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(new WriteBatch.AnchorCommit("contacts", clientNext, "s-" + key)),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), false,
                new WriteBatch.DeviceLease(WriteBatch.DeviceLease.Kind.CLAIM, key, 0));
    }

    private String clientAnchor(long dev) {
        io.syncgw.engine.port.StoredAnchor a = store.loadAnchors(dev).block(T).get("contacts");
        return a == null ? null : a.clientNext();
    }

    @Test
    void anIdleSessionsAnchorsAreCommittedOnlyWhileNoOtherSessionHoldsTheDevice() {
        long dev = device(register("idle", 4)).id();
        write(completing(dev, "s1", "c1"));
        assertThat(clientAnchor(dev)).isEqualTo("c1");
        write(leased(dev, WriteBatch.DeviceLease.Kind.CLAIM, "s2")); // another session of the device holds it
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> write(completing(dev, "s3", "c3")))
                .isInstanceOf(io.syncgw.engine.port.DeviceBusyException.class);
        assertThat(clientAnchor(dev)).as("nothing of the refused batch committed").isEqualTo("c1");
        write(leased(dev, WriteBatch.DeviceLease.Kind.RELEASE, "s2"));
        write(completing(dev, "s4", "c4"));
        assertThat(clientAnchor(dev)).isEqualTo("c4");
        // it let go at once: the next session claims without waiting
        write(leased(dev, WriteBatch.DeviceLease.Kind.CLAIM, "s5"));
    }

    /** {@code base} with a new contact: no longer a device-only batch, so it goes through syncgw_write_batch. */
    private static WriteBatch withItem(WriteBatch base, int ref) {
        return new WriteBatch(base.accountId(), base.deviceId(), base.nonce(), base.devInf(), List.of(),
                List.of(item(ref, "contacts", "card " + ref, "l" + ref, ItemIndex.NONE)), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), base.anchors(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), false, base.lease());
    }

    private long liveItems() {
        return pending(device(register("counter", 4)).id(), "contacts", ItemFilter.NONE).size();
    }

    @Test
    void batchesWithItemsHoldTheDeviceLikeDeviceOnlyOnes() {
        long dev = device(register("both", 4)).id();
        write(leased(dev, WriteBatch.DeviceLease.Kind.CLAIM, "s1"));
        long before = liveItems();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> write(withItem(leased(dev,
                WriteBatch.DeviceLease.Kind.CLAIM, "s2"), 1))).isInstanceOf(io.syncgw.engine.port.DeviceBusyException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> write(withItem(completing(dev, "s3", "c3"), 2)))
                .isInstanceOf(io.syncgw.engine.port.DeviceBusyException.class);
        assertThat(liveItems()).as("nothing of the refused batches written").isEqualTo(before);
        assertThat(clientAnchor(dev)).isNull();
        assertThat(store.lookupAccount(login, "both").block(T).device().nonce()).isEqualTo("nonce-s1");
        // let go by a batch with an item, then an idle-like completion with an item takes and frees it at once
        write(withItem(leased(dev, WriteBatch.DeviceLease.Kind.RELEASE, "s1"), 3));
        write(withItem(completing(dev, "s4", "c4"), 4));
        assertThat(clientAnchor(dev)).isEqualTo("c4");
        assertThat(liveItems()).isEqualTo(before + 2);
        write(leased(dev, WriteBatch.DeviceLease.Kind.CLAIM, "s5"));
        // a claim with an item holds the device against a device-only claim, and a take-over wins
        write(withItem(leased(dev, WriteBatch.DeviceLease.Kind.TAKE_OVER, "s6"), 5));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> write(leased(dev, WriteBatch.DeviceLease.Kind.CLAIM,
                "s7"))).isInstanceOf(io.syncgw.engine.port.DeviceBusyException.class);
        assertThat(store.lookupAccount(login, "both").block(T).device().nonce()).isEqualTo("nonce-s6");
    }

    @Test
    void categoriesAndSpansAreStoredWithTheItems() {
        long a = device(register("a", 4)).id();
        write(batch(acc, a, List.of(item(1, "calendar", "e", "l", new ItemIndex(List.of("work", "project x"),
                Instant.parse("2026-12-01T09:00:00Z"), Instant.parse("2026-12-01T10:00:00Z"), true))),
                List.of(), List.of(), false, null, List.of()));
        String row = Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select array_to_string(categories, '|') || ' ' || span_start || ' ' || span_end || ' ' || recurring"
                        + " as r from item where account_id = $1", row2 -> Sql.getText(row2, "r"), acc)
                .collect(Collectors.joining())).block(T);
        assertThat(row).startsWith("work|project x 2026-12-01 09:00:00").contains("10:00:00").endsWith("true");
    }
}
