package io.syncgw.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.model.AlertCode;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.model.SyncMlVersion;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import io.syncgw.engine.EngineConfig;
import io.syncgw.engine.SyncEngine;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.testing.Cards;
import io.syncgw.engine.testing.InMemorySyncStore;
import io.syncgw.engine.testing.TestClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/**
 * Whole sessions between {@link TestClient}s and the engine over an in-memory store: the foundation issue's
 * scenarios without network or database.
 */
class ContactsConversationTest {
    private InMemorySyncStore store;
    private SyncEngine engine;

    @BeforeEach
    void setUp() {
        store = new InMemorySyncStore();
        store.addAccount("alice", "secret");
        engine = new SyncEngine(EngineConfig.DEFAULT, store, new SyncMlXmlEncoder(),
                NonceSource.create(new byte[32]), InMemorySyncStore.TEST_CIPHER, Schedulers.immediate());
    }

    private TestClient client(String device) {
        return new TestClient(device, "alice", "secret");
    }

    private TestClient.Result sync(TestClient c, int mode) {
        return c.sync(mode, engine::newSession);
    }

    /** Devices "dev-a" (which had {@code cards} cards) and "dev-b" of alice, both slow-synced: they hold the same. */
    private TestClient[] twoDevicesInSync(int cards) {
        TestClient a = withCards(client("dev-a"), cards);
        TestClient b = client("dev-b");
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        assertThat(sync(b, AlertCode.SLOW_SYNC).receivedAdds).isEqualTo(cards);
        return new TestClient[] {a, b};
    }

    private static TestClient withCards(TestClient c, int n) {
        for (int i = 1; i <= n; i++) {
            c.addLocal("gen-" + i + ".vcf", Cards.v30(i, 1));
        }
        return c;
    }

    @Test
    void anAddInANormalSyncOfAnItemTheAccountAlreadyHasForAnotherDeviceIsMappedNotDuplicated() {
        // the device stored an item the server sent in a session whose Map never arrived (or it was typed in twice
        // on two phones): its next normal sync reports it as its own new item
        TestClient a = client("dev-a");
        TestClient b = client("dev-b");
        assertThat(sync(b, AlertCode.SLOW_SYNC).completed).isTrue();
        a.addLocal("a-1.vcf", Cards.v30(1, 1));
        a.addLocal("a-2.vcf", Cards.v30(2, 1));
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();

        b.addLocal("b-1.vcf", Cards.v30(1, 1)); // the same contact as a-1
        b.addLocal("b-9.vcf", Cards.v30(9, 1)); // a new one
        TestClient.Result r = sync(b, AlertCode.TWO_WAY);
        assertThat(r.completed).as(r.toString()).isTrue();
        assertThat(r.serverMode).isEqualTo(AlertCode.TWO_WAY);
        assertThat(r.statusesForMyChanges).containsExactly(201, 201);
        assertThat(r.receivedAdds).as("only a-2: a-1 is the device's b-1").isEqualTo(1);
        assertThat(store.liveItems("alice", "contacts")).hasSize(3);
        assertThat(b.items).hasSize(3);
        // and the pairing holds: nothing more moves either way
        TestClient.Result again = sync(b, AlertCode.TWO_WAY);
        assertThat(again.receivedAdds + again.receivedReplaces + again.receivedDeletes).isZero();
        TestClient.Result aAgain = sync(a, AlertCode.TWO_WAY);
        assertThat(aAgain.receivedAdds).as("b-9 only").isEqualTo(1);
        assertThat(aAgain.receivedReplaces + aAgain.receivedDeletes).isZero();
    }

