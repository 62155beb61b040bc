package io.syncgw.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.model.AlertCode;
import io.syncgw.codec.pim.CalendarCodec;
import io.syncgw.codec.pim.CalendarFormat;
import io.syncgw.codec.pim.ConversionResult;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import io.syncgw.engine.EngineConfig;
import io.syncgw.engine.SyncEngine;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.testing.InMemorySyncStore;
import io.syncgw.engine.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/**
 * Calendar and tasks through the engine: two devices on one account, one preferring iCalendar 2.0 and one vCalendar
 * 1.0, exchange the codec's corpus (39 events, 12 tasks, with their expected 1.0 forms); repeated slow syncs keep the
 * counts; an update from a limited device keeps what it cannot hold; items of the wrong kind are refused.
 */
class CalendarConversationTest {
    private static final CalendarCodec CODEC = new CalendarCodec();
    private InMemorySyncStore store;
    private SyncEngine engine;

    @BeforeEach
    void setUp() {
        store = new InMemorySyncStore();
        store.addAccount("alice", "secret");
        engine = new SyncEngine(EngineConfig.DEFAULT, store, new SyncMlXmlEncoder(),
                NonceSource.create(new byte[32]), InMemorySyncStore.TEST_CIPHER, Schedulers.immediate());
    }

    static List<String> corpus(String prefix) {
        return resource("index.txt").lines().filter(n -> n.startsWith(prefix)).collect(Collectors.toList());
    }

