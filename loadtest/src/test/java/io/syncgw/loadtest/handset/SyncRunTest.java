package io.syncgw.loadtest.handset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncgw.codec.model.AlertCode;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import io.syncgw.engine.EngineConfig;
import io.syncgw.engine.SyncEngine;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.session.SyncSession;
import io.syncgw.engine.testing.InMemorySyncStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/**
 * The simulator against the real engine over the in-memory store (no network, no database): the session flows the
 * simulations rely on complete, and the data ends up where it should.
 */
class SyncRunTest {
    private static final SyncMlXmlEncoder XML = new SyncMlXmlEncoder();
    private InMemorySyncStore store;
    private SyncEngine engine;
    /** Sizes of every message the handsets sent, and of every reply, per run. */
    private final List<Integer> sent = new ArrayList<>();
    private final List<Integer> received = new ArrayList<>();

    @BeforeEach
    void setUp() {
        store = new InMemorySyncStore();
        store.addAccount("alice", "secret");
        engine = new SyncEngine(EngineConfig.DEFAULT, store, XML, NonceSource.create(new byte[32]),
                Schedulers.immediate());
    }

    /** Runs a whole session, each message through the codec both ways, as the gateway would. */
    private SyncRun sync(Handset h, int mode) throws ProtocolException {
        SyncRun run = h.startSync("http://127.0.0.1/sync", mode);
        SyncSession session = engine.newSession("http://127.0.0.1/sync?s=t");
        try {
            SyncRun.Request req;
            while ((req = run.request()) != null) {
                sent.add(req.body().length);
                SyncMessage msg = WireFormat.decode(req.body());
                byte[] reply = XML.encode(session.handle(msg).block(Duration.ofSeconds(30)).message());
                received.add(reply.length);
                run.onReply(200, reply);
            }
        } finally {
            session.close();
        }
        return run;
    }

    private static Handset phone(String uri, Handset.Auth auth, long maxMsgSize, WireFormat wire, boolean v21) {
        Handset h = new Handset(uri, "alice", "secret", auth, maxMsgSize, wire);
        h.addContacts(v21);
        return h;
    }

    private static Set<String> normalised(LocalStore st) {
        Set<String> out = new HashSet<>();
        for (String luid : st.luids()) {
            out.add(st.item(luid).replace("\r\n", "\n").replaceAll("(?m)^VERSION:.*$", ""));
        }
        return out;
    }

    @Test
    void firstSlowSyncWithCalendarNotServedThenIdleTwoWay() throws Exception {
        Handset a = phone("dev-a", Handset.Auth.MD5, 150_000, WireFormat.XML, true);
        a.addCalendar(true);
        for (int i = 0; i < 200; i++) {
            a.store("contacts").addLocal(Pim.contact(i, 0, true, 0));
        }
        for (int i = 0; i < 50; i++) {
            a.store("calendar").addLocal(Pim.event(i, 0, true));
        }
        SyncRun first = sync(a, AlertCode.TWO_WAY);
        assertThat(first.completed()).isTrue();
        assertThat(first.serverMode("contacts")).isEqualTo(AlertCode.SLOW_SYNC);
        assertThat(first.alertStatus("calendar")).isIn(200, 404, 508);
        assertThat(first.itemsSent()).isGreaterThanOrEqualTo(200);
        assertThat(store.liveItems("alice", "contacts")).hasSize(200);
        assertThat(a.store("contacts").pendingChanges()).isZero();

        SyncRun idle = sync(a, AlertCode.TWO_WAY);
        assertThat(idle.completed()).isTrue();
        assertThat(idle.serverMode("contacts")).isEqualTo(AlertCode.TWO_WAY);
        assertThat(idle.itemsSent() + idle.itemsReceived()).isZero();
        assertThat(idle.exchanges()).isEqualTo(4); // package 1, 3, 5 and the acknowledgement of 6
    }