    @Test
    void slowSyncRefreshTwoWayAndRepeatedSlowSync() {
        TestClient a = withCards(client("dev-a"), 200);
        TestClient.Result first = sync(a, AlertCode.SLOW_SYNC);
        assertThat(first.completed).as(first.toString()).isTrue();
        assertThat(first.headerStatus).isEqualTo(212);
        assertThat(first.statusesForMyChanges).hasSize(200).allMatch(s -> s == 201);
        assertThat(store.liveItems("alice", "contacts")).hasSize(200);

        TestClient b = client("dev-b");
        TestClient.Result refresh = sync(b, AlertCode.REFRESH_FROM_SERVER);
        assertThat(refresh.completed).as(refresh.toString()).isTrue();
        assertThat(refresh.receivedAdds).isEqualTo(200);
        assertThat(new HashSet<>(b.items.values())).isEqualTo(new HashSet<>(a.items.values()));

        for (int i = 1; i <= 10; i++) {
            a.modifyLocal("gen-" + i + ".vcf", Cards.v30(i, 2));
        }
        for (int i = 11; i <= 15; i++) {
            a.deleteLocal("gen-" + i + ".vcf");
        }
        for (int i = 201; i <= 205; i++) {
            a.addLocal("gen-" + i + ".vcf", Cards.v30(i, 1));
        }
        TestClient.Result changes = sync(a, AlertCode.TWO_WAY);
        assertThat(changes.completed).as(changes.toString()).isTrue();
        assertThat(changes.alertStatus).isEqualTo(200);
        assertThat(changes.serverMode).isEqualTo(AlertCode.TWO_WAY);
        assertThat(changes.receivedAdds + changes.receivedReplaces + changes.receivedDeletes).isZero();
        assertThat(store.liveItems("alice", "contacts")).hasSize(200);

        TestClient.Result bTwoWay = sync(b, AlertCode.TWO_WAY);
        assertThat(bTwoWay.completed).as(bTwoWay.toString()).isTrue();
        assertThat(bTwoWay.receivedAdds).isEqualTo(5);
        assertThat(bTwoWay.receivedReplaces).isEqualTo(10);
        assertThat(bTwoWay.receivedDeletes).isEqualTo(5);
        assertThat(new HashSet<>(b.items.values())).isEqualTo(new HashSet<>(a.items.values()));

        TestClient.Result aAgain = sync(a, AlertCode.TWO_WAY);
        assertThat(aAgain.receivedAdds + aAgain.receivedReplaces + aAgain.receivedDeletes).isZero();

        TestClient.Result aSlow = sync(a, AlertCode.SLOW_SYNC);
        assertThat(aSlow.completed).isTrue();
        assertThat(aSlow.receivedAdds + aSlow.receivedReplaces + aSlow.receivedDeletes).isZero();
        assertThat(store.liveItems("alice", "contacts")).hasSize(200);
        TestClient.Result bQuiet = sync(b, AlertCode.TWO_WAY);
        assertThat(bQuiet.receivedAdds + bQuiet.receivedReplaces + bQuiet.receivedDeletes).isZero();
        // tombstones are gone once every device learned of the deletes
        assertThat(store.rowCount()).isEqualTo(200);
    }

    @Test
    void repliesNeverExceedASmallMaxMsgSize() {
        withCards(client("dev-a"), 120).sync(AlertCode.SLOW_SYNC, engine::newSession);
        TestClient b = client("dev-small");
        b.maxMsgSize = 10_240;
        TestClient.Result r = sync(b, AlertCode.REFRESH_FROM_SERVER);
        assertThat(r.completed).as(r.toString()).isTrue();
        assertThat(r.receivedAdds).isEqualTo(120);
        assertThat(r.maxReplyBytes).isLessThanOrEqualTo(10_240);
        assertThat(r.messagesSent).isGreaterThan(4);
    }

    @Test
    void itemsLargerThanAMessageTravelInChunks() {
        TestClient a = withCards(client("dev-a"), 5);
        String photo = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Bild;Jürgen;;;\r\nFN:Jürgen Bild\r\nPHOTO;ENCODING=b;TYPE=JPEG:"
                + "QUJD".repeat(12_000) + "\r\nNOTE:größer als eine Nachricht\r\nEND:VCARD\r\n";
        a.addLocal("photo.vcf", photo);
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        TestClient b = client("dev-small");
        b.maxMsgSize = 10_240;
        TestClient.Result r = sync(b, AlertCode.REFRESH_FROM_SERVER);
        assertThat(r.completed).as(r.toString()).isTrue();
        assertThat(r.maxReplyBytes).isLessThanOrEqualTo(10_240);
        assertThat(r.chunksReceived).isGreaterThanOrEqualTo(4);
        assertThat(r.receivedAdds).isEqualTo(6);
        assertThat(b.items.values()).contains(photo);
        assertThat(r.largeObjectSizes).containsExactly((long) photo.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length);
        // and the next two-way has nothing left to send
        TestClient.Result again = sync(b, AlertCode.TWO_WAY);
        assertThat(again.receivedAdds + again.receivedReplaces).isZero();
    }

