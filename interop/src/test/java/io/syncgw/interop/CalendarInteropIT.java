package io.syncgw.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.syncgw.interop.Calendars.Item;
import io.syncgw.interop.Calendars.Kind;
import io.syncgw.interop.Calendars.Vocabulary;
import io.syncgw.interop.Calendars.WireItem;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Calendar and tasks acceptance (issue 4): two real SyncEvolution 2.0 clients on one account against
 * {@code gateway/target/syncgw.jar}, one speaking iCalendar 2.0 and one vCalendar 1.0, exchange the codec's corpus
 * ({@code codec/src/test/resources/calendar/}: 39 events, 12 tasks) both ways. XML, md5 auth, SyncML 1.2.
 *
 * <p><b>The devices.</b> A ({@value #DEV_A}) stores iCalendar 2.0 files and syncs in its preferred format,
 * {@code text/calendar}. B ({@value #DEV_B}) has {@code syncFormat=text/x-vcalendar} with {@code forceSyncFormat=1}
 * for both datastores: its DevInf announces only {@code text/x-vcalendar} 1.0 (Rx-Pref, Tx-Pref, CTCap), and every
 * item it sends or receives is vCalendar 1.0 on the wire (checked in the message dumps of every session). B's local
 * store holds iCalendar 2.0 files ({@code databaseFormat=text/calendar}): that is B's "internal database", which the
 * Synthesis engine inside SyncEvolution fills from the 1.0 it receives and renders into the 1.0 it sends, as a 1.0
 * phone does with its own database. Storing 1.0 files instead would put the same Synthesis-made 1.0 on the wire, but
 * then the test would need a vCalendar 1.0 reader of its own to judge B's items, as fallible as the codec under test;
 * with 2.0 files ical4j judges what the real 1.0 client understood.
 *
 * <p><b>What is compared</b> ({@link Calendars#meaning}): instants (DTSTART, end, DUE, COMPLETED, EXDATE; all-day as
 * dates), occurrences over two years from each start, alarm offsets, and the fields SUMMARY, LOCATION, DESCRIPTION
 * (UTF-8), UID, CLASS, TRANSP, STATUS, PRIORITY, CATEGORIES, attendees/organizer, RELATED-TO, PERCENT-COMPLETE.
 * Through the 1.0 device ({@link Vocabulary#VCAL10}) priorities are compared in 1.0's three buckets, statuses in 1.0's
 * words, alarms by their distinct offsets, people by address, CN and PARTSTAT, RELATED-TO and PERCENT-COMPLETE not at
 * all; see {@link Calendars} for why. Not compared because SyncEvolution itself does not keep them (or sets them
 * itself): DTSTAMP, LAST-MODIFIED, PRODID, SEQUENCE, URL, X- properties, the TZID name (the instants are compared),
 * VTIMEZONE layout, property order and line folding.
 *
 * <p><b>Baselines.</b> SyncEvolution re-reads every item: what A <em>sends</em> is already its own rendering of the
 * corpus, and loses a few things the gateway never sees ({@link #CLIENT_READ_LOSSES}). So the expected meaning of an
 * item is what its sender put on the wire: A's Adds in A's first session (themselves checked against the corpus, only
 * the listed losses allowed), and B's own files for what B creates. What A receives is judged on the wire too (the
 * gateway's iCalendar 2.0 as sent), because SyncEvolution stores a received item with its own VTIMEZONE for the TZID
 * name, and its table has outdated rules for some zones (its {@code Australia/Sydney} ends daylight saving time on the
 * last Sunday of March, not the first Sunday of April); A's files would misjudge a correct gateway.
 *
 * <p>The tests are one story on account {@value #LOGIN}. Each step first runs its sessions and checks what the next
 * steps build on (success, counts); once that passes, the step counts as reached, and its content checks run as soft
 * assertions, so that a content defect is reported without hiding the later steps. A step whose predecessor did not
 * reach its state is skipped.
 *
 * <p>Logs: {@code interop/target/interop-clients/CalendarInteropIT/<client>/logs/}, the gateway's under
 * {@code interop/target/gateway-logs/}; see README.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CalendarInteropIT {

    static final String LOGIN = "ci-calendar";
    static final String PASSWORD = "Ci-cal-pass-1";
    static final String DEV_A = "ci-cal-ical20";
    static final String DEV_B = "ci-cal-vcal10";
    static final String ICAL = "text/calendar";
    static final String VCAL = "text/x-vcalendar";
    static final String[] DATASTORES = {"calendar", "tasks"};

    /** Live (not deleted) items of an account's datastore, in the gateway's schema. */
    static final String LIVE_ITEMS = "select count(*) from item i join account a on a.id = i.account_id"
            + " where a.login = ? and i.datastore = ? and not i.deleted";
    static final String LIVE_CONTENT = "select i.content from item i join account a on a.id = i.account_id"
            + " where a.login = ? and i.datastore = ? and not i.deleted order by i.id";

    /**
     * What SyncEvolution loses when it reads the corpus files on A, before anything reaches the gateway (seen in A's
     * outgoing messages): aspects of single items that may differ between the corpus and what A sends.
     */
    static final Map<String, Map<String, String>> CLIENT_READ_LOSSES = Map.of(
            "e28-two-alarms-newyork", Map.of("alarms",
                    "SyncEvolution keeps one alarm per item: it sends the DISPLAY alarm (-PT5M), not the AUDIO one"),
            "e31-bysetpos-finite", Map.of("occurrences",
                    "SyncEvolution cannot hold an RRULE with BYSETPOS: it sends the event without its rule"),
            "e39-endless-bysetpos", Map.of("occurrences",
                    "SyncEvolution cannot hold an RRULE with BYSETPOS: it sends the event without its rule"),
            "e33-duration-kolkata", Map.of("end",
                    "SyncEvolution ignores DURATION (PT1H30M): it sends the event without an end"));

    /** The event B edits the way a 1.0 device can (summary, location), keeping what only iCalendar carries. */
    static final String EDITED = "e30-attendees-categories";
    static final String EDITED_SUMMARY = "Project kickoff \u2013 moved to room 4";
    static final String EDITED_LOCATION = "Raum 4.12 \u2013 Gro\u00dfer Saal (S\u00fcd)";

    /** Prefix of the UIDs of the items B creates. */
    static final String CREATED_ON_B = "b-";

    private static final String GROUP = CalendarInteropIT.class.getSimpleName();

    private TestDatabase db;
    private Gateway gateway;
    private SyncEvolutionClient a;
    private SyncEvolutionClient b;
    /** How many steps of the story reached their state. */
    private int reached;
    /** Per datastore, the corpus item names. */
    private final Map<String, List<String>> corpus = new LinkedHashMap<>();
    /** What A sent in its first slow sync, by UID. */
    private final Map<String, Item> sentByA = new TreeMap<>();
    /** Per datastore, the number of live items expected from now on. */
    private final Map<String, Integer> expectedLive = new LinkedHashMap<>();
    /** What A and B held before the second slow syncs, and those sessions. */
    private Map<String, Item> beforeSlowA = Map.of();
    private Map<String, Item> beforeSlowB = Map.of();
    private final List<SyncResult> slowSyncs = new ArrayList<>();

    @BeforeAll
    void startGateway() {
        InteropEnv.require("syncevolution");
        SyncEvolutionClient.curlFixLibrary();
        Gateway.jar();
        corpus.put("calendar", Calendars.corpus(Kind.EVENT));
        corpus.put("tasks", Calendars.corpus(Kind.TASK));
        db = TestDatabase.get();
        gateway = Gateway.startWithDbUrl(GROUP, db.r2dbcUrl());
        gateway.userAdd(LOGIN, PASSWORD);
    }

    @AfterAll
    void stopGateway() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    // ------------------------------------------------------------------------------------------------- the story

    /**
     * A holds the corpus (39 events in its calendar, 12 tasks) and slow-syncs. Every item must be added, sent as
     * iCalendar 2.0, stored once, and stored as A sent it; A's items must mean what the corpus says, except what
     * SyncEvolution itself loses reading the files ({@link #CLIENT_READ_LOSSES}).
     */
    @Test
    @Order(1)
    void iCalendarDeviceUploadsTheCorpus() {
        step(1);
        assertThat(corpus.get("calendar")).as("corpus events").hasSizeGreaterThanOrEqualTo(30);
        assertThat(corpus.get("tasks")).as("corpus tasks").hasSizeGreaterThanOrEqualTo(10);
        a = client("a", DEV_A, null);
        for (String ds : DATASTORES) {
            for (String name : corpus.get(ds)) {
                Calendars.write(a.dataDir(ds).resolve(name + ".ics"), Calendars.corpusText(name, ".ics"));
            }
        }

        SyncResult r = sync(a, SyncMode.SLOW);
        assertSuccess(r);
        List<WireItem> wire = Calendars.wireItems(r.sessionDir());
        for (String ds : DATASTORES) {
            int n = corpus.get(ds).size();
            assertThat(r.source(ds).mode()).as("%s: mode that ran\n%s", ds, r).isEqualTo("slow");
            assertThat(r.source(ds).remoteAdded()).as("%s: items A sent\n%s", ds, r).isEqualTo(n);
            assertThat(live(ds)).as("%s: live rows after A's slow sync", ds).isEqualTo(n);
            expectedLive.put(ds, n);
            assertThat(Calendars.announcedRxPref(r.sessionDir(), ds)).as("%s: A's DevInf Rx-Pref", ds)
                    .isEqualTo(ICAL);
        }
        assertThat(wire).as("A's items on the wire").hasSize(total()).allSatisfy(w -> {
            assertThat(w.outgoing()).as("%s", w).isTrue();
            assertThat(w.command()).as("%s", w).isEqualTo("Add");
            assertThat(w.type()).as("%s", w).isEqualTo(ICAL);
            assertThat(w.version()).as("%s", w).isEqualTo("2.0");
        });
        for (WireItem w : wire) {
            Item item = Calendars.parse("A's Add " + w.datastore() + "/" + w.luid(), w.data());
            sentByA.put(item.uid(), item);
        }
        reached = 1;

        SoftAssertions soft = new SoftAssertions();
        List<String> problems = new ArrayList<>();
        for (String ds : DATASTORES) {
            for (String name : corpus.get(ds)) {
                String uid = Calendars.corpusUid(name);
                Item sent = sentByA.get(uid);
                if (sent == null) {
                    problems.add(uid + ": A did not send it");
                    continue;
                }
                Item original = Calendars.parse("corpus " + name + ".ics", Calendars.corpusText(name, ".ics"));
                Set<String> lost = CLIENT_READ_LOSSES.getOrDefault(name, Map.of()).keySet();
                for (String d : Calendars.differences(Calendars.meaning(original, Vocabulary.ICAL20),
                        Calendars.meaning(sent, Vocabulary.ICAL20), lost)) {
                    problems.add(uid + " (A's Add vs the corpus) " + d);
                }
            }
        }
        soft.assertThat(problems).as("what A sent vs the corpus, beyond the known SyncEvolution losses %s",
                CLIENT_READ_LOSSES).isEmpty();
        Map<String, Item> stored = storedItems();
        soft.assertThat(Calendars.compareAll(sentByA, stored, Vocabulary.ICAL20, Map.of()))
                .as("the gateway's rows vs what A sent").isEmpty();
        soft.assertThat(notes(stored.values())).as("rows that are not valid iCalendar 2.0").isEmpty();
        soft.assertAll();
    }

    /**
     * B, empty, slow-syncs: it must receive every item, all as vCalendar 1.0 on the wire, and what it understood must
     * mean what A sent (in 1.0's vocabulary). The rows stay as they were.
     */
    @Test
    @Order(2)
    void vCalendarDeviceReceivesEverythingAs10() {
        step(2);
        b = client("b", DEV_B, VCAL);

        SyncResult r = sync(b, SyncMode.SLOW);
        assertSuccess(r);
        for (String ds : DATASTORES) {
            int n = corpus.get(ds).size();
            assertThat(r.source(ds).mode()).as("%s: mode that ran\n%s", ds, r).isEqualTo("slow");
            assertThat(r.source(ds).localAdded()).as("%s: items B stored\n%s", ds, r).isEqualTo(n);
            assertThat(r.source(ds).remoteAdded() + r.source(ds).remoteUpdated()).as("%s: B sent\n%s", ds, r)
                    .isZero();
            assertThat(Calendars.files(b.dataDir(ds))).as("%s: files on B", ds).hasSize(n);
            assertThat(live(ds)).as("%s: live rows", ds).isEqualTo(expectedLive.get(ds));
            assertThat(Calendars.announcedTypes(r.sessionDir(), ds)).as("%s: content types in B's DevInf", ds)
                    .containsExactly(VCAL);
        }
        List<WireItem> wire = Calendars.wireItems(r.sessionDir());
        assertThat(wire).as("items B received").hasSize(total()).allSatisfy(w -> assertVcal10(w, false, "Add"));
        reached = 2;

        SoftAssertions soft = new SoftAssertions();
        Map<String, Item> onB = filesOf(b);
        soft.assertThat(Calendars.compareAll(sentByA, onB, Vocabulary.VCAL10, Map.of()))
                .as("B's items (through vCalendar 1.0) vs what A sent").isEmpty();
        soft.assertThat(notes(onB.values()).stream().filter(n -> !n.contains("absolute TRIGGER in floating time")))
                .as("invalid content in B's files other than SyncEvolution's floating all-day alarm trigger").isEmpty();
        soft.assertAll();
    }

    /**
     * B edits {@value #EDITED} the way a 1.0 device can: a new SUMMARY and a new LOCATION (UTF-8), in its own store.
     * Its Replace travels as vCalendar 1.0. The row must then hold B's summary and location and still everything
     * A's iCalendar 2.0 version carried beyond 1.0 (DESCRIPTION, CATEGORIES, CLASS, ORGANIZER, each ATTENDEE with
     * CN, ROLE, PARTSTAT, RSVP, CUTYPE, the times in Europe/Berlin); A's two-way must receive exactly that merged
     * event, and store it.
     */
    @Test
    @Order(3)
    void anUpdateFromThe10DeviceKeepsWhatOnly20Carries() {
        step(3);
        String uid = Calendars.corpusUid(EDITED);
        Path file = Calendars.fileOf(b.dataDir("calendar"), uid);
        String text = Calendars.read(file);
        text = Calendars.withProperty(text, "SUMMARY", "SUMMARY:" + EDITED_SUMMARY);
        text = Calendars.withProperty(text, "LOCATION", "LOCATION:" + EDITED_LOCATION);
        Calendars.write(file, text);

        SyncResult rb = sync(b, SyncMode.TWO_WAY);
        assertSuccess(rb);
        SyncResult.SourceResult cal = rb.source("calendar");
        assertThat(new long[] {cal.remoteAdded(), cal.remoteUpdated(), cal.remoteRemoved()})
                .as("B sent added/updated/removed\n%s", rb).containsExactly(0, 1, 0);
        assertThat(rb.source("tasks").nothingTransferred()).as("tasks\n%s", rb).isTrue();
        List<WireItem> up = Calendars.wireItems(rb.sessionDir());
        assertThat(up).as("B's update on the wire").hasSize(1).allSatisfy(w -> assertVcal10(w, true, "Replace"));
        assertThat(up.get(0).uid()).isEqualTo(uid);
        for (String ds : DATASTORES) {
            assertThat(live(ds)).as("%s: live rows", ds).isEqualTo(expectedLive.get(ds));
        }

        SyncResult ra = sync(a, SyncMode.TWO_WAY);
        assertSuccess(ra);
        SyncResult.SourceResult acal = ra.source("calendar");
        assertThat(new long[] {acal.localAdded(), acal.localUpdated(), acal.localRemoved()})
                .as("A applied added/updated/removed\n%s", ra).containsExactly(0, 1, 0);
        assertThat(acal.remoteAdded() + acal.remoteUpdated() + acal.remoteRemoved()).as("A sent\n%s", ra).isZero();
        List<WireItem> down = Calendars.wireItems(ra.sessionDir());
        assertThat(down).as("A's received update").hasSize(1);
        assertThat(down.get(0).type()).as("%s", down.get(0)).isEqualTo(ICAL);
        reached = 3;

        // expected: A's version with B's summary and location
        SortedMap<String, String> expected = Calendars.meaning(sentByA.get(uid), Vocabulary.ICAL20);
        expected.put("SUMMARY", EDITED_SUMMARY);
        expected.put("LOCATION", EDITED_LOCATION);
        Item row = storedItems().get(uid);
        Item toA = Calendars.parse("the update A received", down.get(0).data());
        Item onA = Calendars.readDir(a.dataDir("calendar")).get(uid);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(Calendars.differences(expected, Calendars.meaning(row, Vocabulary.ICAL20), Set.of()))
                .as("the row after B's update vs A's version + B's summary and location\nrow:\n%s", row.text())
                .isEmpty();
        soft.assertThat(row.text()).as("the row keeps the times in A's zone").contains("TZID=Europe/Berlin");
        soft.assertThat(Calendars.differences(expected, Calendars.meaning(toA, Vocabulary.ICAL20), Set.of()))
                .as("what A received vs A's version + B's summary and location\nreceived:\n%s", toA.text())
                .isEmpty();
        soft.assertThat(toA.notes()).as("the update A received is valid iCalendar 2.0").isEmpty();
        soft.assertThat(onA).as("A stores the event").isNotNull();
        if (onA != null) {
            soft.assertThat(Calendars.people(onA.component(), Vocabulary.ICAL20))
                    .as("the people in A's file").isEqualTo(Calendars.people(sentByA.get(uid).component(),
                            Vocabulary.ICAL20));
            soft.assertThat(onA.summary()).as("the summary in A's file").isEqualTo(EDITED_SUMMARY);
        }
        soft.assertAll();
    }

    /**
     * B creates items in its own store: a copy of each item it holds (UID prefixed {@value #CREATED_ON_B}, SUMMARY
     * prefixed "B: ", so that they are new entries, not twins), plus one event whose texts hold backslashes,
     * semicolons, commas, line breaks and UTF-8. They travel as vCalendar 1.0; A's two-way must receive each as
     * iCalendar 2.0 meaning what B holds (1.0's vocabulary), valid for ical4j, and nothing else.
     */
    @Test
    @Order(4)
    void itemsCreatedOnThe10DeviceReachThe20Device() {
        step(4);
        Map<String, Item> created = new TreeMap<>();
        Map<String, Integer> createdPerDs = new LinkedHashMap<>();
        for (String ds : DATASTORES) {
            int n = 0;
            for (Path f : Calendars.files(b.dataDir(ds))) {
                String text = Calendars.read(f);
                String copy = Calendars.unfold(text).replaceFirst("(?m)^UID:", "UID:" + CREATED_ON_B)
                        .replaceFirst("(?m)^SUMMARY:", "SUMMARY:B: ");
                Path target = f.resolveSibling(CREATED_ON_B + f.getFileName() + ".ics");
                Calendars.write(target, copy);
                Item item = Calendars.parse(target.toString(), copy);
                created.put(item.uid(), item);
                n++;
            }
            createdPerDs.put(ds, n);
        }
        Path escapes = b.dataDir("calendar").resolve(CREATED_ON_B + "escapes.ics");
        String escapesText = String.join("\r\n", "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//syncgw interop//EN",
                "BEGIN:VEVENT", "UID:" + CREATED_ON_B + "escapes@interop.syncgw.io", "DTSTAMP:20260101T000000Z",
                "DTSTART:20261201T150000Z", "DTEND:20261201T160000Z",
                "SUMMARY:B: a\\\\b\\, c\\; d \u00fc\u00df \u2713",
                "DESCRIPTION:Line one\\nC:\\\\temp\\\\new\\, third\\; fourth\\n\u65e5\u672c\u8a9e",
                "LOCATION:Zimmer 7 \u2013 S\u00fcd", "END:VEVENT", "END:VCALENDAR", "");
        Calendars.write(escapes, escapesText);
        Item escapesItem = Calendars.parse(escapes.toString(), escapesText);
        created.put(escapesItem.uid(), escapesItem);
        createdPerDs.merge("calendar", 1, Integer::sum);

        SyncResult rb = sync(b, SyncMode.TWO_WAY);
        assertSuccess(rb);
        for (String ds : DATASTORES) {
            SyncResult.SourceResult s = rb.source(ds);
            assertThat(new long[] {s.remoteAdded(), s.remoteUpdated(), s.remoteRemoved()})
                    .as("%s: B sent added/updated/removed\n%s", ds, rb).containsExactly(createdPerDs.get(ds), 0, 0);
            assertThat(s.localAdded() + s.localUpdated() + s.localRemoved()).as("%s: B received\n%s", ds, rb)
                    .isZero();
            expectedLive.merge(ds, createdPerDs.get(ds), Integer::sum);
            assertThat(live(ds)).as("%s: live rows", ds).isEqualTo(expectedLive.get(ds));
        }
        assertThat(Calendars.wireItems(rb.sessionDir())).as("B's new items on the wire")
                .hasSize(created.size()).allSatisfy(w -> assertVcal10(w, true, "Add"));

        SyncResult ra = sync(a, SyncMode.TWO_WAY);
        assertSuccess(ra);
        for (String ds : DATASTORES) {
            SyncResult.SourceResult s = ra.source(ds);
            assertThat(new long[] {s.localAdded(), s.localUpdated(), s.localRemoved()})
                    .as("%s: A applied added/updated/removed\n%s", ds, ra)
                    .containsExactly(createdPerDs.get(ds), 0, 0);
            assertThat(s.remoteAdded() + s.remoteUpdated() + s.remoteRemoved()).as("%s: A sent\n%s", ds, ra)
                    .isZero();
            assertThat(Calendars.files(a.dataDir(ds))).as("%s: files on A", ds).hasSize(expectedLive.get(ds));
        }
        List<WireItem> down = Calendars.wireItems(ra.sessionDir());
        assertThat(down).as("items A received").hasSize(created.size()).allSatisfy(w -> {
            assertThat(w.type()).as("%s", w).isEqualTo(ICAL);
            assertThat(w.version()).as("%s", w).isEqualTo("2.0");
        });
        reached = 4;

        Map<String, Item> toA = new TreeMap<>();
        for (WireItem w : down) {
            Item item = Calendars.parse("A received " + w.datastore() + "/" + w.luid(), w.data());
            toA.put(item.uid(), item);
        }
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(Calendars.compareAll(created, toA, Vocabulary.VCAL10, Map.of()))
                .as("what A received (the gateway's iCalendar 2.0) vs what B created").isEmpty();
        soft.assertThat(notes(toA.values())).as("items A received that are not valid iCalendar 2.0").isEmpty();
        soft.assertAll();
    }

    /**
     * A second slow sync of A, then of B (the issue's criterion): no rows and no files appear or go. Each device
     * keeps every item (the gateway matches them instead of duplicating): nothing is added or removed on either
     * device, the live rows and both devices' item counts stay as they were.
     */
    @Test
    @Order(5)
    void secondSlowSyncsKeepTheCounts() {
        step(5);
        Map<String, Integer> filesA = fileCounts(a);
        Map<String, Integer> filesB = fileCounts(b);
        beforeSlowA = filesOf(a);
        beforeSlowB = filesOf(b);
        slowSyncs.clear();
        for (SyncEvolutionClient device : List.of(a, b)) {
            SyncResult r = sync(device, SyncMode.SLOW);
            assertSuccess(r);
            for (String ds : DATASTORES) {
                SyncResult.SourceResult s = r.source(ds);
                assertThat(s.mode()).as("%s: mode that ran\n%s", ds, r).isEqualTo("slow");
                assertThat(s.remoteAdded()).as("%s: items the device sent\n%s", ds, r)
                        .isEqualTo(expectedLive.get(ds).longValue());
                assertThat(s.localAdded() + s.localRemoved()).as("%s: items added/removed on the device\n%s", ds, r)
                        .isZero();
                assertThat(live(ds)).as("%s: live rows after the slow sync of %s", ds, device.config().deviceId())
                        .isEqualTo(expectedLive.get(ds));
            }
            assertThat(fileCounts(a)).as("A's item counts").isEqualTo(filesA);
            assertThat(fileCounts(b)).as("B's item counts").isEqualTo(filesB);
            slowSyncs.add(r);
        }
        reached = 5;
    }

    /**
     * Beyond the counts: nothing changed anywhere, so the two slow syncs must not rewrite items on the devices, the
     * next two-way of each device must transfer nothing, and afterwards each device must hold what it held before
     * (item by item).
     */
    @Test
    @Order(6)
    void secondSlowSyncsChangeNothing() {
        step(6);
        SoftAssertions soft = new SoftAssertions();
        for (SyncResult r : slowSyncs) {
            for (String ds : DATASTORES) {
                soft.assertThat(r.source(ds).localUpdated())
                        .as("%s: items the slow sync rewrote on the device\n%s\nreceived: %s", ds, r,
                                describe(Calendars.wireItems(r.sessionDir()))).isZero();
            }
        }
        List<SyncResult> twoWays = new ArrayList<>();
        for (SyncEvolutionClient device : List.of(a, b)) {
            twoWays.add(sync(device, SyncMode.TWO_WAY));
        }
        // after the slow syncs and whatever the two-ways brought
        soft.assertThat(Calendars.compareAll(beforeSlowA, filesOf(a), Vocabulary.ICAL20, Map.of()))
                .as("A's items after the second slow syncs (and a two-way) vs before").isEmpty();
        soft.assertThat(Calendars.compareAll(beforeSlowB, filesOf(b), Vocabulary.VCAL10, Map.of()))
                .as("B's items after the second slow syncs (and a two-way) vs before").isEmpty();
        for (int i = 0; i < twoWays.size(); i++) {
            SyncResult r = twoWays.get(i);
            SyncEvolutionClient device = i == 0 ? a : b;
            soft.assertThat(r.success()).as("two-way after the slow syncs\n%s", r).isTrue();
            for (String ds : DATASTORES) {
                SyncResult.SourceResult s = r.source(ds);
                soft.assertThat(s != null && s.nothingTransferred())
                        .as("%s: %s's two-way after both slow syncs transfers nothing\n%s\nreceived: %s", ds,
                                device.config().deviceId(), r, describe(Calendars.wireItems(r.sessionDir())))
                        .isTrue();
            }
        }
        soft.assertAll();
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** Skips a story step when an earlier one did not reach its state. */
    private void step(int n) {
        assumeTrue(reached == n - 1, "skipped: step " + (reached + 1) + " of the story did not reach its state");
    }

    private SyncEvolutionClient client(String name, String deviceId, String forcedSyncFormat) {
        SyncEvolutionClient.Config.Builder cfg = SyncEvolutionClient.config(gateway.syncUrl())
                .user(LOGIN).password(PASSWORD).deviceId(deviceId)
                .auth(SyncEvolutionClient.Auth.MD5).wbxml(false).syncMlVersion("1.2")
                .databaseFormat("calendar", ICAL).databaseFormat("tasks", ICAL).sources(DATASTORES);
        if (forcedSyncFormat != null) {
            cfg.syncFormat("calendar", forcedSyncFormat).syncFormat("tasks", forcedSyncFormat);
        }
        return SyncEvolutionClient.fresh(GROUP, name).configure(cfg.build());
    }

    private SyncResult sync(SyncEvolutionClient client, SyncMode mode) {
        SyncResult r = client.sync(mode, DATASTORES);
        System.out.printf(Locale.ROOT, "[%s] %s %s: exit=%d status=%s %d ms %s log=%s%n", GROUP,
                client.config().deviceId(), mode.syncEvolutionName(), r.exitCode(), r.status(),
                r.elapsed().toMillis(), r.sources(), r.sessionDir());
        return r;
    }

    private void assertSuccess(SyncResult r) {
        assertThat(r.success()).as("session should succeed\n%s\ngateway log: %s\n%s", r, gateway.logFile(),
                gateway.logTail()).isTrue();
    }

    /** A vCalendar 1.0 item of B's on the wire: the command, Meta/Type text/x-vcalendar, VERSION:1.0. */
    private static void assertVcal10(WireItem w, boolean outgoing, String command) {
        assertThat(w.outgoing()).as("%s", w).isEqualTo(outgoing);
        assertThat(w.command()).as("%s", w).isEqualTo(command);
        assertThat(w.type()).as("Meta/Type of %s", w).isEqualTo(VCAL);
        assertThat(w.version()).as("VERSION of %s\n%s", w, w.data()).isEqualTo("1.0");
    }

    private int total() {
        return corpus.values().stream().mapToInt(List::size).sum();
    }

    private int live(String datastore) {
        return Math.toIntExact(db.count(LIVE_ITEMS, LOGIN, datastore));
    }

    /**
     * The account's live iCalendar 2.0 rows of both datastores, parsed, by UID (used before B creates items; rows
     * the gateway keeps in vCalendar 1.0, as B sent them, are left out).
     */
    private Map<String, Item> storedItems() {
        Map<String, Item> byUid = new TreeMap<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(LIVE_CONTENT)) {
            for (String ds : DATASTORES) {
                ps.setString(1, LOGIN);
                ps.setString(2, ds);
                try (ResultSet rs = ps.executeQuery()) {
                    int n = 0;
                    while (rs.next()) {
                        String content = rs.getString(1);
                        n++;
                        if (!content.contains("VERSION:2.0")) {
                            continue;
                        }
                        Item item = Calendars.parse("row " + ds + "#" + n, content);
                        byUid.put(item.uid(), item);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the rows of " + LOGIN, e);
        }
        return byUid;
    }

    private static Map<String, Item> filesOf(SyncEvolutionClient device) {
        Map<String, Item> all = new TreeMap<>();
        for (String ds : DATASTORES) {
            all.putAll(Calendars.readDir(device.dataDir(ds)));
        }
        return all;
    }

    private static Map<String, Integer> fileCounts(SyncEvolutionClient device) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String ds : DATASTORES) {
            counts.put(ds, Calendars.files(device.dataDir(ds)).size());
        }
        return counts;
    }

    private static List<String> notes(java.util.Collection<Item> items) {
        return items.stream().flatMap(i -> i.notes().stream().map(n -> i.origin() + " (" + i.uid() + "): " + n))
                .collect(Collectors.toList());
    }

    private static String describe(List<WireItem> items) {
        return items.stream().filter(w -> !w.outgoing()).map(WireItem::toString)
                .collect(Collectors.joining("\n  ", "\n  ", ""));
    }
}
