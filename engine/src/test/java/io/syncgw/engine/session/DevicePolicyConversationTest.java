package io.syncgw.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.model.AlertCode;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import io.syncgw.engine.EngineConfig;
import io.syncgw.engine.SyncEngine;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.port.DevicePolicy.Direction;
import io.syncgw.engine.port.DevicePolicy.NextSync;
import io.syncgw.engine.sync.ConflictPolicy;
import io.syncgw.engine.testing.Cards;
import io.syncgw.engine.testing.InMemorySyncStore;
import io.syncgw.engine.testing.TestClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/**
 * Issue 5 through the engine: device slots and the per-device policies (datastores, direction, contact categories,
 * calendar window, conflict policy, deletions, forced next sync), each in whole sessions.
 */
class DevicePolicyConversationTest {
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    private InMemorySyncStore store;
    private SyncEngine engine;

    @BeforeEach
    void setUp() {
        store = new InMemorySyncStore();
        store.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        store.addAccount("alice", "secret");
        engine = new SyncEngine(EngineConfig.DEFAULT.withClock(Clock.fixed(NOW, ZoneOffset.UTC)), store,
                new SyncMlXmlEncoder(), NonceSource.create(new byte[32]), InMemorySyncStore.TEST_CIPHER,
                Schedulers.immediate());
    }

    private static TestClient client(String device) {
        return new TestClient(device, "alice", "secret");
    }

    private TestClient.Result sync(TestClient c, int mode) {
        return c.sync(mode, engine::newSession);
    }

    private void policy(String device, DevicePolicy p) {
        store.device(device).policy = p;
    }

    private static DevicePolicy with(Direction d) {
        DevicePolicy x = DevicePolicy.DEFAULT;
        return new DevicePolicy(x.name(), true, x.datastores(), d, List.of(), List.of(), null, null, null, true,
                NextSync.NORMAL);
    }

    private static String card(String name, String categories) {
        return "BEGIN:VCARD\r\nVERSION:3.0\r\nN:" + name + ";;;;\r\nFN:" + name + "\r\nTEL;TYPE=CELL:+49 170 "
                + Math.abs(name.hashCode() % 1_000_000) + "\r\n" + (categories == null ? "" : "CATEGORIES:" + categories
                + "\r\n") + "END:VCARD\r\n";
    }