    @Test
    void largeObjectsFromTheClientAreSpooledAndAssembled() {
        TestClient a = withCards(client("dev-a"), 3);
        String photo = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Foto;Grete;;;\r\nFN:Grete Foto\r\nPHOTO;ENCODING=b;TYPE=JPEG:"
                + "SkZJRg".repeat(8_000) + "\r\nNOTE:Größe über alles 日本\r\nEND:VCARD\r\n";
        a.addLocal("photo.vcf", photo);
        a.chunkSize = 9_000;
        TestClient.Result r = sync(a, AlertCode.SLOW_SYNC);
        assertThat(r.completed).as(r.toString()).isTrue();
        assertThat(r.statusesForMyChanges).filteredOn(c -> c == 213).hasSize(5);
        assertThat(store.liveItems("alice", "contacts")).extracting(x -> x.content).contains(photo);
        assertThat(store.spooledObjects()).isZero();

        // a repeated slow sync, and another device's slow sync of the same cards, twin the object by its whole text
        a.forgetAnchor();
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        TestClient b = withCards(client("dev-b"), 3);
        b.addLocal("photo.vcf", photo);
        b.chunkSize = 7_000;
        TestClient.Result rb = sync(b, AlertCode.SLOW_SYNC);
        assertThat(rb.completed).as(rb.toString()).isTrue();
        assertThat(rb.receivedAdds).isZero();
        assertThat(store.liveItems("alice", "contacts")).hasSize(4);
    }

    @Test
    void aLargeObjectThatLiesAboutItsSizeIsRefusedWith424AndNothingIsKept() {
        TestClient a = client("dev-a");
        a.addLocal("big.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nNOTE:" + "x".repeat(30_000)
                + "\r\nEND:VCARD\r\n");
        a.chunkSize = 8_000;
        a.sizeLie = -5_000; // claims less than it sends: refused as soon as more arrives
        TestClient.Result r = sync(a, AlertCode.SLOW_SYNC);
        assertThat(r.statusesForMyChanges).contains(424);
        assertThat(store.liveItems("alice", "contacts")).isEmpty();
        assertThat(store.spooledObjects()).isZero();

        TestClient b = client("dev-b");
        b.addLocal("big.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nNOTE:" + "y".repeat(30_000)
                + "\r\nEND:VCARD\r\n");
        b.chunkSize = 8_000;
        b.sizeLie = 7; // claims more than it sends: refused at the last chunk
        TestClient.Result rb = sync(b, AlertCode.SLOW_SYNC);
        assertThat(rb.statusesForMyChanges).endsWith(424);
        assertThat(store.liveItems("alice", "contacts")).isEmpty();
        assertThat(store.spooledObjects()).isZero();
    }

    @Test
    void anInterruptedSlowSyncResumesWithoutResendingOrDuplicating() {
        TestClient a = withCards(client("dev-a"), 120);
        a.maxItemsPerMessage = 20;
        a.suspendAfter = 3;
        TestClient.Result cut = sync(a, AlertCode.SLOW_SYNC);
        assertThat(cut.suspended).isTrue();
        assertThat(store.liveItems("alice", "contacts")).hasSize(60);
        assertThat(store.checkpointCount()).isEqualTo(1);

        TestClient.Result resumed = sync(a, AlertCode.RESUME);
        assertThat(resumed.alertStatus).as(resumed.toString()).isEqualTo(200);
        assertThat(resumed.serverMode).isEqualTo(AlertCode.SLOW_SYNC);
        assertThat(resumed.completed).isTrue();
        assertThat(resumed.statusesForMyChanges).as("only the 60 not sent before").hasSize(60);
        assertThat(resumed.receivedAdds).as("nothing comes back to the device").isZero();
        assertThat(store.liveItems("alice", "contacts")).hasSize(120);
        assertThat(store.checkpointCount()).isZero();

        TestClient b = client("dev-b");
        TestClient.Result rb = sync(b, AlertCode.REFRESH_FROM_SERVER);
        assertThat(rb.receivedAdds).isEqualTo(120);
        assertThat(sync(a, AlertCode.TWO_WAY).receivedAdds).isZero();
    }

    @Test
    void aResumeWithoutCheckpointIsRefusedWith509AndSyncsAfresh() {
        TestClient a = withCards(client("dev-a"), 10);
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        TestClient.Result r = sync(a, AlertCode.RESUME);
        assertThat(r.alertStatus).isEqualTo(509);
        assertThat(r.serverMode).isEqualTo(AlertCode.TWO_WAY);
        assertThat(r.completed).isTrue();
        assertThat(store.liveItems("alice", "contacts")).hasSize(10);
    }

