package io.syncgw.persistence.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.syncgw.engine.auth.Md5Auth;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.port.AccountLookup;
import io.syncgw.engine.port.DeviceRecord;
import io.syncgw.engine.port.ItemFacts;
import io.syncgw.engine.port.PendingChange;
import io.syncgw.engine.port.PendingChange.Op;
import io.syncgw.engine.port.StoredAnchor;
import io.syncgw.engine.port.StoredItem;
import io.syncgw.engine.port.WriteBatch;
import io.syncgw.engine.port.WriteResult;
import io.syncgw.engine.sync.ContentHash;
import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.testing.Batch;
import io.syncgw.persistence.testing.CountingConnectionFactory;
import io.syncgw.persistence.testing.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@link R2dbcSyncStore} against a real PostgreSQL: every port method and every {@code WriteBatch} operation. */
class R2dbcSyncStoreIT {

    private static final Duration T = Duration.ofSeconds(30);
    private static final String CONTACTS = "contacts";
    private static final String CALENDAR = "calendar";
    private static final AtomicInteger LOGINS = new AtomicInteger();

    private static Database db;
    private static CountingConnectionFactory counting;
    private static R2dbcSyncStore store;
    private static AccountAdmin admin;

    private String login;
    private long acc;
    private long devA;
    private long devB;

    @BeforeAll
    static void startDatabase() {
        db = TestPostgres.migratedDatabase();
        counting = new CountingConnectionFactory(db.connectionFactory());
        store = new R2dbcSyncStore(counting);
        admin = new AccountAdmin(db.connectionFactory(), new PasswordHasher(1_000));
    }

    @AfterAll
    static void closeDatabase() {
        db.close();
    }

    @BeforeEach
    void account() {
        login = "user" + LOGINS.incrementAndGet();
        acc = admin.add(login, "secret").block(T);
        devA = store.registerDevice(acc, "dev-a").block(T).id();
        devB = store.registerDevice(acc, "dev-b").block(T).id();
    }

    // ---- accounts and devices ----

    @Test
    void lookupAccountFindsAccountAndOnlyItsOwnDevice() {
        assertThat(store.lookupAccount("nobody", "dev-a").block(T)).isEqualTo(AccountLookup.UNKNOWN);

        AccountLookup known = store.lookupAccount(login, "dev-a").block(T);
        assertThat(known.account().accountId()).isEqualTo(acc);
        assertThat(known.account().login()).isEqualTo(login);
        assertThat(PasswordHasher.verify("secret", known.account().passwordHash())).isTrue();
        assertThat(known.account().md5Digest()).isEqualTo(PasswordHasher.md5Digest(login, "secret"));
        assertThat(known.device()).isEqualTo(new DeviceRecord(devA, acc, "dev-a", 1, null, null));

        assertThat(store.lookupAccount(login, "dev-new").block(T).device()).isNull();
        long other = admin.add(login + "-other", "pw").block(T);
        store.registerDevice(other, "dev-new").block(T);
        assertThat(store.lookupAccount(login, "dev-new").block(T).device()).as("another account's device").isNull();
    }

    @Test
    void registerDeviceIsIdempotentAndTakesTheLowestFreeSlot() {
        DeviceRecord a = store.lookupAccount(login, "dev-a").block(T).device();
        assertThat(store.registerDevice(acc, "dev-a").block(T)).isEqualTo(a);
        assertThat(store.registerDevice(acc, "dev-c").block(T).slot()).isEqualTo(3);
        TestPostgres.jdbc(db.config().port(), db.config().database(), "delete from device where id = " + devA);
        assertThat(store.registerDevice(acc, "dev-d").block(T).slot()).as("slot 1 is free again").isEqualTo(1);
        assertThat(store.registerDevice(acc, "dev-e").block(T).slot()).isEqualTo(4);
    }

    @Test
    void concurrentRegistrationsGetDistinctSlotsAndOneRowPerDevice() {
        List<DeviceRecord> many = Flux.range(0, 12)
                .flatMap(i -> store.registerDevice(acc, "par-" + (i % 6)), 12)
                .collectList().block(T);
        Map<String, Set<Long>> idsByUri = many.stream().collect(Collectors.groupingBy(DeviceRecord::deviceUri,
                Collectors.mapping(DeviceRecord::id, Collectors.toSet())));
        assertThat(idsByUri).hasSize(6).allSatisfy((uri, ids) -> assertThat(ids).hasSize(1));
        Set<Integer> slots = many.stream().map(DeviceRecord::slot).collect(Collectors.toSet());
        assertThat(slots).containsExactlyInAnyOrder(3, 4, 5, 6, 7, 8);
    }

    @Test
    void nonceAndDevInfAreStoredAndAnUnchangedDevInfIsNotRewritten() {
        assertThat(store.loadDevInf(devA).blockOptional(T)).isEmpty();
        write(Batch.of(acc, devA).nonce("n1").devInf("<DevInf>1</DevInf>", "h1"));
        DeviceRecord d = store.lookupAccount(login, "dev-a").block(T).device();
        assertThat(d.nonce()).isEqualTo("n1");
        assertThat(d.devInfHash()).isEqualTo("h1");
        assertThat(store.loadDevInf(devA).block(T)).isEqualTo("<DevInf>1</DevInf>");

        // same hash: the text is kept (the device sent what we have); nonce alone keeps the devinf
        write(Batch.of(acc, devA).devInf("<DevInf>same hash</DevInf>", "h1"));
        write(Batch.of(acc, devA).nonce("n2"));
        assertThat(store.loadDevInf(devA).block(T)).isEqualTo("<DevInf>1</DevInf>");
        assertThat(store.lookupAccount(login, "dev-a").block(T).device().nonce()).isEqualTo("n2");

        write(Batch.of(acc, devA).devInf("<DevInf>2</DevInf>", "h2"));
        assertThat(store.loadDevInf(devA).block(T)).isEqualTo("<DevInf>2</DevInf>");
        assertThat(store.lookupAccount(login, "dev-a").block(T).device().nonce()).as("kept").isEqualTo("n2");
    }

    /** The SyncML 1.1 digest of login:secret with a nonce given as base64 text. */
    private static byte[] digest(String login, String password, String base64Nonce) {
        return Md5Auth.expected(PasswordHasher.md5Digest(login, password), NonceSource.bytes(base64Nonce));
    }