    private static String headerText(TestClient.Result r) {
        for (Command c : r.replies.get(0).commands()) {
            if (c instanceof Status s && s.cmd().equals("SyncHdr") && !s.items().isEmpty()) {
                return s.items().get(0).text();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------- slots

    @Test
    void aFifthDeviceIsRefusedWith403AndAMessageUntilASlotIsFreed() {
        for (int i = 1; i <= 4; i++) {
            TestClient c = client("phone-" + i);
            c.addLocal("c" + i, Cards.v30(i, 1));
            assertThat(sync(c, AlertCode.SLOW_SYNC).completed).isTrue();
            assertThat(store.device("phone-" + i).slot).isEqualTo(i);
        }
        TestClient fifth = client("phone-5");
        fifth.addLocal("c5", Cards.v30(5, 1));
        TestClient.Result refused = sync(fifth, AlertCode.SLOW_SYNC);
        assertThat(refused.headerStatus).isEqualTo(403);
        assertThat(headerText(refused)).contains("all 4 device slots").contains("free a slot");
        assertThat(store.deviceCount()).isEqualTo(4);
        assertThat(store.liveItems("alice", "contacts")).hasSize(4); // nothing of it applied

        store.freeSlot("alice", 2);
        TestClient.Result in = sync(fifth, AlertCode.SLOW_SYNC);
        assertThat(in.completed).as(in.toString()).isTrue();
        assertThat(store.device("phone-5").slot).isEqualTo(2);
        assertThat(store.liveItems("alice", "contacts")).hasSize(5);
    }

    @Test
    void aNonActiveDeviceIsRefusedAndANewDeviceTakesItsSlot() {
        List<TestClient> phones = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            phones.add(client("phone-" + i));
            assertThat(sync(phones.get(i - 1), AlertCode.SLOW_SYNC).completed).isTrue();
        }
        DevicePolicy off = DevicePolicy.DEFAULT;
        off = new DevicePolicy("old phone", false, off.datastores(), off.direction(), List.of(), List.of(), null,
                null, null, true, NextSync.NORMAL);
        policy("phone-3", off);
        TestClient.Result refused = sync(phones.get(2), AlertCode.TWO_WAY);
        assertThat(refused.headerStatus).isEqualTo(403);
        assertThat(headerText(refused)).contains("non-active");

        TestClient.Result newcomer = sync(client("phone-new"), AlertCode.SLOW_SYNC);
        assertThat(newcomer.completed).isTrue();
        assertThat(store.device("phone-new").slot).isEqualTo(3);
        assertThat(store.device("phone-3")).isNull();
    }

    @Test
    void theServersLimitAndAnAccountsOwnLimit() {
        store.setMaxDevices("alice", 1);
        assertThat(sync(client("only"), AlertCode.SLOW_SYNC).completed).isTrue();
        assertThat(sync(client("second"), AlertCode.SLOW_SYNC).headerStatus).isEqualTo(403);
    }

    // ---------------------------------------------------------------------------------------------- datastores

    @Test
    void aDatastoreTheDeviceMayNotSyncIs403WhileTheOthersSync() {
        TestClient c = client("phone");
        c.addLocal("x", Cards.v30(1, 1));
        c.extraTargets = List.of("calendar");
        assertThat(sync(c, AlertCode.SLOW_SYNC).completed).isTrue();
        DevicePolicy d = DevicePolicy.DEFAULT;
        policy("phone", new DevicePolicy(null, true, Set.of("contacts"), d.direction(), List.of(), List.of(), null,
                null, null, true, NextSync.NORMAL));
        TestClient.Result r = sync(c, AlertCode.TWO_WAY);
        assertThat(r.alertStatuses).containsEntry("contacts", 200).containsEntry("calendar", 403);
        assertThat(r.completed).isTrue();
    }

    // ---------------------------------------------------------------------------------------------- direction

    @Test
    void aDownloadOnlyDeviceRunsOneWayFromServerAndItsChangesNeverReachTheAccount() {
        TestClient a = client("desktop");
        a.addLocal("a1", card("Anna", null));
        sync(a, AlertCode.SLOW_SYNC);
        TestClient phone = client("phone");
        sync(phone, AlertCode.SLOW_SYNC);
        policy("phone", with(Direction.FROM_SERVER));
        String luid = phone.items.keySet().iterator().next();
        phone.modifyLocal(luid, card("Anna (edited on the phone)", null));
        phone.addLocal("p1", card("Phone only", null));
        a.addLocal("a2", card("Bernd", null));
        sync(a, AlertCode.TWO_WAY);

        TestClient.Result r = sync(phone, AlertCode.TWO_WAY);
        assertThat(r.serverMode).isEqualTo(AlertCode.ONE_WAY_FROM_SERVER);
        assertThat(r.receivedAdds).isEqualTo(1);
        assertThat(store.liveItems("alice", "contacts")).extracting(x -> x.content)
                .noneMatch(c -> c.contains("edited on the phone") || c.contains("Phone only")).hasSize(2);

        // a slow sync of it matches but takes nothing, and sends the server's version where they differ
        phone.forgetAnchor();
        TestClient.Result slow = sync(phone, AlertCode.SLOW_SYNC);
        assertThat(slow.serverMode).isEqualTo(AlertCode.SLOW_SYNC);
        assertThat(store.liveItems("alice", "contacts")).hasSize(2);
        assertThat(phone.items.get(luid)).contains("FN:Anna\r\n");
    }

    @Test
    void anUploadOnlyDeviceFeedsTheAccountAndReceivesNothing() {
        TestClient feeder = client("outlook");
        sync(feeder, AlertCode.SLOW_SYNC);
        policy("outlook", with(Direction.FROM_CLIENT));
        TestClient other = client("phone");
        other.addLocal("o1", card("From the phone", null));
        sync(other, AlertCode.SLOW_SYNC);
        feeder.addLocal("f1", card("From Outlook", null));
        TestClient.Result r = sync(feeder, AlertCode.TWO_WAY);
        assertThat(r.serverMode).isEqualTo(AlertCode.ONE_WAY_FROM_CLIENT);
        assertThat(r.receivedAdds).isZero();
        assertThat(store.liveItems("alice", "contacts")).hasSize(2);
        feeder.forgetAnchor();
        TestClient.Result slow = sync(feeder, AlertCode.SLOW_SYNC);
        assertThat(slow.receivedAdds).isZero();
        assertThat(feeder.items).hasSize(1);
        TestClient.Result toPhone = sync(other, AlertCode.TWO_WAY);
        assertThat(toPhone.receivedAdds).isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------- filters

    @Test
    void onlyContactsOfTheChosenCategoriesAreSentAndOneThatLeavesIsTakenOffTheDevice() {
        TestClient a = client("desktop");
        a.addLocal("p", card("Personal friend", "Personal"));
        a.addLocal("w", card("Work mate", "Business"));
        a.addLocal("n", card("No category", null));
        a.addLocal("pv", card("Personal VIP", "personal,VIP"));
        sync(a, AlertCode.SLOW_SYNC);
        TestClient phone = client("phone");
        sync(phone, AlertCode.SLOW_SYNC); // registers
        DevicePolicy d = DevicePolicy.DEFAULT;
        policy("phone", new DevicePolicy(null, true, d.datastores(), Direction.FROM_SERVER, List.of("Personal"),
                List.of("vip"), null, null, null, true, NextSync.NORMAL));
        phone.forgetAnchor();
        phone.items.clear();
        TestClient.Result r = sync(phone, AlertCode.SLOW_SYNC);
        assertThat(r.completed).isTrue();
        assertThat(phone.items.values()).singleElement().asString().contains("Personal friend");

        // the contact is moved to Business on the desktop: it leaves the phone, stays on the server
        a.modifyLocal("p", card("Personal friend", "Business"));
        sync(a, AlertCode.TWO_WAY);
        TestClient.Result r2 = sync(phone, AlertCode.TWO_WAY);
        assertThat(r2.receivedDeletes).isEqualTo(1);
        assertThat(phone.items).isEmpty();
        assertThat(store.liveItems("alice", "contacts")).hasSize(4);
        // and back to Personal: it returns
        a.modifyLocal("p", card("Personal friend", "Personal"));
        sync(a, AlertCode.TWO_WAY);
        assertThat(sync(phone, AlertCode.TWO_WAY).receivedAdds).isEqualTo(1);
    }

    private static String event(String uid, String start, String end, String rrule) {
        return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:" + uid + "\r\n"
                + "DTSTAMP:20260101T000000Z\r\nDTSTART:" + start + "\r\nDTEND:" + end + "\r\nSUMMARY:" + uid + "\r\n"
                + (rrule == null ? "" : "RRULE:" + rrule + "\r\n") + "END:VEVENT\r\nEND:VCALENDAR\r\n";
    }

    @Test
    void theCalendarWindowSendsWhatFallsInsideIncludingRecurrencesWithAnOccurrenceThere() {
        TestClient a = client("desktop");
        a.targetUri = "calendar";
        a.sourceUri = "./calendar";
        a.contentType = "text/calendar";
        a.addLocal("past", event("long-ago", "20260101T100000Z", "20260101T110000Z", null));
        a.addLocal("recent", event("last-week", "20261124T100000Z", "20261124T110000Z", null));
        a.addLocal("soon", event("next-week", "20261206T100000Z", "20261206T110000Z", null));
        a.addLocal("far", event("next-year", "20270601T100000Z", "20270601T110000Z", null));
        a.addLocal("weekly", event("weekly-since-january", "20260105T080000Z", "20260105T090000Z",
                "FREQ=WEEKLY"));
        a.addLocal("yearly", event("every-march", "20250310T080000Z", "20250310T090000Z",
                "FREQ=YEARLY;COUNT=5"));
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        TestClient phone = client("phone");
        phone.targetUri = "calendar";
        phone.sourceUri = "./calendar";
        phone.contentType = "text/calendar";
        sync(phone, AlertCode.SLOW_SYNC);
        DevicePolicy d = DevicePolicy.DEFAULT;
        policy("phone", new DevicePolicy(null, true, d.datastores(), Direction.TWO_WAY, List.of(), List.of(), 7, 30,
                null, true, NextSync.REFRESH_FROM_SERVER));
        TestClient.Result r = sync(phone, AlertCode.TWO_WAY);
        assertThat(r.serverMode).as("nextSync refresh-from-server").isEqualTo(AlertCode.REFRESH_FROM_SERVER);
        assertThat(phone.items.values()).extracting(t -> t.replaceAll("(?s).*SUMMARY:([^\r]*).*", "$1"))
                .containsExactlyInAnyOrder("last-week", "next-week", "weekly-since-january");
        assertThat(store.device("phone").policy.nextSync()).isEqualTo(NextSync.NORMAL);
        assertThat(store.liveItems("alice", "calendar")).hasSize(6);
    }

    // ---------------------------------------------------------------------------------------------- conflicts

    /** Both sides change one contact; returns the device's status for its change and the server's final text. */
    private String[] conflict(ConflictPolicy policy, String deviceRev) {
        TestClient a = client("desktop");
        a.addLocal("x", card("Xaver", null));
        sync(a, AlertCode.SLOW_SYNC);
        TestClient phone = client("phone");
        sync(phone, AlertCode.SLOW_SYNC);
        DevicePolicy d = DevicePolicy.DEFAULT;
        policy("phone", new DevicePolicy(null, true, d.datastores(), Direction.TWO_WAY, List.of(), List.of(), null,
                null, policy, true, NextSync.NORMAL));
        a.modifyLocal("x", card("Xaver (desktop)", null));
        sync(a, AlertCode.TWO_WAY);
        String luid = phone.items.keySet().iterator().next();
        String mine = card("Xaver (phone)", null).replace("END:VCARD", "REV:" + deviceRev + "\r\nEND:VCARD");
        phone.modifyLocal(luid, mine);
        TestClient.Result r = sync(phone, AlertCode.TWO_WAY);
        return new String[] {Integer.toString(r.statusesForMyChanges.get(0)),
            String.join("|", store.liveItems("alice", "contacts").stream().map(x -> x.content).toList()),
            String.join("|", phone.items.values())};
    }

    @Test
    void serverWins() {
        String[] r = conflict(ConflictPolicy.SERVER_WINS, "20261129T120000Z");
        assertThat(r[0]).isEqualTo("419");
        assertThat(r[1]).contains("desktop").doesNotContain("(phone)");
        assertThat(r[2]).contains("desktop");
    }

    @Test
    void clientWins() {
        String[] r = conflict(ConflictPolicy.CLIENT_WINS, "20261129T120000Z");
        assertThat(r[0]).isEqualTo("208");
        assertThat(r[1]).contains("(phone)").doesNotContain("desktop");
    }

    @Test
    void newestWinsByTheDevicesRevisionAgainstTheServerCopysWriteTime() {
        String[] newer = conflict(ConflictPolicy.NEWEST_WINS, "20261129T120000Z"); // after NOW (server write time)
        assertThat(newer[0]).isEqualTo("208");
        assertThat(newer[1]).contains("(phone)");
        setUp();
        String[] older = conflict(ConflictPolicy.NEWEST_WINS, "20261128T120000Z");
        assertThat(older[0]).isEqualTo("419");
        assertThat(older[1]).contains("desktop").doesNotContain("(phone)");
    }

    @Test
    void duplicateKeepsBoth() {
        String[] r = conflict(ConflictPolicy.DUPLICATE, "20261129T120000Z");
        assertThat(r[0]).isEqualTo("209");
        assertThat(r[1]).contains("(phone)").contains("desktop");
        assertThat(store.liveItems("alice", "contacts")).hasSize(2);
        assertThat(r[2]).contains("(phone)").contains("desktop");
    }

    // ---------------------------------------------------------------------------------------------- deletions

    @Test
    void whenDeletionsDoNotPropagateTheAccountKeepsTheItemAndTheDeviceIsNotRefilled() {
        TestClient a = client("desktop");
        a.addLocal("x", card("Keep me", null));
        sync(a, AlertCode.SLOW_SYNC);
        TestClient phone = client("phone");
        sync(phone, AlertCode.SLOW_SYNC);
        DevicePolicy d = DevicePolicy.DEFAULT;
        policy("phone", new DevicePolicy(null, true, d.datastores(), Direction.TWO_WAY, List.of(), List.of(), null,
                null, null, false, NextSync.NORMAL));
        phone.deleteLocal(phone.items.keySet().iterator().next());
        TestClient.Result r = sync(phone, AlertCode.TWO_WAY);
        assertThat(r.statusesForMyChanges).containsExactly(200);
        assertThat(store.liveItems("alice", "contacts")).hasSize(1);
        assertThat(sync(phone, AlertCode.TWO_WAY).receivedAdds).as("not sent back").isZero();
        // changed on the server later: the device gets it again
        a.modifyLocal("x", card("Keep me (changed)", null));
        sync(a, AlertCode.TWO_WAY);
        assertThat(sync(phone, AlertCode.TWO_WAY).receivedAdds).isEqualTo(1);
        assertThat(sync(a, AlertCode.TWO_WAY).receivedAdds).isZero();
    }

    // ---------------------------------------------------------------------------------------------- busy device

    /** A first session of "phone" that stops after its Sync was applied (it holds the device) until released. */
    private static final class PausedSession implements AutoCloseable {
        final java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch goOn = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CompletableFuture<TestClient.Result> running;

        PausedSession(SyncEngine engine) throws InterruptedException {
            TestClient first = client("phone");
            first.auth = TestClient.Auth.BASIC;
            first.addLocal("a", card("First", null));
            TestClient.Transport direct = TestClient.Transport.direct(engine::newSession);
            TestClient.Transport paused = new TestClient.Transport() {
                private int n;

                @Override
                public byte[] exchange(byte[] message) {
                    byte[] reply = direct.exchange(message);
                    if (++n == 2) { // its Sync was applied: the session holds the device now
                        holding.countDown();
                        try {
                            goOn.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return reply;
                }
            };
            running = java.util.concurrent.CompletableFuture.supplyAsync(() -> first.syncOver(AlertCode.SLOW_SYNC,
                    paused));
            assertThat(holding.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }

        TestClient.Result finish() throws Exception {
            goOn.countDown();
            return running.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            goOn.countDown();
        }
    }

    private static TestClient second() {
        TestClient second = client("phone");
        second.auth = TestClient.Auth.BASIC;
        second.addLocal("b", card("Second", null));
        return second;
    }

    @Test
    void theSameDeviceTwiceAtOnceTheSecondIsToldItIsBusyAndNothingOfItIsApplied() throws Exception {
        // the store's clock stands still: the first session's lease never lapses, as if it kept talking
        engine = new SyncEngine(EngineConfig.DEFAULT.withClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .withDeviceBusyWait(java.time.Duration.ofSeconds(1)), store, new SyncMlXmlEncoder(),
                NonceSource.create(new byte[32]), InMemorySyncStore.TEST_CIPHER, Schedulers.immediate());
        try (PausedSession first = new PausedSession(engine)) {
            TestClient second = second();
            TestClient.Result busy = sync(second, AlertCode.SLOW_SYNC);
            // its first message writes nothing of the device's sync state; the one with its Sync waits for the device,
            // tries again, and is refused whole
            assertThat(busy.completed).isFalse();
            assertThat(store.busyRefusals.get()).as("tries while waiting for the device").isGreaterThan(1);
            SyncMessage refused = busy.replies.get(1); // the answer to its Sync; the session is over after it
            assertThat(refused.commands()).filteredOn(c -> c instanceof Status s && s.cmd().equals("SyncHdr"))
                    .singleElement().satisfies(c -> {
                        assertThat(((Status) c).code()).isEqualTo(503);
                        assertThat(((Status) c).items().get(0).text())
                                .contains("another sync of this device is in progress");
                    });
            assertThat(first.finish().completed).isTrue();
            assertThat(store.liveItems("alice", "contacts")).extracting(x -> x.content).singleElement().asString()
                    .contains("First");
            // the first session completed and let go of the device: the second may sync now
            TestClient.Result later = sync(second, AlertCode.SLOW_SYNC);
            assertThat(later.completed).as(later.toString()).isTrue();
            assertThat(store.liveItems("alice", "contacts")).hasSize(2);
        }
    }

    @Test
    void aSessionThatWentSilentHoldingItsDeviceDelaysTheNextSessionOnlyUntilItsLeaseLapses() throws Exception {
        // real time: the first session's lease (1 s) lapses while the second waits for the device (up to 3 s)
        store.clock = Clock.systemUTC();
        engine = new SyncEngine(EngineConfig.DEFAULT.withDeviceLease(java.time.Duration.ofSeconds(1))
                .withDeviceBusyWait(java.time.Duration.ofSeconds(3)), store, new SyncMlXmlEncoder(),
                NonceSource.create(new byte[32]), InMemorySyncStore.TEST_CIPHER, Schedulers.immediate());
        try (PausedSession first = new PausedSession(engine)) {
            // e.g. the node running the first session was killed: the client's next session comes through
            TestClient.Result next = sync(second(), AlertCode.SLOW_SYNC);
            assertThat(store.busyRefusals.get()).as("the device was still held when the next session wrote")
                    .isPositive();
            assertThat(next.completed).as(next.toString()).isTrue();
            assertThat(store.liveItems("alice", "contacts")).extracting(x -> x.content).anySatisfy(
                    c -> assertThat(c).contains("Second"));
            // had the first session been alive after all, its next write finds the device free again and finishes
            assertThat(first.finish().completed).isTrue();
            assertThat(store.liveItems("alice", "contacts")).hasSize(2);
        }
    }

    // ---------------------------------------------------------------------------------------------- next sync

    @Test
    void aForcedSlowSyncHappensOnceWith508() {
        TestClient phone = client("phone");
        phone.addLocal("x", Cards.v30(1, 1));
        sync(phone, AlertCode.SLOW_SYNC);
        DevicePolicy d = DevicePolicy.DEFAULT;
        policy("phone", new DevicePolicy(null, true, d.datastores(), Direction.TWO_WAY, List.of(), List.of(), null,
                null, null, true, NextSync.SLOW));
        TestClient.Result forced = sync(phone, AlertCode.TWO_WAY);
        assertThat(forced.alertStatus).isEqualTo(508);
        assertThat(forced.serverMode).isEqualTo(AlertCode.SLOW_SYNC);
        assertThat(store.liveItems("alice", "contacts")).hasSize(1);
        TestClient.Result next = sync(phone, AlertCode.TWO_WAY);
        assertThat(next.alertStatus).isEqualTo(200);
        assertThat(next.serverMode).isEqualTo(AlertCode.TWO_WAY);
    }
}