    @Test
    void clientPackageOverSeveralMessages() {
        TestClient a = withCards(client("dev-a"), 50);
        a.maxItemsPerMessage = 7;
        TestClient.Result r = sync(a, AlertCode.SLOW_SYNC);
        assertThat(r.completed).as(r.toString()).isTrue();
        assertThat(r.statusesForMyChanges).hasSize(50);
        assertThat(store.liveItems("alice", "contacts")).hasSize(50);
    }

    @Test
    void slowSyncOfAnotherDeviceMatchesTwinsInsteadOfDuplicating() {
        withCards(client("dev-a"), 30).sync(AlertCode.SLOW_SYNC, engine::newSession);
        // dev-c holds the same contacts (say, from an earlier backup) under its own ids, some in vCard 2.1 form
        TestClient c = client("dev-c");
        for (int i = 1; i <= 30; i++) {
            c.addLocal("c" + i, Cards.v30(i, 1).replace("NOTE:generated", "NOTE:edited on c"));
        }
        TestClient.Result r = sync(c, AlertCode.SLOW_SYNC);
        assertThat(r.completed).isTrue();
        assertThat(store.liveItems("alice", "contacts")).hasSize(30);
        assertThat(r.receivedAdds).isZero();
    }

    @Test
    void anchorMismatchForcesSlowSyncWith508() {
        TestClient a = withCards(client("dev-a"), 5);
        sync(a, AlertCode.SLOW_SYNC);
        a.forgetAnchor();
        List<SyncSession> sessions = new java.util.ArrayList<>();
        TestClient.Result r = a.sync(AlertCode.TWO_WAY, uri -> {
            SyncSession session = engine.newSession(uri);
            sessions.add(session);
            return session;
        });
        assertThat(r.alertStatus).isEqualTo(508);
        assertThat(r.serverMode).isEqualTo(AlertCode.SLOW_SYNC);
        assertThat(r.completed).isTrue();
        assertThat(store.liveItems("alice", "contacts")).hasSize(5);
        // the session's log line says the server chose another mode than the device asked for, and why
        SessionState state = sessions.get(0).state();
        assertThat(SessionMachine.completeLine(state, "3", state.startedAt))
                .endsWith("' (slot 1), 3 messages in 0 ms: contacts SLOW (requested 200, no last anchor), "
                        + "5 in, 0 out");
    }

    @Test
    void wrongPasswordTouchesNothing() {
        TestClient a = withCards(client("dev-a"), 5);
        a.password = "wrong";
        TestClient.Result r = sync(a, AlertCode.SLOW_SYNC);
        assertThat(r.headerStatus).isEqualTo(401);
        assertThat(store.deviceCount()).isZero();
        assertThat(store.writeCount()).isZero();
        a.auth = TestClient.Auth.BASIC;
        assertThat(sync(a, AlertCode.SLOW_SYNC).headerStatus).isEqualTo(401);
        a.auth = TestClient.Auth.NONE;
        assertThat(sync(a, AlertCode.SLOW_SYNC).headerStatus).isEqualTo(407);
        assertThat(store.writeCount()).isZero();
    }

    @Test
    void basicAuthAndMd5NonceChainWork() {
        TestClient a = withCards(client("dev-a"), 3);
        a.auth = TestClient.Auth.BASIC;
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        a.auth = TestClient.Auth.MD5;
        for (int i = 0; i < 3; i++) {
            TestClient.Result r = sync(a, AlertCode.TWO_WAY);
            assertThat(r.headerStatus).as("md5 session %d", i).isEqualTo(212);
            assertThat(r.completed).isTrue();
        }
        assertThat(store.device("dev-a").nonce).isNotBlank();
    }

    /**
     * The next nonce is stored by the account lookup itself: a known device's session writes nothing for it, an idle
     * one writes once (its anchors), and the nonce it was handed is the one stored.
     */
    @Test
    void theLookupStoresTheNextNonceSoAnIdleSessionWritesOnlyItsAnchors() {
        TestClient a = withCards(client("dev-a"), 3);
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        int rotations = store.nonceRotationCount();
        int writes = store.writeCount();
        TestClient.Result idle = sync(a, AlertCode.TWO_WAY);
        assertThat(idle.completed).isTrue();
        assertThat(idle.headerStatus).isEqualTo(212);
        assertThat(store.nonceRotationCount() - rotations).isEqualTo(1);
        assertThat(store.writeCount() - writes).as("the anchor commit only").isEqualTo(1);
        assertThat(store.device("dev-a").nonce).isEqualTo(nextNonceOf(idle.replies.get(0)));
        assertThat(sync(a, AlertCode.TWO_WAY).headerStatus).as("and the next session uses it").isEqualTo(212);
    }