    @Test
    void aLookupWithTheRightDigestStoresTheNextNonceInTheSameStatement() {
        String n1 = "bm9uY2Ux"; // "nonce1"
        write(Batch.of(acc, devA).nonce(n1));
        counting.reset();
        AccountLookup first = store.lookupAccount(login, "dev-a", "bjI=", digest(login, "secret", n1)).block(T);
        assertThat(counting.sent()).as("one statement").hasSize(1);
        assertThat(first.nonceRotated()).isTrue();
        assertThat(first.device().nonce()).as("the nonce this message's digest was made with").isEqualTo(n1);
        assertThat(first.account().accountId()).isEqualTo(acc);
        assertThat(first.anchors()).as("read with it as before").isEmpty();
        assertThat(store.lookupAccount(login, "dev-a").block(T).device().nonce()).isEqualTo("bjI=");

        // the digest is made with the stored nonce, so the same one does not work twice
        AccountLookup replayed = store.lookupAccount(login, "dev-a", "bjM=", digest(login, "secret", n1)).block(T);
        assertThat(replayed.nonceRotated()).isFalse();
        assertThat(store.lookupAccount(login, "dev-a", "bjM=", digest(login, "wrong", "bjI=")).block(T)
                .nonceRotated()).as("wrong password").isFalse();
        assertThat(store.lookupAccount(login, "dev-a").block(T).device().nonce()).as("nothing written")
                .isEqualTo("bjI=");
        // a nonce with bytes that are not text: as Java decodes it
        String binary = java.util.Base64.getEncoder().encodeToString(new byte[] {0, -1, 10, 58, -128, 127});
        write(Batch.of(acc, devA).nonce(binary));
        assertThat(store.lookupAccount(login, "dev-a", "bjQ=", digest(login, "secret", binary)).block(T)
                .nonceRotated()).isTrue();

        AccountLookup unknownDevice = store.lookupAccount(login, "dev-new", "bjU=", digest(login, "secret", ""))
                .block(T);
        assertThat(unknownDevice.device()).isNull();
        assertThat(unknownDevice.nonceRotated()).isFalse();
        assertThat(store.lookupAccount("nobody", "dev-a", "bjU=", digest("nobody", "secret", "bjQ=")).block(T))
                .isEqualTo(AccountLookup.UNKNOWN);
    }

    @Test
    void aLookupLeavesTheNonceOfANonActiveDeviceAMalformedNonceAndAnAccountWithoutMd5() {
        write(Batch.of(acc, devB).nonce("YjE="));
        TestPostgres.jdbc(db.config().port(), db.config().database(),
                "update device set active = false where id = " + devB);
        assertThat(store.lookupAccount(login, "dev-b", "YjI=", digest(login, "secret", "YjE=")).block(T)
                .nonceRotated()).as("a non-active device is refused: its nonce stays").isFalse();
        assertThat(store.lookupAccount(login, "dev-b").block(T).device().nonce()).isEqualTo("YjE=");

        write(Batch.of(acc, devA).nonce("not base64!"));
        AccountLookup malformed = store.lookupAccount(login, "dev-a", "YjI=", digest(login, "secret", "not base64!"))
                .block(T);
        assertThat(malformed.nonceRotated()).as("not decoded, no error: the engine writes the next one").isFalse();
        assertThat(malformed.device().nonce()).isEqualTo("not base64!");

        String noMd5 = login + "-basic";
        long basicOnly = admin.add(noMd5, "pw", false).block(T);
        store.registerDevice(basicOnly, "dev-a").block(T);
        assertThat(store.lookupAccount(noMd5, "dev-a", "YjM=", digest(noMd5, "pw", "")).block(T).nonceRotated())
                .as("an account without MD5 has no use for a nonce").isFalse();
        assertThat(store.lookupAccount(noMd5, "dev-a").block(T).device().nonce()).isNull();
    }

    @Test
    void anchorsKeepThePreviousClientAnchor() {
        assertThat(store.loadAnchors(devA).block(T)).isEmpty();
        write(Batch.of(acc, devA).anchor(CONTACTS, "c1", "s1").anchor(CALENDAR, "x1", "y1"));
        write(Batch.of(acc, devA).anchor(CONTACTS, "c2", "s2"));
        Map<String, StoredAnchor> anchors = store.loadAnchors(devA).block(T);
        assertThat(anchors).containsOnlyKeys(CONTACTS, CALENDAR);
        assertThat(anchors.get(CONTACTS)).isEqualTo(new StoredAnchor(CONTACTS, "c2", "c1", "s2"));
        assertThat(anchors.get(CALENDAR)).isEqualTo(new StoredAnchor(CALENDAR, "x1", null, "y1"));
        assertThat(store.loadAnchors(devB).block(T)).isEmpty();
    }

    // ---- inserts, pending changes ----

    @Test
    void insertsReportIdsAndSequencesAndANewDeviceIsOwedEverythingAsAdds() {
        WriteResult r = write(Batch.of(acc, devA)
                .insert(7, CONTACTS, "Anna", "anna", "1")
                .insert(8, CONTACTS, "Bernd", "bernd", "2")
                .insert(9, CALENDAR, "Meeting", null, "1"));
        assertThat(r.insertedIds()).containsOnlyKeys(7, 8, 9);
        assertThat(r.conflicts()).isEmpty();
        long anna = r.insertedIds().get(7);
        long bernd = r.insertedIds().get(8);
        assertThat(r.newSeqs()).containsOnlyKeys(r.insertedIds().values().toArray(Long[]::new));
        assertThat(Set.copyOf(r.newSeqs().values())).as("one global sequence: all distinct").hasSize(3);

        assertThat(pending(devA, CONTACTS)).as("the device has what it sent").isEmpty();
        DeviceRecord c = store.registerDevice(acc, "dev-c").block(T);
        assertThat(pending(c.id(), CONTACTS)).containsExactly(
                new PendingChange(Op.ADD, anna, null, r.newSeqs().get(anna), Batch.VCARD, 4),
                new PendingChange(Op.ADD, bernd, null, r.newSeqs().get(bernd), Batch.VCARD, 5));
        assertThat(pending(c.id(), CALENDAR)).hasSize(1);

        Map<Long, StoredItem> loaded = store.loadItems(acc, List.of(anna, bernd, 999_999L)).block(T);
        assertThat(loaded).containsOnlyKeys(anna, bernd);
        assertThat(loaded.get(anna)).isEqualTo(new StoredItem(anna, r.newSeqs().get(anna), false, Batch.VCARD,
                "Anna"));
        long other = admin.add(login + "-x", "pw").block(T);
        assertThat(store.loadItems(other, List.of(anna)).block(T)).as("another account's items").isEmpty();
    }