    /**
     * Sync without separate initialization: package 1 carries the changes and the answer the server's, so an idle
     * session is two exchanges (the issue's idle row), and changes still travel both ways.
     */
    @Test
    void aHandsetThatCombinesPackagesSyncsIdleInTwoExchanges() throws Exception {
        Handset a = phone("dev-a", Handset.Auth.MD5, 150_000, WireFormat.XML, true);
        Handset b = phone("dev-b", Handset.Auth.MD5, 150_000, WireFormat.XML, false);
        for (int i = 0; i < 10; i++) {
            a.store("contacts").addLocal(Pim.contact(i, 0, true, 0));
        }
        a.combinedInit = true;
        a.trailingAck = false;
        SyncRun first = sync(a, AlertCode.TWO_WAY);
        assertThat(first.serverMode("contacts")).as("no anchor yet: a slow sync, packages apart")
                .isEqualTo(AlertCode.SLOW_SYNC);
        assertThat(first.exchanges()).isEqualTo(3);
        assertThat(sync(b, AlertCode.TWO_WAY).itemsReceived()).isEqualTo(10);

        int writes = store.writeCount();
        SyncRun idle = sync(a, AlertCode.TWO_WAY);
        assertThat(idle.completed()).isTrue();
        assertThat(idle.serverMode("contacts")).isEqualTo(AlertCode.TWO_WAY);
        assertThat(idle.exchanges()).isEqualTo(2);
        assertThat(idle.itemsSent() + idle.itemsReceived()).isZero();
        assertThat(store.writeCount() - writes).as("the anchor commit only").isEqualTo(1);

        LocalStore ca = a.store("contacts");
        List<String> own = ca.ownItems();
        ca.modifyLocal(own.get(0), Pim.contact(0, 1, true, 0));
        ca.deleteLocal(own.get(1));
        ca.addLocal(Pim.contact(100, 0, true, 0));
        b.store("contacts").addLocal(Pim.contact(200, 0, false, 0));
        assertThat(sync(b, AlertCode.TWO_WAY).itemsSent()).isEqualTo(1);
        SyncRun both = sync(a, AlertCode.TWO_WAY);
        assertThat(both.completed()).isTrue();
        assertThat(both.exchanges()).as("package 1+3, package 5 with the Map").isEqualTo(2);
        assertThat(both.itemsSent()).isEqualTo(3);
        assertThat(both.itemsReceived()).isEqualTo(1);
        assertThat(sync(b, AlertCode.TWO_WAY).itemsReceived()).isEqualTo(3);
        assertThat(a.store("contacts").size()).isEqualTo(11); // 10 - 1 deleted + 1 added + B's
        assertThat(b.store("contacts").size()).isEqualTo(11);
        assertThat(store.liveItems("alice", "contacts")).hasSize(11);
    }

    /**
     * A combining handset whose anchor the server does not have gets 508 for the changes it sent with package 1, and
     * sends everything as package 3: the slow sync matches instead of duplicating. Changes that do not fit in package
     * 1 go in a package 3 of their own.
     */
    @Test
    void aCombiningHandsetFallsBackToPackageThree() throws Exception {
        Handset a = phone("dev-a", Handset.Auth.MD5, 10_240, WireFormat.XML, true);
        for (int i = 0; i < 10; i++) {
            a.store("contacts").addLocal(Pim.contact(i, 0, true, 0));
        }
        a.combinedInit = true;
        a.trailingAck = false;
        sync(a, AlertCode.TWO_WAY);
        LocalStore ca = a.store("contacts");
        ca.modifyLocal(ca.ownItems().get(0), Pim.contact(0, 1, true, 0));
        ca.addLocal(Pim.contact(100, 0, true, 0));
        ca.lastAnchor = "restored-from-a-backup";
        SyncRun refused = sync(a, AlertCode.TWO_WAY);
        assertThat(refused.completed()).isTrue();
        assertThat(refused.alertStatus("contacts")).isEqualTo(508);
        assertThat(refused.serverMode("contacts")).isEqualTo(AlertCode.SLOW_SYNC);
        assertThat(refused.itemsSent()).as("everything, once").isEqualTo(11);
        assertThat(store.liveItems("alice", "contacts")).as("matched, not duplicated").hasSize(11);

        for (int i = 0; i < 40; i++) {
            ca.addLocal(Pim.contact(300 + i, 0, true, 0));
        }
        SyncRun large = sync(a, AlertCode.TWO_WAY);
        assertThat(large.completed()).isTrue();
        assertThat(large.itemsSent()).isEqualTo(40);
        assertThat(large.exchanges()).as("more than 10 KB of changes: package 3 apart").isGreaterThan(3);
        assertThat(store.liveItems("alice", "contacts")).hasSize(51);
    }

    @Test
    void changesReachTheOtherDevicesOfTheAccount() throws Exception {
        Handset a = phone("dev-a", Handset.Auth.MD5, 150_000, WireFormat.XML, true);
        Handset b = phone("dev-b", Handset.Auth.BASIC, 150_000, WireFormat.XML, false);
        LocalStore ca = a.store("contacts");
        for (int i = 0; i < 20; i++) {
            ca.addLocal(Pim.contact(i, 0, true, 0));
        }
        sync(a, AlertCode.TWO_WAY);
        SyncRun bFirst = sync(b, AlertCode.TWO_WAY);
        assertThat(bFirst.itemsReceived()).isEqualTo(20);

        List<String> own = ca.ownItems();
        ca.modifyLocal(own.get(0), Pim.contact(0, 1, true, 0));
        ca.deleteLocal(own.get(1));
        ca.addLocal(Pim.contact(100, 0, true, 0));
        SyncRun up = sync(a, AlertCode.TWO_WAY);
        assertThat(up.itemsSent()).isEqualTo(3);
        SyncRun down = sync(b, AlertCode.TWO_WAY);
        assertThat(down.completed()).isTrue();
        assertThat(down.itemsReceived()).isEqualTo(3);
        assertThat(b.store("contacts").size()).isEqualTo(20);
        assertThat(store.liveItems("alice", "contacts")).hasSize(20);
    }