    /**
     * A stale nonce (a phone that missed the last reply, or another phone set up with the same device id) fails once
     * and is challenged with the nonce stored, which it leaves as it was (wrong credentials write nothing); the retry
     * with it succeeds and uses it up.
     */
    @Test
    void aStaleNonceIsChallengedWithTheStoredOneAndTheRetrySucceeds() {
        TestClient a = withCards(client("dev-a"), 3);
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        String before = store.device("dev-a").nonce;
        TestClient stale = client("dev-a"); // knows no nonce yet
        TestClient.Result refused = sync(stale, AlertCode.TWO_WAY);
        assertThat(refused.headerStatus).isEqualTo(401);
        String challenged = nextNonceOf(refused.replies.get(0));
        assertThat(challenged).isEqualTo(before).isEqualTo(store.device("dev-a").nonce);
        TestClient.Result retry = sync(stale, AlertCode.TWO_WAY);
        assertThat(retry.headerStatus).isEqualTo(212);
        assertThat(retry.completed).isTrue();
        assertThat(store.device("dev-a").nonce).isEqualTo(nextNonceOf(retry.replies.get(0))).isNotEqualTo(before);

        a.password = "wrong";
        TestClient.Result wrong = sync(a, AlertCode.TWO_WAY);
        assertThat(wrong.headerStatus).isEqualTo(401);
        assertThat(nextNonceOf(wrong.replies.get(0))).isEqualTo(store.device("dev-a").nonce);
        a.password = "secret";
        assertThat(sync(a, AlertCode.TWO_WAY).headerStatus).as("right password, challenged nonce").isEqualTo(212);
    }

    /**
     * The message that ends the client's changes writes them and reads what the device is owed in one store call
     * (one round trip for a database): the read sees the write, so the device gets the other device's card and
     * not its own back.
     */
    @Test
    void theChangesAreWrittenAndWhatIsOwedReadInOneCall() {
        TestClient[] ab = twoDevicesInSync(2);
        TestClient a = ab[0];
        TestClient b = ab[1];
        b.addLocal("b-new.vcf", Cards.v30(50, 1));
        a.addLocal("a-new.vcf", Cards.v30(60, 1));
        assertThat(sync(b, AlertCode.TWO_WAY).completed).isTrue();
        int before = store.writeWithReadCount();
        TestClient.Result r = sync(a, AlertCode.TWO_WAY);
        assertThat(r.completed).isTrue();
        assertThat(store.writeWithReadCount() - before).isEqualTo(1);
        assertThat(r.receivedAdds).as("B's new card, not its own").isEqualTo(1);
        assertThat(store.liveItems("alice", "contacts")).hasSize(4);
    }

    /**
     * Sync without separate initialization: a device that sends its changes with the Alert gets the server's Sync in
     * the answer to package 1, so a two-way session with nothing changed is two messages, and it writes once (its
     * anchors). The anchors it completes with are the ones its next session, in either flow, is checked against.
     */
    @Test
    void aTwoWaySessionWithoutSeparateInitializationIsTwoMessages() {
        TestClient a = withCards(client("dev-a"), 3);
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        a.combinedInit = true;
        int writes = store.writeCount();
        int reads = store.pendingReadCount();
        TestClient.Result idle = sync(a, AlertCode.TWO_WAY);
        assertThat(idle.completed).isTrue();
        assertThat(idle.alertStatus).isEqualTo(200);
        assertThat(idle.serverMode).isEqualTo(AlertCode.TWO_WAY);
        assertThat(idle.messagesSent).isEqualTo(2);
        assertThat(idle.replies.get(0).fin()).as("packages 2 and 4 in one final message").isTrue();
        assertThat(store.writeCount() - writes).as("the anchor commit only").isEqualTo(1);
        assertThat(store.pendingReadCount() - reads).as("the lookup found nothing owed: not read again").isZero();
        assertThat(sync(a, AlertCode.TWO_WAY).alertStatus).as("anchors committed").isEqualTo(200);
        a.combinedInit = false;
        reads = store.pendingReadCount();
        int asked = store.settledAskedCount();
        TestClient.Result separate = sync(a, AlertCode.TWO_WAY);
        assertThat(separate.alertStatus).isEqualTo(200);
        assertThat(separate.messagesSent).isEqualTo(4);
        assertThat(store.pendingReadCount() - reads).as("package 3 is not the lookup's message: read").isEqualTo(1);
        assertThat(store.settledAskedCount() - asked).as("so its lookup does not ask").isZero();
    }