    @Test
    void pendingChangesBringTheContentOfTheFirstAddsAndReplacesWithinTheBudget() {
        WriteResult r = write(Batch.of(acc, devA)
                .insert(1, CONTACTS, "Anna", "anna", "1")      // 4 characters
                .insert(2, CONTACTS, "Bernd", "bernd", "2")    // 5
                .insert(3, CONTACTS, "Carla", "carla", "3"));  // 5
        long anna = r.insertedIds().get(1);
        long bernd = r.insertedIds().get(2);
        long carla = r.insertedIds().get(3);
        DeviceRecord c = store.registerDevice(acc, "dev-c").block(T);
        List<PendingChange> owed = store.pendingChanges(acc, c.id(), CONTACTS,
                io.syncgw.engine.port.ItemFilter.NONE, 9).block(T);
        assertThat(owed).extracting(PendingChange::itemId, PendingChange::content).containsExactly(
                org.assertj.core.groups.Tuple.tuple(anna, "Anna"), org.assertj.core.groups.Tuple.tuple(bernd, "Bernd"),
                org.assertj.core.groups.Tuple.tuple(carla, null));
        assertThat(owed.stream().map(PendingChange::withoutContent).toList())
                .as("otherwise the same list as without a budget").isEqualTo(pending(c.id(), CONTACTS));
        // deletes come first and count nothing; the replace after them is within the budget
        write(Batch.of(acc, c.id()).mapUpsert(anna, CONTACTS, "ca", r.newSeqs().get(anna))
                .mapUpsert(bernd, CONTACTS, "cb", r.newSeqs().get(bernd)));
        WriteResult u = write(Batch.of(acc, devA).update(anna, null, CONTACTS, "Anna B.", "anna", "1")
                .delete(bernd, null));
        assertThat(store.pendingChanges(acc, c.id(), CONTACTS, io.syncgw.engine.port.ItemFilter.NONE, 7).block(T))
                .extracting(PendingChange::op, PendingChange::itemId, PendingChange::content).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Op.DELETE, bernd, null),
                        org.assertj.core.groups.Tuple.tuple(Op.REPLACE, anna, "Anna B."),
                        org.assertj.core.groups.Tuple.tuple(Op.ADD, carla, null));
        assertThat(u.conflicts()).isEmpty();
    }

    /**
     * A write followed by the read of what the device is owed, in one statement: the read sees the write (the
     * device's own new items and the item it just mapped are not owed; another device's are), its content budget
     * and order are those of the read alone, and a refused write (busy device) writes nothing.
     */
    @Test
    void aWriteWithItsPendingReadIsOneStatementThatSeesTheWrite() {
        WriteResult r = write(Batch.of(acc, devB).insert(1, CONTACTS, "Bea", "bea", "b1")
                .insert(2, CONTACTS, "Bo", "bo", "b2"));
        long bea = r.insertedIds().get(1);
        long bo = r.insertedIds().get(2);
        counting.reset();
        io.syncgw.engine.port.PendingRead read = new io.syncgw.engine.port.PendingRead(CONTACTS,
                io.syncgw.engine.port.ItemFilter.NONE, 3);
        // A adds two of its own and maps B's Bea (a slow sync's twin): only Bo is owed, read after the write
        io.syncgw.engine.port.WrittenAndPending both = store.write(Batch.of(acc, devA)
                .insert(1, CONTACTS, "Anna", "anna", "a1").insert(2, CONTACTS, "Axel", "axel", "a2")
                .mapUpsert(bea, CONTACTS, "a-bea", r.newSeqs().get(bea)).build(), read).block(T);
        assertThat(counting.sent()).as("one statement").hasSize(1);
        long anna = both.result().insertedIds().get(1);
        assertThat(both.result().newSeqs()).containsKey(anna);
        assertThat(both.pending()).as("not A's own items nor the one it just mapped; content within 3 characters")
                .extracting(PendingChange::op, PendingChange::itemId, PendingChange::content).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Op.ADD, bo, "Bo"));
        assertThat(pending(devA, CONTACTS)).as("the same as the read alone, after it")
                .isEqualTo(both.pending().stream().map(PendingChange::withoutContent).toList());

        // held by another session: the write is refused and nothing is read (the held device's mark stays)
        write(Batch.of(acc, devB).update(bo, null, CONTACTS, "Bo B.", "bo", "b2"));
        WriteBatch claimA = Batch.of(acc, devA).insert(3, CONTACTS, "Ada", "ada", "a3").build();
        WriteBatch held = withLease(claimA, WriteBatch.DeviceLease.Kind.CLAIM, "other");
        store.write(withLease(Batch.of(acc, devA).nonce("aG9sZGVy").build(), WriteBatch.DeviceLease.Kind.CLAIM,
                "holder")).block(T);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.write(held, read).block(T))
                .isInstanceOf(io.syncgw.engine.port.DeviceBusyException.class);
        assertThat(liveCount(CONTACTS)).as("nothing of the refused write").isEqualTo(4);
        assertThat(pending(devA, CONTACTS)).extracting(PendingChange::op, PendingChange::itemId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Op.ADD, bo));
    }

    private long liveCount(String datastore) {
        return Connections.withConnection(db.connectionFactory(), c -> Sql.query(c,
                "select count(*) as n from item where account_id = $1 and datastore = $2 and not deleted",
                row -> Sql.getLong(row, "n"), acc, datastore).next()).block(T);
    }

    private static WriteBatch withLease(WriteBatch b, WriteBatch.DeviceLease.Kind kind, String key) {
        return new WriteBatch(b.accountId(), b.deviceId(), b.nonce(), b.devInf(), b.resets(), b.inserts(),
                b.updates(), b.deletes(), b.mapUpserts(), b.mapRemoves(), b.prunes(), b.itemPrunes(), b.anchors(),
                b.chunkAppends(), b.chunkDiscards(), b.checkpoints(), b.resumeClears(), b.unmaps(), b.detaches(),
                b.consumeNextSync(), new WriteBatch.DeviceLease(kind, key, 30));
    }

    @Test
    void theLookupBringsTheServerCopyOfAMappedItemWhoseContentDiffersFromTheDevices() {
        WriteResult r = write(Batch.of(acc, devA)
                .insert(1, CONTACTS, "Anna", "anna", "la")
                .insert(2, CONTACTS, "Bernd", "bernd", "lb")
                .insert(3, CONTACTS, "Carla", "carla", "lc"));
        long anna = r.insertedIds().get(1);
        long bernd = r.insertedIds().get(2);
        long carla = r.insertedIds().get(3);
        write(Batch.of(acc, devB).delete(carla, null)); // a tombstone: devA still maps it
        ItemFacts f = store.lookupItems(acc, devA, CONTACTS, List.of("la", "lb", "lc"), List.of(),
                Map.of("la", ContentHash.of("Anna"), "lb", ContentHash.of("Bernd (changed)"),
                        "lc", ContentHash.of("Carla (changed)"))).block(T);
        assertThat(f.byLuid()).containsOnlyKeys("la", "lb", "lc");
        assertThat(f.bases()).as("only the copy that differs, and no tombstone").containsOnlyKeys(bernd);
        assertThat(f.bases().get(bernd)).isEqualTo(new StoredItem(bernd, r.newSeqs().get(bernd), false, Batch.VCARD,
                "Bernd"));
        assertThat(store.lookupItems(acc, devA, CONTACTS, List.of("la", "lb"), List.of()).block(T).bases())
                .as("no hashes, no copies").isEmpty();
        assertThat(f.byLuid().get("la").itemId()).isEqualTo(anna);
    }

    @Test
    void pendingChangesOrderDeletesThenReplacesThenAddsAndSkipUnacknowledgedAdds() {
        WriteResult r = write(Batch.of(acc, devA)
                .insert(1, CONTACTS, "one", "k1", "a1").insert(2, CONTACTS, "two", "k2", "a2")
                .insert(3, CONTACTS, "three", "k3", "a3").insert(4, CONTACTS, "four", "k4", "a4"));
        long one = r.insertedIds().get(1);
        long two = r.insertedIds().get(2);
        long three = r.insertedIds().get(3);
        long four = r.insertedIds().get(4);
        // B holds one, two, three; four was sent as Add but its Map has not come (mapping without LUID)
        write(Batch.of(acc, devB).mapUpsert(one, CONTACTS, "b1", r.newSeqs().get(one))
                .mapUpsert(two, CONTACTS, "b2", r.newSeqs().get(two))
                .mapUpsert(three, CONTACTS, "b3", r.newSeqs().get(three))
                .mapUpsert(four, CONTACTS, null, null));
        assertThat(pending(devB, CONTACTS)).isEmpty();

        WriteResult a = write(Batch.of(acc, devA).update(three, null, CONTACTS, "THREE", "k3", "a3")
                .delete(two, null).insert(5, CONTACTS, "five", "k5", "a5"));
        long five = a.insertedIds().get(5);
        assertThat(pending(devB, CONTACTS)).extracting(PendingChange::op, PendingChange::itemId,
                PendingChange::luid).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Op.DELETE, two, "b2"),
                org.assertj.core.groups.Tuple.tuple(Op.REPLACE, three, "b3"),
                org.assertj.core.groups.Tuple.tuple(Op.ADD, five, null));
        assertThat(pending(devB, CONTACTS).get(0).size()).as("a tombstone has no content").isZero();
    }

    // ---- updates ----

    @Test
    void aDevicesOwnUpdateIsNotEchoedButOtherDevicesGetAReplace() {
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "v1", "k", "la"));
        long id = r.insertedIds().get(1);
        long seq1 = r.newSeqs().get(id);
        write(Batch.of(acc, devB).mapUpsert(id, CONTACTS, "lb", seq1));

        WriteResult u = write(Batch.of(acc, devA).update(id, seq1, CONTACTS, "v2", "k", "la"));
        assertThat(u.conflicts()).isEmpty();
        long seq2 = u.newSeqs().get(id);
        assertThat(seq2).isGreaterThan(seq1);

        assertThat(pending(devA, CONTACTS)).as("no echo to the writer").isEmpty();
        assertThat(pending(devB, CONTACTS)).containsExactly(
                new PendingChange(Op.REPLACE, id, "lb", seq2, Batch.VCARD, 2));
        assertThat(mapped(devA, CONTACTS, "la")).satisfies(m -> {
            assertThat(m.itemId()).isEqualTo(id);
            assertThat(m.knownSeq()).isEqualTo(seq2);
            assertThat(m.changeSeq()).isEqualTo(seq2);
            assertThat(m.contentHash()).isEqualTo(io.syncgw.engine.sync.ContentHash.of("v2"));
        });

        // B acknowledges the Replace: nothing owed any more
        write(Batch.of(acc, devB).mapUpsert(id, CONTACTS, null, seq2));
        assertThat(pending(devB, CONTACTS)).isEmpty();
        assertThat(mapped(devB, CONTACTS, "lb").knownSeq()).isEqualTo(seq2);
    }

    @Test
    void updatesAtAStaleSequenceOrOfForeignOrMissingItemsAreConflictsAndChangeNothing() {
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "v1", "k", "la")
                .insert(2, CONTACTS, "w1", "w", "lw"));
        long id = r.insertedIds().get(1);
        long other = r.insertedIds().get(2);
        long seq1 = r.newSeqs().get(id);
        WriteResult b = write(Batch.of(acc, devB).update(id, seq1, CONTACTS, "from B", "k", "lb"));
        long seqB = b.newSeqs().get(id);

        long foreignAcc = admin.add(login + "-f", "pw").block(T);
        long foreignDev = store.registerDevice(foreignAcc, "f").block(T).id();
        long foreign = write(Batch.of(foreignAcc, foreignDev).insert(1, CONTACTS, "theirs", "t", "1"))
                .insertedIds().get(1);

        WriteResult stale = write(Batch.of(acc, devA)
                .update(id, seq1, CONTACTS, "from A", "k", "la")
                .update(foreign, null, CONTACTS, "hijack", "t", "x")
                .update(123_456_789L, null, CONTACTS, "ghost", "g", "ghost")
                .update(other, r.newSeqs().get(other), CONTACTS, "w2", "w", "lw"));
        assertThat(stale.conflicts()).containsExactlyInAnyOrder(id, foreign, 123_456_789L);
        assertThat(stale.newSeqs()).containsOnlyKeys(other);
        assertThat(store.loadItems(acc, List.of(id)).block(T).get(id).content()).isEqualTo("from B");
        assertThat(store.loadItems(acc, List.of(id)).block(T).get(id).changeSeq()).isEqualTo(seqB);
        assertThat(store.loadItems(foreignAcc, List.of(foreign)).block(T).get(foreign).content()).isEqualTo("theirs");
        assertThat(pending(devA, CONTACTS)).as("A is owed B's version").extracting(PendingChange::itemId)
                .containsExactly(id);
    }

    @Test
    void anUpdateTakingAnotherItemsLuidReleasesThatMapping() {
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "x", "kx", "1").insert(2, CONTACTS, "y", "ky",
                "2"));
        long x = r.insertedIds().get(1);
        long y = r.insertedIds().get(2);
        write(Batch.of(acc, devA).update(y, null, CONTACTS, "y2", "ky", "1"));
        assertThat(mapped(devA, CONTACTS, "1").itemId()).isEqualTo(y);
        assertThat(lookup(devA, CONTACTS, List.of("2"), List.of()).byLuid()).isEmpty();
        assertThat(pending(devA, CONTACTS)).as("x lost its mapping: the device is owed it again")
                .extracting(PendingChange::op, PendingChange::itemId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Op.ADD, x));
    }

    // ---- deletes, tombstones ----

    @Test
    void aDeleteLeavesATombstoneUntilEveryOtherDeviceAcknowledgedIt() {
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "gone soon", "k", "la"));
        long id = r.insertedIds().get(1);
        long seq = r.newSeqs().get(id);
        write(Batch.of(acc, devB).mapUpsert(id, CONTACTS, "lb", seq));

        WriteResult d = write(Batch.of(acc, devA).delete(id, seq));
        assertThat(d.conflicts()).isEmpty();
        assertThat(d.newSeqs().get(id)).isGreaterThan(seq);
        assertThat(lookup(devA, CONTACTS, List.of("la"), List.of()).byLuid()).as("A's mapping is gone").isEmpty();
        assertThat(pending(devA, CONTACTS)).isEmpty();
        StoredItem tomb = store.loadItems(acc, List.of(id)).block(T).get(id);
        assertThat(tomb.deleted()).isTrue();
        assertThat(tomb.content()).isEmpty();
        assertThat(mapped(devB, CONTACTS, "lb").deleted()).isTrue();
        assertThat(pending(devB, CONTACTS)).containsExactly(
                new PendingChange(Op.DELETE, id, "lb", d.newSeqs().get(id), Batch.VCARD, 0));

        write(Batch.of(acc, devB).mapRemove(id));
        assertThat(store.loadItems(acc, List.of(id)).block(T)).as("tombstone purged").isEmpty();
        assertThat(pending(devB, CONTACTS)).isEmpty();
    }

    @Test
    void aDeleteOfAnItemNobodyElseMapsRemovesItAtOnceAndStaleDeletesAreConflicts() {
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "solo", "k", "la")
                .insert(2, CONTACTS, "kept", "k2", "lk"));
        long solo = r.insertedIds().get(1);
        long kept = r.insertedIds().get(2);
        write(Batch.of(acc, devB).update(kept, null, CONTACTS, "changed by B", "k2", "lb"));

        WriteResult d = write(Batch.of(acc, devA).delete(solo, r.newSeqs().get(solo))
                .delete(kept, r.newSeqs().get(kept)).delete(987_654_321L, null));
        assertThat(d.newSeqs()).containsOnlyKeys(solo);
        assertThat(d.conflicts()).containsExactlyInAnyOrder(kept, 987_654_321L);
        assertThat(store.loadItems(acc, List.of(solo, kept)).block(T)).containsOnlyKeys(kept);
        assertThat(store.loadItems(acc, List.of(kept)).block(T).get(kept).deleted()).isFalse();
        assertThat(count("select count(*) from item_map where item_id = " + solo)).isZero();
    }

    @Test
    void aMapForAnItemDeletedWhileItsAddWasOnTheWayMakesTheDeviceDeleteIt() {
        // A creates X; B is sent X as an Add, and before B's Map arrives A deletes X (nobody maps it yet: gone at once)
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "X", "kx", "la"));
        long x = r.insertedIds().get(1);
        assertThat(pending(devB, CONTACTS)).extracting(PendingChange::itemId).containsExactly(x);
        write(Batch.of(acc, devA).delete(x, r.newSeqs().get(x)));
        assertThat(store.loadItems(acc, List.of(x)).block(T)).isEmpty();

        // B's Status and Map for the Add: B holds X under "bx" now, so it must be told to delete it
        write(Batch.of(acc, devB).mapUpsert(x, CONTACTS, "bx", r.newSeqs().get(x)));
        List<PendingChange> owed = pending(devB, CONTACTS);
        assertThat(owed).singleElement().satisfies(p -> {
            assertThat(p.op()).isEqualTo(PendingChange.Op.DELETE);
            assertThat(p.luid()).isEqualTo("bx");
        });
        assertThat(pending(devA, CONTACTS)).as("the device that deleted it is owed nothing").isEmpty();
        // B confirms the Delete: nothing of X is left
        write(Batch.of(acc, devB).mapRemove(owed.get(0).itemId()));
        assertThat(pending(devB, CONTACTS)).isEmpty();
        assertThat(count("select count(*) from item where account_id = " + acc + " and deleted")).isZero();
        // a Status without a LUID for a vanished item records nothing (its Map, when it comes, does)
        write(Batch.of(acc, devB).mapUpsert(x, CONTACTS, null, r.newSeqs().get(x)));
        assertThat(pending(devB, CONTACTS)).isEmpty();
        // nor does a Map of an item this session did not send (no known sequence): it may never have been ours
        write(Batch.of(acc, devB).mapUpsert(x, CONTACTS, "bx2", null));
        assertThat(pending(devB, CONTACTS)).isEmpty();
    }

    @Test
    void reusingALuidDropsTheOldMappingAndPurgesItsTombstone() {
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "old", "k", "1")
                .insert(2, CONTACTS, "live", "k2", "2"));
        long old = r.insertedIds().get(1);
        long live = r.insertedIds().get(2);
        write(Batch.of(acc, devB).mapUpsert(old, CONTACTS, "b1", r.newSeqs().get(old))
                .mapUpsert(live, CONTACTS, "b2", r.newSeqs().get(live)));
        // B deletes "old": a tombstone mapped only by A now
        write(Batch.of(acc, devB).delete(old, null));
        assertThat(mapped(devA, CONTACTS, "1").deleted()).isTrue();

        // A was wiped and reuses LUIDs 1 and 2 for new items
        WriteResult again = write(Batch.of(acc, devA).insert(1, CONTACTS, "new one", "n1", "1")
                .insert(2, CONTACTS, "new two", "n2", "2"));
        long newOne = again.insertedIds().get(1);
        assertThat(mapped(devA, CONTACTS, "1").itemId()).isEqualTo(newOne);
        assertThat(store.loadItems(acc, List.of(old)).block(T)).as("tombstone nobody maps: purged").isEmpty();
        assertThat(store.loadItems(acc, List.of(live)).block(T)).as("live item kept, just unmapped from A")
                .containsOnlyKeys(live);
        assertThat(pending(devA, CONTACTS)).extracting(PendingChange::op, PendingChange::itemId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Op.ADD, live));
    }

    // ---- lookups ----

    @Test
    void lookupItemsFindsMappingsByLuidAndTwinsTheDeviceDoesNotMap() {
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "Anna 1", "anna", "1")
                .insert(2, CONTACTS, "Anna 2", "anna", "2")
                .insert(3, CONTACTS, "Bob", "bob", "3")
                .insert(4, CALENDAR, "Anna in calendar", "anna", "4"));
        long anna1 = r.insertedIds().get(1);
        long anna2 = r.insertedIds().get(2);
        long bob = r.insertedIds().get(3);
        // B maps anna2 only
        write(Batch.of(acc, devB).mapUpsert(anna2, CONTACTS, "b2", r.newSeqs().get(anna2)));
        // a deleted twin (a tombstone B still maps) is no candidate
        long deletedTwin = write(Batch.of(acc, devA).insert(5, CONTACTS, "Anna 3", "anna", "5")).insertedIds().get(5);
        write(Batch.of(acc, devB).mapUpsert(deletedTwin, CONTACTS, "b5", null));
        write(Batch.of(acc, devA).delete(deletedTwin, null));
        assertThat(store.loadItems(acc, List.of(deletedTwin)).block(T).get(deletedTwin).deleted()).isTrue();

        ItemFacts facts = lookup(devB, CONTACTS, List.of("b2", "unknown"), List.of("anna", "bob", "nobody"));
        assertThat(facts.byLuid()).containsOnlyKeys("b2");
        assertThat(facts.byLuid().get("b2").itemId()).isEqualTo(anna2);
        assertThat(facts.byLuid().get("b2").knownSeq()).isEqualTo(r.newSeqs().get(anna2));
        assertThat(facts.twins()).containsOnlyKeys("anna", "bob");
        assertThat(facts.twins().get("anna")).as("mapped anna2, deleted and other-datastore twins excluded")
                .extracting(t -> t.itemId()).containsExactly(anna1);
        assertThat(facts.twins().get("bob")).extracting(t -> t.itemId()).containsExactly(bob);

        ItemFacts forC = lookup(store.registerDevice(acc, "dev-c").block(T).id(), CONTACTS, List.of(),
                List.of("anna"));
        assertThat(forC.twins().get("anna")).as("ordered by item id").extracting(t -> t.itemId())
                .containsExactly(anna1, anna2);
        assertThat(lookup(devA, CONTACTS, List.of(), List.of())).isEqualTo(ItemFacts.NONE);
    }

    // ---- resets, prunes ----

    @Test
    void aRefreshResetDropsTheDevicesMappingsSoItIsOwedEverything() {
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "a", "a", "1").insert(2, CONTACTS, "b", "b",
                "2").insert(3, CALENDAR, "c", "c", "3"));
        long a = r.insertedIds().get(1);
        long b = r.insertedIds().get(2);
        // b is deleted by B while A still maps it: a tombstone only A maps
        write(Batch.of(acc, devB).mapUpsert(b, CONTACTS, "x", null));
        write(Batch.of(acc, devB).delete(b, null));
        assertThat(store.loadItems(acc, List.of(b)).block(T)).containsOnlyKeys(b);

        write(Batch.of(acc, devA).reset(CONTACTS));
        assertThat(pending(devA, CONTACTS)).extracting(PendingChange::op, PendingChange::itemId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Op.ADD, a));
        assertThat(store.loadItems(acc, List.of(b)).block(T)).as("tombstone purged").isEmpty();
        assertThat(pending(devA, CALENDAR)).as("other datastore untouched").isEmpty();
    }

    @Test
    void aSlowSyncPruneDropsMappingsWhoseLuidTheDeviceDidNotSend() {
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "a", "a", "1").insert(2, CONTACTS, "b", "b",
                "2").insert(3, CONTACTS, "c", "c", "3").insert(4, CALENDAR, "d", "d", "2"));
        long b = r.insertedIds().get(2);
        // an Add in flight: mapping without LUID
        long e = write(Batch.of(acc, devB).insert(1, CONTACTS, "e", "e", "9")).insertedIds().get(1);
        write(Batch.of(acc, devA).mapUpsert(e, CONTACTS, null, null));

        write(Batch.of(acc, devA).prune(CONTACTS, "1", "3"));
        assertThat(lookup(devA, CONTACTS, List.of("1", "2", "3"), List.of()).byLuid()).containsOnlyKeys("1", "3");
        assertThat(lookup(devA, CALENDAR, List.of("2"), List.of()).byLuid()).containsOnlyKeys("2");
        assertThat(pending(devA, CONTACTS)).extracting(PendingChange::itemId).containsExactly(b, e);
    }

    @Test
    void itemPrunesDeleteWhatTheRefreshingDeviceDoesNotHave() {
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "kept", "k", "1"));
        long kept = r.insertedIds().get(1);
        WriteResult other = write(Batch.of(acc, devB).insert(1, CONTACTS, "B has it", "b", "b1")
                .insert(2, CONTACTS, "orphan", "o", "b2").insert(3, CALENDAR, "calendar", "c", "b3"));
        long shared = other.insertedIds().get(1);
        long orphan = other.insertedIds().get(2);
        long calendar = other.insertedIds().get(3);
        write(Batch.of(acc, devB).mapRemove(orphan)); // nobody maps it now

        write(Batch.of(acc, devA).itemPrune(CONTACTS));
        Map<Long, StoredItem> left = store.loadItems(acc, List.of(kept, shared, orphan, calendar)).block(T);
        assertThat(left).containsOnlyKeys(kept, shared, calendar);
        assertThat(left.get(kept).deleted()).isFalse();
        assertThat(left.get(shared).deleted()).as("tombstone for B").isTrue();
        assertThat(left.get(calendar).deleted()).isFalse();
        assertThat(pending(devB, CONTACTS)).extracting(PendingChange::op, PendingChange::itemId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Op.DELETE, shared),
                        org.assertj.core.groups.Tuple.tuple(Op.ADD, kept));
    }

    // ---- map upserts ----

    @Test
    void mapUpsertsKeepWhatIsNullReleaseTakenLuidsAndIgnoreUnknownItems() {
        WriteResult r = write(Batch.of(acc, devA).insert(1, CONTACTS, "x", "x", "ax").insert(2, CONTACTS, "y", "y",
                "ay"));
        long x = r.insertedIds().get(1);
        long y = r.insertedIds().get(2);
        long foreignAcc = admin.add(login + "-m", "pw").block(T);
        long foreignDev = store.registerDevice(foreignAcc, "m").block(T).id();
        long foreign = write(Batch.of(foreignAcc, foreignDev).insert(1, CONTACTS, "f", "f", "1")).insertedIds().get(1);

        // new mapping, nothing known: known_seq 0, no LUID (an Add in flight)
        write(Batch.of(acc, devB).mapUpsert(x, CONTACTS, null, null)
                .mapUpsert(foreign, CONTACTS, "stolen", 5L).mapUpsert(555_555_555L, CONTACTS, "ghost", null));
        ItemFacts none = lookup(devB, CONTACTS, List.of("stolen", "ghost"), List.of("f"));
        assertThat(none.byLuid()).isEmpty();
        assertThat(count("select count(*) from item_map where device_id = " + devB)).isEqualTo(1);
        assertThat(count("select known_seq from item_map where device_id = " + devB + " and item_id = " + x)).isZero();

        // the Map arrives: LUID set, known seq kept
        write(Batch.of(acc, devB).mapUpsert(x, CONTACTS, "b1", null));
        assertThat(mapped(devB, CONTACTS, "b1").knownSeq()).isZero();
        // acknowledged Replace: LUID kept
        write(Batch.of(acc, devB).mapUpsert(x, CONTACTS, null, 42L));
        assertThat(mapped(devB, CONTACTS, "b1").knownSeq()).isEqualTo(42L);
        // y takes LUID b1: x's mapping is released
        write(Batch.of(acc, devB).mapUpsert(y, CONTACTS, "b1", r.newSeqs().get(y)));
        assertThat(mapped(devB, CONTACTS, "b1").itemId()).isEqualTo(y);
        assertThat(count("select count(*) from item_map where device_id = " + devB)).isEqualTo(1);
    }

    // ---- values that array literals must escape, big batches ----

    @Test
    void awkwardTextSurvivesTheArraysUnchanged() {
        List<String> awkward = List.of("NULL", "null", "", "with \"quotes\"", "back\\slash\\", "{braces},comma",
                "line\r\nbreak\ttab", "ümlaut ß €", "emoji \uD83D\uDE00", "  spaced  ", "'single'");
        Batch b = Batch.of(acc, devA);
        for (int i = 0; i < awkward.size(); i++) {
            b.insert(i, CONTACTS, awkward.get(i), awkward.get(i), awkward.get(i));
        }
        WriteResult r = write(b);
        Map<Long, StoredItem> loaded = store.loadItems(acc, r.insertedIds().values()).block(T);
        ItemFacts byLuid = lookup(devA, CONTACTS, awkward, List.of());
        for (int i = 0; i < awkward.size(); i++) {
            long id = r.insertedIds().get(i);
            assertThat(loaded.get(id).content()).isEqualTo(awkward.get(i));
            assertThat(byLuid.byLuid().get(awkward.get(i)).itemId()).isEqualTo(id);
        }
        ItemFacts twins = lookup(devB, CONTACTS, List.of(), awkward);
        assertThat(twins.twins()).containsOnlyKeys(awkward.toArray(String[]::new));
        assertThat(count("select count(*) from item where account_id = " + acc + " and twin_key is null")).isZero();
    }

    @Test
    void aSlowSyncSizedBatchIsOneStatement() {
        String photo = "PHOTO;ENCODING=b:" + "A".repeat(64 * 1024);
        Batch b = Batch.of(acc, devA);
        IntStream.range(0, 500).forEach(i -> b.insert(i, CONTACTS, "BEGIN:VCARD\nFN:n" + i + "\n"
                + (i % 50 == 0 ? photo : "") + "END:VCARD", "n" + i, "L" + i));
        counting.reset();
        long started = System.nanoTime();
        WriteResult r = write(b);
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertThat(r.insertedIds()).hasSize(500);
        assertThat(counting.sent()).hasSize(1);
        DeviceRecord c = store.registerDevice(acc, "dev-c").block(T);
        started = System.nanoTime();
        List<PendingChange> owed = pending(c.id(), CONTACTS);
        long pendingMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(owed).hasSize(500);
        assertThat(owed.get(0).size()).isGreaterThan(64 * 1024);
        System.out.println("500 inserts (10 with 64 KB photos) in one write: " + ms + " ms; pendingChanges: "
                + pendingMs + " ms");
    }

    // ---- atomicity, statement counts ----

    @Test
    void aFailureInTheMiddleOfABatchRollsBackEverything() {
        long before = count("select count(*) from item where account_id = " + acc);
        assertThatThrownBy(() -> write(Batch.of(acc, devA).nonce("should not stick")
                .insert(1, CONTACTS, "fine", "f", "1")
                .insert(2, CONTACTS, null, "n", "2")   // content is not null: the statement fails
                .anchor(CONTACTS, "c", "s")))
                .isInstanceOf(R2dbcDataIntegrityViolationException.class);
        assertThat(count("select count(*) from item where account_id = " + acc)).isEqualTo(before);
        assertThat(store.lookupAccount(login, "dev-a").block(T).device().nonce()).isNull();
        assertThat(store.loadAnchors(devA).block(T)).isEmpty();

        // the same with the failure in a later statement than the first
        WriteResult ok = write(Batch.of(acc, devA).insert(1, CONTACTS, "x", "x", "1"));
        long x = ok.insertedIds().get(1);
        assertThatThrownBy(() -> write(Batch.of(acc, devA).nonce("n")
                .update(x, null, CONTACTS, "changed", "x", "1")
                .insert(2, CONTACTS, "dup luid a", "d", "7").insert(3, CONTACTS, "dup luid b", "d", "7")))
                .isInstanceOf(io.r2dbc.spi.R2dbcException.class);
        assertThat(store.loadItems(acc, List.of(x)).block(T).get(x).content()).isEqualTo("x");
        assertThat(store.lookupAccount(login, "dev-a").block(T).device().nonce()).isNull();
        assertThat(count("select count(*) from item where account_id = " + acc)).isEqualTo(before + 1);
    }

    @Test
    void aWriteTakesAFewStatementsWhateverTheNumberOfItems() {
        counting.reset();
        write(inserts(15));
        List<String> fifteen = counting.sent();
        counting.reset();
        write(inserts(1));
        assertThat(counting.sent()).hasSameSizeAs(fifteen);
        assertThat(fifteen).as("15 inserts: one statement, no BEGIN/COMMIT needed").hasSize(1);

        // a typical two-way message: client changes, acknowledgements of server changes, anchors, next nonce
        List<Long> ids = List.copyOf(write(inserts(15)).insertedIds().values());
        counting.reset();
        write(twoWay(ids, 1));
        List<String> small = counting.sent();
        counting.reset();
        write(twoWay(ids, 5));
        List<String> large = counting.sent();
        assertThat(large).hasSameSizeAs(small);
        // device, insert, update, delete, map upserts and anchors under the account lock: one call, its own
        // transaction (no BEGIN/COMMIT round trips)
        assertThat(large).as("two-way write").hasSize(1);
        assertThat(large.get(0)).contains("syncgw_write_batch(");
    }

    @Test
    void theLookupReadsTheDevicesAnchorsUnlessACheckpointIsToBeResumed() {
        assertThat(store.lookupAccount(login, "dev-a").block(T).anchors()).isEmpty();
        assertThat(store.lookupAccount(login, "unknown-device").block(T).anchors()).isNull();
        write(Batch.of(acc, devA).anchor(CONTACTS, "c1", "s1").anchor(CALENDAR, "k1", "t1"));
        write(Batch.of(acc, devA).anchor(CONTACTS, "c2", "s2"));
        write(Batch.of(acc, devB).anchor(CONTACTS, "other", "other"));
        Map<String, StoredAnchor> read = store.lookupAccount(login, "dev-a").block(T).anchors();
        assertThat(read).isEqualTo(store.loadAnchors(devA).block(T));
        assertThat(read.get(CONTACTS)).isEqualTo(new StoredAnchor(CONTACTS, "c2", "c1", "s2"));
        assertThat(read.get(CALENDAR)).isEqualTo(new StoredAnchor(CALENDAR, "k1", null, "t1"));
        // a checkpoint to resume travels with the anchors of loadAnchors only
        write(Batch.of(acc, devA).checkpoint(CALENDAR, 201, null, "x"));
        assertThat(store.lookupAccount(login, "dev-a").block(T).anchors()).isNull();
        assertThat(store.loadAnchors(devA).block(T).get(CALENDAR).suspended()).isNotNull();
    }

    @Test
    void checkpointsOfInterruptedSyncsAreKeptUntilCleared() {
        assertThat(store.loadAnchors(devA).block(T)).isEmpty();
        write(Batch.of(acc, devA).checkpoint(CONTACTS, 201, null));
        write(Batch.of(acc, devA).checkpoint(CONTACTS, 201, null, "a", "b"));
        write(Batch.of(acc, devA).checkpoint(CONTACTS, 201, null, "b", "c"));
        StoredAnchor.Suspended s = store.loadAnchors(devA).block(T).get(CONTACTS).suspended();
        assertThat(s.mode()).isEqualTo(201);
        assertThat(s.clientLast()).isNull();
        assertThat(s.receivedLuids()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(store.loadAnchors(devA).block(T).get(CONTACTS).clientNext()).isNull();
        // anchors and checkpoint side by side; a clear and a new checkpoint in one batch start afresh
        write(Batch.of(acc, devA).anchor(CONTACTS, "cn", "sn"));
        write(Batch.of(acc, devA).clearCheckpoint(CONTACTS).checkpoint(CONTACTS, 205, "cn", "z"));
        StoredAnchor a = store.loadAnchors(devA).block(T).get(CONTACTS);
        assertThat(a.clientNext()).isEqualTo("cn");
        assertThat(a.suspended().mode()).isEqualTo(205);
        assertThat(a.suspended().clientLast()).isEqualTo("cn");
        assertThat(a.suspended().receivedLuids()).containsExactly("z");
        write(Batch.of(acc, devA).clearCheckpoint(CONTACTS));
        assertThat(store.loadAnchors(devA).block(T).get(CONTACTS).suspended()).isNull();
        assertThat(store.loadAnchors(devB).block(T)).isEmpty();
    }

    @Test
    void largeObjectChunksAreSpooledAcrossBatchesAndDiscarded() {
        write(Batch.of(acc, devA).discardChunks(CONTACTS, "big").chunk(CONTACTS, "big", 0, "BEGIN:VCARD\nNOTE:Grüße "));
        write(Batch.of(acc, devA).chunk(CONTACTS, "big", 1, "日本 ").chunk(CONTACTS, "other", 0, "x"));
        assertThat(store.loadChunks(devA, CONTACTS, "big").block(T)).isEqualTo("BEGIN:VCARD\nNOTE:Grüße 日本 ");
        assertThat(store.loadChunks(devB, CONTACTS, "big").block(T)).isEmpty();
        // a restarted object replaces the old chunks: discards run before appends
        write(Batch.of(acc, devA).discardChunks(CONTACTS, "big").chunk(CONTACTS, "big", 0, "again"));
        assertThat(store.loadChunks(devA, CONTACTS, "big").block(T)).isEqualTo("again");
        write(Batch.of(acc, devA).discardChunks(CONTACTS, "big"));
        assertThat(store.loadChunks(devA, CONTACTS, "big").block(T)).isEmpty();
        assertThat(store.purgeChunksBefore(java.time.Instant.now().minusSeconds(3600)).block(T)).isZero();
        assertThat(store.purgeChunksBefore(java.time.Instant.now().plusSeconds(1)).block(T)).isEqualTo(1);
        assertThat(store.loadChunks(devA, CONTACTS, "other").block(T)).isEmpty();
    }

    @Test
    void batchesOfTwoDevicesOfOneAccountAtOnceDoNotFail() {
        // A deletes an item only it maps (a hard delete) while B acknowledges it (maps it): without serialising
        // the two, B's mapping can reference a row A just removed and fail on the foreign key
        for (int round = 0; round < 40; round++) {
            long x = write(Batch.of(acc, devA).insert(1, CONTACTS, "race " + round, "race" + round,
                    "race-a-" + round)).insertedIds().get(1);
            Mono<WriteResult> delete = store.write(Batch.of(acc, devA).delete(x, null).build())
                    .subscribeOn(Schedulers.parallel());
            Mono<WriteResult> map = store.write(Batch.of(acc, devB).mapUpsert(x, CONTACTS, "race-b-" + round, 1L)
                    .build()).subscribeOn(Schedulers.parallel());
            Mono.zip(delete, map).block(T);
            long rows = count("select count(*) from item where id = " + x);
            long maps = count("select count(*) from item_map where item_id = " + x);
            // either B mapped it first (a tombstone B still maps) or A's delete came first (gone, B maps nothing)
            assertThat(rows).isEqualTo(maps);
        }
    }

    private Batch inserts(int n) {
        Batch b = Batch.of(acc, devA);
        IntStream.range(0, n).forEach(i -> b.insert(i, CONTACTS, "BEGIN:VCARD\nFN:n" + i + "\nEND:VCARD", "n" + i,
                "s" + LOGINS.incrementAndGet()));
        return b;
    }

    /** {@code n} inserts, {@code n} updates, {@code n} deletes, {@code n} map upserts, anchors and nonce. */
    private Batch twoWay(List<Long> ids, int n) {
        Batch b = Batch.of(acc, devA).nonce("next");
        for (int i = 0; i < n; i++) {
            b.insert(i, CONTACTS, "new " + i, "new" + i, "t" + LOGINS.incrementAndGet());
            b.update(ids.get(i), null, CONTACTS, "upd " + i, "u" + i, "u" + LOGINS.incrementAndGet());
            b.delete(ids.get(5 + i), null);
            b.mapUpsert(ids.get(10 + i), CONTACTS, "m" + LOGINS.incrementAndGet(), null);
        }
        return b.anchor(CONTACTS, "cn", "sn");
    }

    // ---- helpers ----

    private WriteResult write(Batch b) {
        return store.write(b.build()).block(T);
    }

    private List<PendingChange> pending(long device, String datastore) {
        return store.pendingChanges(acc, device, datastore, io.syncgw.engine.port.ItemFilter.NONE).block(T);
    }

    private ItemFacts lookup(long device, String datastore, List<String> luids, List<String> twins) {
        return store.lookupItems(acc, device, datastore, luids, twins).block(T);
    }

    private io.syncgw.engine.port.MappedItem mapped(long device, String datastore, String luid) {
        ItemFacts f = lookup(device, datastore, List.of(luid), List.of());
        assertThat(f.byLuid()).containsKey(luid);
        return f.byLuid().get(luid);
    }

    private static long count(String sql) {
        return Connections.withConnection(db.connectionFactory(), c -> Mono.from(c.createStatement(sql).execute())
                .flatMap(r -> Mono.from(r.map(row -> ((Number) row.get(0)).longValue())))).block(T);
    }
}