    @Test
    void refreshFromServerReplacesTheDevicesData() throws Exception {
        Handset a = phone("dev-a", Handset.Auth.MD5, 150_000, WireFormat.XML, false);
        for (int i = 0; i < 12; i++) {
            a.store("contacts").addLocal(Pim.contact(i, 0, false, 0));
        }
        sync(a, AlertCode.TWO_WAY);
        Handset b = phone("dev-b", Handset.Auth.MD5, 150_000, WireFormat.XML, false);
        sync(b, AlertCode.TWO_WAY);
        b.store("contacts").addLocal(Pim.contact(99, 0, false, 0)); // dropped by the refresh
        SyncRun refresh = sync(b, AlertCode.REFRESH_FROM_SERVER);
        assertThat(refresh.completed()).isTrue();
        assertThat(refresh.serverMode("contacts")).isEqualTo(AlertCode.REFRESH_FROM_SERVER);
        assertThat(refresh.itemsReceived()).isEqualTo(12);
        assertThat(b.store("contacts").size()).isEqualTo(12);
        assertThat(b.store("contacts").pendingChanges()).isZero();
    }

    @Test
    void smallPhonesSplitPackagesAndLargeObjectsBothWays() throws Exception {
        Handset a = phone("dev-a", Handset.Auth.MD5, 10_240, WireFormat.XML, true);
        Handset b = phone("dev-b", Handset.Auth.MD5, 10_240, WireFormat.XML, true);
        LocalStore ca = a.store("contacts");
        for (int i = 0; i < 30; i++) {
            ca.addLocal(Pim.contact(i, 0, true, i % 10 == 0 ? 40_000 : 0));
        }
        SyncRun up = sync(a, AlertCode.TWO_WAY);
        assertThat(up.completed()).isTrue();
        assertThat(up.chunksSent()).isGreaterThan(3);
        assertThat(sent).allMatch(n -> n <= 10_240);
        assertThat(store.liveItems("alice", "contacts")).hasSize(30);

        received.clear();
        SyncRun down = sync(b, AlertCode.TWO_WAY);
        assertThat(down.completed()).isTrue();
        assertThat(down.chunksReceived()).isGreaterThan(3);
        assertThat(received).allMatch(n -> n <= 10_240);
        assertThat(normalised(b.store("contacts"))).isEqualTo(normalised(ca));
    }

    @Test
    void wbxmlHandsetsEncodeTheirMessagesInWbxml() throws Exception {
        Handset a = phone("dev-w", Handset.Auth.MD5, 150_000, WireFormat.WBXML, false);
        a.store("contacts").addLocal(Pim.contact(1, 0, false, 0));
        SyncRun run = a.startSync("http://127.0.0.1/sync", AlertCode.TWO_WAY);
        assertThat(run.request().contentType()).isEqualTo("application/vnd.syncml+wbxml");
        assertThat(run.request().body()[0]).isBetween((byte) 1, (byte) 3);
        assertThat(sync(a, AlertCode.TWO_WAY).completed()).isTrue();
        assertThat(store.liveItems("alice", "contacts")).hasSize(1);
    }

    @Test
    void wrongPasswordFailsTheSessionAndCommitsNothing() {
        Handset h = new Handset("dev-x", "alice", "wrong", Handset.Auth.MD5, 150_000, WireFormat.XML);
        h.addContacts(true).addLocal(Pim.contact(1, 0, true, 0));
        assertThatThrownBy(() -> sync(h, AlertCode.TWO_WAY)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("authentication refused");
        assertThat(h.store("contacts").pendingChanges()).isEqualTo(1);
        assertThat(h.store("contacts").lastAnchor()).isNull();
    }

    @Test
    void generatedEntriesAreUniqueAndStable() {
        assertThat(Pim.contact(7, 0, true, 0)).isEqualTo(Pim.contact(7, 0, true, 0))
                .isNotEqualTo(Pim.contact(8, 0, true, 0)).startsWith("BEGIN:VCARD\r\nVERSION:2.1\r\n");
        assertThat(Pim.contact(7, 0, false, 30_000)).contains("PHOTO;ENCODING=b;TYPE=JPEG:").hasSizeGreaterThan(40_000);
        assertThat(Pim.event(3, 0, false)).contains("VERSION:2.0", "UID:event-3@");
    }
}