    /**
     * An idle device that sends its empty Sync with the Alert skips the read of what it is owed only when the
     * lookup found nothing: another device's new card is read and sent in the same two messages, and the session
     * after that reads nothing again.
     */
    @Test
    void anotherDevicesChangeReachesADeviceThatSyncsWithoutSeparateInitialization() {
        TestClient[] ab = twoDevicesInSync(2);
        TestClient a = ab[0];
        TestClient b = ab[1];
        b.addLocal("b-new.vcf", Cards.v30(50, 1));
        assertThat(sync(b, AlertCode.TWO_WAY).completed).isTrue();
        a.combinedInit = true;
        int reads = store.pendingReadCount();
        TestClient.Result r = sync(a, AlertCode.TWO_WAY);
        assertThat(r.completed).isTrue();
        assertThat(r.receivedAdds).isEqualTo(1);
        assertThat(store.pendingReadCount() - reads).isEqualTo(1);
        assertThat(a.items.values()).containsExactlyInAnyOrderElementsOf(b.items.values());
        reads = store.pendingReadCount();
        TestClient.Result idle = sync(a, AlertCode.TWO_WAY);
        assertThat(idle.receivedAdds + idle.receivedReplaces + idle.receivedDeletes).isZero();
        assertThat(store.pendingReadCount() - reads).isZero();
    }

    /**
     * The lookup answers for the unfiltered read only: a device given a contact filter after its last sync (nothing
     * changed on the server) still reads under its filter, and the cards that no longer pass come off it.
     */
    @Test
    void aFilteredDeviceReadsWhatItIsOwedEvenWhenNothingChanged() {
        TestClient a = withCards(client("dev-a"), 3);
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        DevicePolicy p = DevicePolicy.DEFAULT;
        store.device("dev-a").policy = new DevicePolicy(null, true, p.datastores(), p.direction(), List.of("work"),
                List.of(), null, null, null, true, DevicePolicy.NextSync.NORMAL);
        a.combinedInit = true;
        int reads = store.pendingReadCount();
        TestClient.Result r = sync(a, AlertCode.TWO_WAY);
        assertThat(r.completed).isTrue();
        assertThat(store.pendingReadCount() - reads).isEqualTo(1);
        assertThat(r.receivedDeletes).as("no card is in 'work'").isEqualTo(3);
        assertThat(a.items).isEmpty();
        assertThat(store.liveItems("alice", "contacts")).as("taken off the device, not deleted").hasSize(3);
    }

    /**
     * Changes both ways without separate initialization: the device's Add, Replace and Delete in package 1 are
     * applied, the other device's card comes back in the same answer (not the device's own), and the other device
     * gets all of them in its next session.
     */
    @Test
    void changesTravelBothWaysWithoutSeparateInitialization() {
        TestClient[] ab = twoDevicesInSync(3);
        TestClient a = ab[0];
        TestClient b = ab[1];
        b.addLocal("b-new.vcf", Cards.v30(50, 1));
        assertThat(sync(b, AlertCode.TWO_WAY).completed).isTrue();

        a.combinedInit = true;
        a.addLocal("a-new.vcf", Cards.v30(60, 1));
        a.modifyLocal("gen-1.vcf", Cards.v30(1, 2));
        a.deleteLocal("gen-2.vcf");
        TestClient.Result r = sync(a, AlertCode.TWO_WAY);
        assertThat(r.completed).isTrue();
        assertThat(r.messagesSent).as("package 1+3, then package 5 with the Map").isEqualTo(2);
        assertThat(r.statusesForMyChanges).hasSize(3).allMatch(code -> code == 200 || code == 201);
        assertThat(r.receivedAdds).as("B's new card, not its own").isEqualTo(1);
        assertThat(store.liveItems("alice", "contacts")).hasSize(4);
        assertThat(a.items).hasSize(4);

        TestClient.Result other = sync(b, AlertCode.TWO_WAY);
        assertThat(other.receivedAdds).isEqualTo(1);
        assertThat(other.receivedReplaces).isEqualTo(1);
        assertThat(other.receivedDeletes).isEqualTo(1);
        assertThat(b.items.values()).containsExactlyInAnyOrderElementsOf(a.items.values());
        assertThat(sync(a, AlertCode.TWO_WAY).receivedAdds + sync(a, AlertCode.TWO_WAY).receivedReplaces)
                .as("nothing owed twice").isZero();
    }