    static String resource(String name) {
        try (InputStream in = CalendarConversationTest.class.getResourceAsStream("/calendar/" + name)) {
            if (in == null) {
                throw new IllegalStateException("corpus file missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client of one datastore that prefers {@code type}, basic auth (two clients share one device). */
    private static TestClient device(String deviceUri, String datastore, String type) {
        TestClient c = new TestClient(deviceUri, "alice", "secret");
        c.auth = TestClient.Auth.BASIC;
        c.targetUri = datastore;
        c.sourceUri = "./" + datastore;
        c.contentType = type;
        return c;
    }

    private TestClient.Result sync(TestClient c, int mode) {
        TestClient.Result r = c.sync(mode, engine::newSession);
        assertThat(r.completed).as(r.toString()).isTrue();
        return r;
    }

    @Test
    void corpusTravelsFromAnICalendarDeviceToAVCalendarDeviceAndBackWithoutDuplicates() {
        for (String[] store : new String[][] {{"calendar", "e"}, {"tasks", "t"}}) {
            String datastore = store[0];
            List<String> names = corpus(store[1]);
            assertThat(names).hasSizeGreaterThanOrEqualTo(store[1].equals("e") ? 30 : 10);
            TestClient a = device("phone-2.0", datastore, "text/calendar");
            TestClient b = device("phone-1.0", datastore, "text/x-vcalendar");
            for (String n : names) {
                a.addLocal(n, resource(n + ".ics"));
            }
            TestClient.Result first = sync(a, AlertCode.SLOW_SYNC);
            assertThat(first.statusesForMyChanges).hasSize(names.size()).containsOnly(201);
            assertThat(this.store.liveItems("alice", datastore)).hasSize(names.size());

            // the 1.0 device receives exactly what the codec's expected files say a 1.0 device gets
            TestClient.Result toB = sync(b, AlertCode.SLOW_SYNC);
            assertThat(toB.receivedAdds).isEqualTo(names.size());
            assertThat(b.items.values()).containsExactlyInAnyOrderElementsOf(
                    names.stream().map(n -> resource(n + ".vcs")).toList());

            // repeated slow syncs of either device (1.0 items twin with the 2.0 originals) change no counts
            b.forgetAnchor();
            TestClient.Result again = sync(b, AlertCode.SLOW_SYNC);
            assertThat(again.statusesForMyChanges).hasSize(names.size()).containsOnly(201); // slow-sync Adds, matched
            assertThat(again.receivedAdds + again.receivedReplaces + again.receivedDeletes).isZero();
            a.forgetAnchor();
            TestClient.Result againA = sync(a, AlertCode.SLOW_SYNC);
            // the 1.0 device sent back what it had received: nothing changed, nothing travels
            assertThat(againA.receivedAdds + againA.receivedReplaces + againA.receivedDeletes).isZero();
            assertThat(this.store.liveItems("alice", datastore)).hasSize(names.size());
            assertThat(a.items).hasSize(names.size());
            assertThat(b.items).hasSize(names.size());
        }
    }

    @Test
    void anUpdateFromALimitedVCalendarDeviceKeepsWhatOnlyTheServerCopyHolds() {
        TestClient a = device("phone-2.0", "calendar", "text/calendar");
        a.addLocal("kickoff", resource("e30-attendees-categories.ics"));
        sync(a, AlertCode.SLOW_SYNC);
        // a phone that keeps only summary, times, location and alarms
        TestClient b = device("phone-1.0", "calendar", "text/x-vcalendar");
        b.ctCap = List.of("SUMMARY", "DTSTART", "DTEND", "LOCATION", "AALARM", "DALARM", "RRULE", "EXDATE", "UID");
        sync(b, AlertCode.SLOW_SYNC);
        Map.Entry<String, String> onB = b.items.entrySet().iterator().next();
        String edited = "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\nUID:e30-attendees-categories@corpus.syncgw.io"
                + "\r\nDTSTART:20261116T090000Z\r\nDTEND:20261116T103000Z\r\nSUMMARY:Project kickoff (room 4)\r\n"
                + "LOCATION:Room 4\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        b.modifyLocal(onB.getKey(), edited);
        TestClient.Result up = sync(b, AlertCode.TWO_WAY);
        assertThat(up.statusesForMyChanges).containsExactly(200);

        String stored = this.store.liveItems("alice", "calendar").get(0).content;
        assertThat(stored).contains("VERSION:2.0").contains("SUMMARY:Project kickoff (room 4)")
                .contains("LOCATION:Room 4")
                // what the phone cannot hold is the server's: description, categories, attendees with all their
                // parameters, the organizer, the class, the time zone of the times
                .contains("DESCRIPTION:Agenda: goals\\, roles\\, timeline").contains("CATEGORIES:Work,Project X")
                .contains("ORGANIZER;CN=Petra Schmidt:mailto:petra@example.com").contains("CUTYPE=INDIV")
                .contains("CN=Jane Doe").contains("CLASS:CONFIDENTIAL")
                .contains("DTSTART;TZID=Europe/Berlin:20261116T100000");

        // the 2.0 device gets the merged event: its own fields plus the phone's change
        TestClient.Result toA = sync(a, AlertCode.TWO_WAY);
        assertThat(toA.receivedReplaces).isEqualTo(1);
        String onA = a.items.get("kickoff");
        assertThat(onA).contains("SUMMARY:Project kickoff (room 4)").contains("ATTENDEE;CN=Jane Doe")
                .contains("CATEGORIES:Work,Project X").contains("DESCRIPTION:Agenda");
        // and the phone is not sent back what it cannot show
        TestClient.Result quiet = sync(b, AlertCode.TWO_WAY);
        assertThat(quiet.receivedAdds + quiet.receivedReplaces + quiet.receivedDeletes).isZero();
    }

    @Test
    void aDeletionOnTheLimitedDeviceOfAFieldItSupportsIsKept() {
        TestClient a = device("phone-2.0", "calendar", "text/calendar");
        a.addLocal("kickoff", resource("e30-attendees-categories.ics"));
        sync(a, AlertCode.SLOW_SYNC);
        TestClient b = device("phone-1.0", "calendar", "text/x-vcalendar");
        b.ctCap = List.of("SUMMARY", "DTSTART", "DTEND", "LOCATION", "DESCRIPTION", "UID");
        sync(b, AlertCode.SLOW_SYNC);
        String luid = b.items.keySet().iterator().next();
        // the user cleared the description on the phone, which supports it: it stays cleared
        b.modifyLocal(luid, "BEGIN:VCALENDAR\r\nVERSION:1.0\r\nBEGIN:VEVENT\r\n"
                + "UID:e30-attendees-categories@corpus.syncgw.io\r\nDTSTART:20261116T090000Z\r\n"
                + "DTEND:20261116T103000Z\r\nSUMMARY:Project kickoff\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        sync(b, AlertCode.TWO_WAY);
        String stored = this.store.liveItems("alice", "calendar").get(0).content;
        assertThat(stored).doesNotContain("DESCRIPTION").contains("CATEGORIES:Work,Project X").contains("ATTENDEE");
    }

    @Test
    void aContactUpdateFromAPhoneWithoutNoteAndPhotoKeepsThem() {
        TestClient a = device("desktop", "contacts", "text/vcard");
        String full = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Muster;Erika;;;\r\nFN:Erika Muster\r\n"
                + "TEL;TYPE=CELL:+49 170 1234567\r\nNOTE:Met at the fair\\, 2025\r\nNICKNAME:Eri\r\n"
                + "PHOTO;ENCODING=b;TYPE=JPEG:QUJDREVGR0g=\r\nEND:VCARD\r\n";
        a.addLocal("erika", full);
        sync(a, AlertCode.SLOW_SYNC);
        TestClient phone = device("phone", "contacts", "text/x-vcard");
        phone.ctCap = List.of("N", "FN", "TEL");
        sync(phone, AlertCode.SLOW_SYNC);
        String luid = phone.items.keySet().iterator().next();
        phone.modifyLocal(luid, "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Muster;Erika\r\nFN:Erika Muster\r\n"
                + "TEL;CELL:+49 170 7654321\r\nEND:VCARD\r\n");
        int loads = store.loadItemsCalls;
        sync(phone, AlertCode.TWO_WAY);
        String stored = this.store.liveItems("alice", "contacts").get(0).content;
        assertThat(stored).contains("+49 170 7654321").doesNotContain("1234567").contains("NOTE")
                .contains("Met at the fair").contains("PHOTO").contains("NICKNAME");
        assertThat(store.loadItemsCalls).as("the merge base came with the item lookup").isEqualTo(loads);
        // and the change goes to the desktop with its content read with the list of what it is owed
        sync(a, AlertCode.TWO_WAY);
        assertThat(a.items.values()).singleElement().asString().contains("+49 170 7654321").contains("NOTE");
        assertThat(store.loadItemsCalls).as("contents came with the pending changes").isEqualTo(loads);
    }

    @Test
    void itemsOfTheWrongKindOrTypeAreRefusedWith415() {
        TestClient cal = device("phone", "calendar", "text/calendar");
        cal.addLocal("task", resource("t01-due-date-high.ics"));
        cal.addLocal("event", resource("e01-berlin-single.ics"));
        TestClient.Result r = sync(cal, AlertCode.SLOW_SYNC);
        assertThat(r.statusesForMyChanges).containsExactlyInAnyOrder(415, 201);
        TestClient tasks = device("phone", "tasks", "text/calendar");
        tasks.addLocal("event", resource("e02-newyork-single.ics"));
        tasks.addLocal("card", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nN:X;;;;\r\nEND:VCARD\r\n");
        assertThat(sync(tasks, AlertCode.SLOW_SYNC).statusesForMyChanges).containsExactly(415, 415);
        assertThat(store.liveItems("alice", "calendar")).hasSize(1);
        assertThat(store.liveItems("alice", "tasks")).isEmpty();
    }

    @Test
    void aDeviceWithoutDevInfGetsVCalendar10WhenItSentNothingAndWhatItSentOtherwise() {
        TestClient a = device("desktop", "calendar", "text/calendar");
        a.addLocal("e", resource("e07-allday-single.ics"));
        sync(a, AlertCode.SLOW_SYNC);
        TestClient old = device("old-phone", "calendar", "text/x-vcalendar");
        old.sendDevInf = false;
        sync(old, AlertCode.SLOW_SYNC);
        assertThat(old.items.values()).containsExactly(resource("e07-allday-single.vcs"));
        TestClient modern = device("modern", "calendar", "text/calendar");
        modern.sendDevInf = false;
        String own = resource("e01-berlin-single.ics");
        modern.addLocal("own", own);
        sync(modern, AlertCode.SLOW_SYNC);
        assertThat(modern.items.values()).as("iCalendar sent, iCalendar received").containsExactlyInAnyOrder(own,
                resource("e07-allday-single.ics"));
        ConversionResult back = CODEC.convert(old.items.values().iterator().next(), CalendarFormat.ICALENDAR_20);
        assertThat(back).isInstanceOf(ConversionResult.Converted.class);
    }
}