    /**
     * A device that sends its changes with the Alert while the server needs a slow sync (its anchor is not the one
     * the server has: a phone restored from a backup) gets 508 for them, nothing of them applied, and no server Sync
     * yet; it then sends everything as package 3 and the slow sync matches instead of duplicating.
     */
    @Test
    void changesSentWithTheAlertAreRefusedWhenTheServerNeedsASlowSync() {
        TestClient[] ab = twoDevicesInSync(3);
        TestClient a = ab[0];
        TestClient b = ab[1];
        a.combinedInit = true;
        a.addLocal("a-new.vcf", Cards.v30(60, 1));
        a.modifyLocal("gen-1.vcf", Cards.v30(1, 2));
        a.staleAnchor();
        TestClient.Result r = sync(a, AlertCode.TWO_WAY);
        assertThat(r.alertStatus).isEqualTo(508);
        assertThat(r.serverMode).isEqualTo(AlertCode.SLOW_SYNC);
        SyncMessage first = r.replies.get(0);
        assertThat(first.commands()).noneMatch(c -> c instanceof io.syncgw.codec.model.Sync);
        assertThat(first.commands()).filteredOn(c -> c instanceof Status st && !st.cmd().equals("SyncHdr")
                        && !st.cmd().equals("Alert") && !st.cmd().equals("Put") && !st.cmd().equals("Get"))
                .hasSize(3).allMatch(c -> ((Status) c).code() == 508);
        assertThat(r.completed).isTrue();
        assertThat(r.messagesSent).isGreaterThan(2);
        assertThat(store.liveItems("alice", "contacts")).as("matched, not duplicated").hasSize(4);
        assertThat(a.items).hasSize(4);
        TestClient.Result other = sync(b, AlertCode.TWO_WAY);
        assertThat(other.receivedAdds).isEqualTo(1);
        assertThat(other.receivedReplaces).isEqualTo(1);
        assertThat(b.items.values()).containsExactlyInAnyOrderElementsOf(a.items.values());
    }

    /** A basic login makes no digest with the stored nonce: it is offered again, unused, and nothing is written. */
    @Test
    void aBasicLoginOffersTheUnusedNonceAgainWithoutWritingIt() {
        TestClient a = withCards(client("dev-a"), 3);
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        String stored = store.device("dev-a").nonce;
        a.auth = TestClient.Auth.BASIC;
        int writes = store.writeCount();
        TestClient.Result basic = sync(a, AlertCode.TWO_WAY);
        assertThat(basic.completed).isTrue();
        assertThat(store.writeCount() - writes).as("the anchor commit only").isEqualTo(1);
        assertThat(nextNonceOf(basic.replies.get(0))).isEqualTo(stored);
        assertThat(store.device("dev-a").nonce).isEqualTo(stored);
        a.auth = TestClient.Auth.MD5;
        assertThat(sync(a, AlertCode.TWO_WAY).headerStatus).isEqualTo(212);
        assertThat(store.device("dev-a").nonce).isNotEqualTo(stored);
    }

    /** A non-active device is refused after its lookup: that lookup leaves its nonce as it was. */
    @Test
    void aNonActiveDeviceKeepsItsNonce() {
        TestClient a = withCards(client("dev-a"), 3);
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        String before = store.device("dev-a").nonce;
        DevicePolicy p = DevicePolicy.DEFAULT;
        store.device("dev-a").policy = new DevicePolicy("old phone", false, p.datastores(), p.direction(), List.of(),
                List.of(), null, null, null, true, DevicePolicy.NextSync.NORMAL);
        int rotations = store.nonceRotationCount();
        assertThat(sync(a, AlertCode.TWO_WAY).headerStatus).isEqualTo(403);
        assertThat(store.nonceRotationCount()).isEqualTo(rotations);
        assertThat(store.device("dev-a").nonce).isEqualTo(before);
        store.device("dev-a").policy = p;
        assertThat(sync(a, AlertCode.TWO_WAY).headerStatus).as("active again, same nonce").isEqualTo(212);
    }

    private static String nextNonceOf(SyncMessage reply) {
        return reply.commands().stream()
                .filter(c -> c instanceof Status st && st.cmd().equals("SyncHdr"))
                .map(c -> ((Status) c).chal().meta().nextNonce())
                .findFirst().orElseThrow();
    }

    @Test
    void everySyncMlVersionCompletesWithMd5() {
        for (SyncMlVersion v : SyncMlVersion.values()) {
            TestClient c = withCards(client("dev-" + v), 3);
            c.version = v;
            for (int mode : new int[] {AlertCode.SLOW_SYNC, AlertCode.TWO_WAY, AlertCode.TWO_WAY}) {
                TestClient.Result r = sync(c, mode);
                assertThat(r.headerStatus).as("%s %d", v, mode).isEqualTo(212);
                assertThat(r.completed).as("%s %d: %s", v, mode, r).isTrue();
                assertThat(r.replies.get(0).header().version()).isEqualTo(v);
            }
        }
        TestClient wrong = client("dev-wrong");
        wrong.version = SyncMlVersion.V1_0;
        wrong.password = "nope";
        assertThat(sync(wrong, AlertCode.SLOW_SYNC).headerStatus).isEqualTo(401);
    }

    @Test
    void unknownDatastoreIs404() {
        TestClient a = withCards(client("dev-a"), 2);
        a.targetUri = "memo";
        TestClient.Result r = sync(a, AlertCode.SLOW_SYNC);
        assertThat(r.alertStatus).isEqualTo(404);
        assertThat(store.liveItems("alice", "contacts")).isEmpty();
    }

    @Test
    void unknownDatastoresGet404WhileContactsSync() {
        TestClient a = withCards(client("dev-a"), 4);
        a.extraTargets = List.of("notes", "memo");
        TestClient.Result r = sync(a, AlertCode.SLOW_SYNC);
        assertThat(r.alertStatuses).containsEntry("contacts", 200).containsEntry("notes", 404)
                .containsEntry("memo", 404);
        assertThat(r.completed).as(r.toString()).isTrue();
        assertThat(store.liveItems("alice", "contacts")).hasSize(4);
    }

    @Test
    void deviceInformationIsAskedForWhenNeverSentAndStoredWhenAnswered() {
        TestClient quiet = withCards(client("dev-quiet"), 2);
        quiet.sendDevInf = false;
        TestClient.Result r = sync(quiet, AlertCode.SLOW_SYNC);
        assertThat(r.devInfRequested).isTrue();
        assertThat(r.completed).isTrue();
        assertThat(store.device("dev-quiet").devInf).contains("<DevID>dev-quiet</DevID>");
        TestClient.Result next = sync(quiet, AlertCode.TWO_WAY);
        assertThat(next.devInfRequested).isFalse();
        TestClient.Result chatty = sync(withCards(client("dev-chatty"), 1), AlertCode.SLOW_SYNC);
        assertThat(chatty.devInfRequested).isFalse();
    }

    @Test
    void aliasesNameTheContactsDatastore() {
        List<String> aliases = List.of("./contacts", "card", "addressbook", "./addressbook", "contact");
        store.setMaxDevices("alice", aliases.size()); // one device per alias
        List<Integer> statuses = new ArrayList<>();
        int n = 0;
        for (String alias : aliases) {
            TestClient c = withCards(client("dev-" + n++), 1);
            c.targetUri = alias;
            TestClient.Result r = sync(c, AlertCode.SLOW_SYNC);
            statuses.add(r.alertStatus);
            assertThat(r.completed).as(alias).isTrue();
        }
        assertThat(statuses).containsOnly(200);
        assertThat(store.liveItems("alice", "contacts")).hasSize(1);
    }

    @Test
    void storeOutageGives503AndWritesNothing() {
        TestClient a = withCards(client("dev-a"), 3);
        store.setUnavailable(true);
        TestClient.Result r = sync(a, AlertCode.SLOW_SYNC);
        assertThat(r.headerStatus).isEqualTo(503);
        store.setUnavailable(false);
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        assertThat(store.liveItems("alice", "contacts")).hasSize(3);
    }

    @Test
    void vcard21DeviceGetsVcard21AndNamesSurvive() {
        TestClient a = withCards(client("dev-a"), 10);
        sync(a, AlertCode.SLOW_SYNC);
        TestClient old = client("dev-old");
        old.contentType = "text/x-vcard";
        TestClient.Result r = sync(old, AlertCode.REFRESH_FROM_SERVER);
        assertThat(r.receivedAdds).isEqualTo(10);
        assertThat(old.items.values()).allMatch(v -> v.contains("VERSION:2.1"));
        assertThat(String.join("", old.items.values())).contains("=C3=BC"); // ü in quoted-printable UTF-8
    }
}
