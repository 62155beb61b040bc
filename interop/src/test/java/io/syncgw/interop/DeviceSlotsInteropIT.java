package io.syncgw.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 5's acceptance with real SyncEvolution clients, policies set through the admin API:
 * <ol>
 *   <li>The brief's scenario on one account: device 1 two-way contacts + calendar; device 2 download only with
 *       contacts of category Personal and a calendar window of 7 days back / 30 ahead; device 3 upload only.
 *       Device 3's new contacts and events reach device 1, reach device 2 only when Personal / inside its window;
 *       device 2's own edits never reach the account; device 3 receives nothing.</li>
 *   <li>A fifth device is refused with 403 and nothing applied; after {@code DELETE .../devices/2} it syncs and
 *       holds slot 2.</li>
 *   <li>One contact edited on device 1 and, through another device, on the server between syncs ends as each
 *       conflict policy says: server-wins, client-wins, newest-wins, duplicate.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeviceSlotsInteropIT {
    private static final String GROUP = DeviceSlotsInteropIT.class.getSimpleName();
    private static final String LOGIN = "brief";
    private static final String PASSWORD = "Brief-pass-1";
    private static final String LIVE = "select count(*) from item i join account a on a.id = i.account_id"
            + " where a.login = ? and i.datastore = ? and not i.deleted";
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private TestDatabase db;
    private Gateway gateway;
    private SyncEvolutionClient d1;
    private SyncEvolutionClient d2;
    private SyncEvolutionClient d3;
    private int storySteps;

    @BeforeAll
    void start() {
        InteropEnv.require("syncevolution");
        SyncEvolutionClient.curlFixLibrary();
        Gateway.jar();
        db = TestDatabase.get();
        gateway = Gateway.startWithDbUrl(GROUP, db.r2dbcUrl());
        assertThat(gateway.admin("POST", "/api/users", "{\"login\": \"" + LOGIN + "\", \"password\": \"" + PASSWORD
                + "\"}").status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    private SyncEvolutionClient device(String name, String login, String... sources) {
        return SyncEvolutionClient.fresh(GROUP, name).configure(SyncEvolutionClient.config(gateway.syncUrl())
                .user(login).password(PASSWORD).deviceId("brief-" + name).auth(SyncEvolutionClient.Auth.MD5)
                .contactsFormat("text/vcard").sources(sources).build());
    }

    private static SyncResult ok(SyncResult r) {
        assertThat(r.success()).as("session failed:\n%s", r).isTrue();
        return r;
    }

    private long live(String login, String datastore) {
        return db.count(LIVE, login, datastore);
    }

    private void configure(String login, int slot, String json) {
        Gateway.AdminAnswer a = gateway.admin("PUT", "/api/users/" + login + "/devices/" + slot, json);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> texts(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).map(p -> {
                try {
                    return Files.readString(p, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String card(String name, String category, String note) {
        return "BEGIN:VCARD\r\nVERSION:3.0\r\nN:" + name + ";Test;;;\r\nFN:Test " + name + "\r\n"
                + "TEL;TYPE=CELL:+49 170 " + Math.abs(name.hashCode() % 10_000_000) + "\r\nCATEGORIES:" + category
                + "\r\nNOTE:" + note + "\r\nEND:VCARD\r\n";
    }

    private static String event(String uid, LocalDate day) {
        String d = DAY.format(day);
        return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//syncgw interop//EN\r\nBEGIN:VEVENT\r\nUID:" + uid
                + "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:" + d + "T090000Z\r\nDTEND:" + d + "T100000Z\r\nSUMMARY:"
                + uid + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    }

    private void step(int n) {
        assumeTrue(storySteps == n - 1, "an earlier step of the story did not pass");
    }

    @Test
    @Order(1)
    void threeDevicesTakeTheFirstThreeSlotsAndGetTheirPolicies() {
        step(1);
        d1 = device("d1", LOGIN, "contacts", "calendar");
        d2 = device("d2", LOGIN, "contacts", "calendar");
        d3 = device("d3", LOGIN, "contacts", "calendar");
        for (SyncEvolutionClient d : List.of(d1, d2, d3)) {
            ok(d.sync(SyncMode.SLOW, "contacts", "calendar"));
        }
        String devices = gateway.admin("GET", "/api/users/" + LOGIN + "/devices", null).body().replace(" ", "");
        assertThat(devices).contains("\"deviceId\":\"brief-d1\"").contains("\"deviceId\":\"brief-d3\"")
                .contains("\"model\":\"SyncEvolution\"");
        configure(LOGIN, 2, "{\"name\": \"Phone\", \"direction\": \"from-server\", \"contactCategories\": "
                + "[\"Personal\"], \"calendarPastDays\": 7, \"calendarFutureDays\": 30}");
        configure(LOGIN, 3, "{\"name\": \"Outlook\", \"direction\": \"from-client\"}");
        storySteps = 1;
    }

    @Test
    @Order(2)
    void theUploadOnlyDeviceFeedsTheAccountAndReceivesNothing() {
        step(2);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        write(d3.contactsDir().resolve("p1.vcf"), card("Personal1", "Personal", "from outlook"));
        write(d3.contactsDir().resolve("p2.vcf"), card("Personal2", "Personal,Family", "from outlook"));
        write(d3.contactsDir().resolve("b1.vcf"), card("Business1", "Business", "from outlook"));
        write(d3.contactsDir().resolve("b2.vcf"), card("Business2", "Business", "from outlook"));
        write(d3.dataDir("calendar").resolve("in1.ics"), event("inside-past", today.minusDays(3)));
        write(d3.dataDir("calendar").resolve("in2.ics"), event("inside-future", today.plusDays(10)));
        write(d3.dataDir("calendar").resolve("out1.ics"), event("outside-past", today.minusDays(40)));
        write(d3.dataDir("calendar").resolve("out2.ics"), event("outside-future", today.plusDays(90)));
        SyncResult r = ok(d3.sync(SyncMode.TWO_WAY, "contacts", "calendar"));
        assertThat(r.source("contacts").mode()).as("%s", r).isEqualTo("one-way-from-local");
        assertThat(r.source("contacts").remoteAdded()).isEqualTo(4);
        assertThat(r.source("calendar").remoteAdded()).isEqualTo(4);
        assertThat(live(LOGIN, "contacts")).isEqualTo(4);
        assertThat(live(LOGIN, "calendar")).isEqualTo(4);
        storySteps = 2;
    }

    @Test
    @Order(3)
    void theTwoWayDeviceGetsEverythingTheFilteredDownloadOnlyDeviceItsShare() {
        step(3);
        SyncResult one = ok(d1.sync(SyncMode.TWO_WAY, "contacts", "calendar"));
        assertThat(one.source("contacts").localAdded()).isEqualTo(4);
        assertThat(one.source("calendar").localAdded()).isEqualTo(4);
        SyncResult two = ok(d2.sync(SyncMode.TWO_WAY, "contacts", "calendar"));
        assertThat(two.source("contacts").mode()).as("%s", two).isEqualTo("one-way-from-remote");
        assertThat(texts(d2.contactsDir())).hasSize(2).allMatch(t -> t.contains("Personal"));
        assertThat(texts(d2.dataDir("calendar"))).hasSize(2)
                .allMatch(t -> t.contains("inside-past") || t.contains("inside-future"));
        storySteps = 3;
    }

    @Test
    @Order(4)
    void theDownloadOnlyDevicesEditsNeverReachTheAccountAndTheUploadOnlyDeviceReceivesNothing() throws IOException {
        step(4);
        Path p = Files.list(d2.contactsDir()).filter(f -> {
            try {
                return Files.readString(f).contains("Personal1");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).findFirst().orElseThrow();
        write(p, Files.readString(p).replace("NOTE:from outlook", "NOTE:edited on the phone"));
        write(d2.contactsDir().resolve("mine.vcf"), card("PhoneOnly", "Personal", "phone only"));
        ok(d2.sync(SyncMode.TWO_WAY, "contacts", "calendar"));
        assertThat(live(LOGIN, "contacts")).isEqualTo(4);
        assertThat(db.count("select count(*) from item i join account a on a.id = i.account_id where a.login = ?"
                + " and i.content like '%edited on the phone%'", LOGIN)).isZero();
        SyncResult one = ok(d1.sync(SyncMode.TWO_WAY, "contacts", "calendar"));
        assertThat(one.source("contacts").localAdded() + one.source("contacts").localUpdated()).isZero();

        write(d1.contactsDir().resolve("new.vcf"), card("FromDesk", "Personal", "desk"));
        ok(d1.sync(SyncMode.TWO_WAY, "contacts", "calendar"));
        SyncResult three = ok(d3.sync(SyncMode.TWO_WAY, "contacts", "calendar"));
        assertThat(three.source("contacts").localAdded()).as("upload only: %s", three).isZero();
        assertThat(texts(d3.contactsDir())).hasSize(4);
        storySteps = 4;
    }

    @Test
    @Order(5)
    void aFifthDeviceIsRefusedUntilASlotIsFreedAndThenTakesIt() {
        step(5);
        SyncEvolutionClient d4 = device("d4", LOGIN, "contacts");
        ok(d4.sync(SyncMode.SLOW, "contacts"));
        SyncEvolutionClient d5 = device("d5", LOGIN, "contacts");
        write(d5.contactsDir().resolve("x.vcf"), card("FifthDevice", "Business", "must not arrive"));
        long before = live(LOGIN, "contacts");
        SyncResult refused = d5.sync(SyncMode.SLOW, "contacts");
        assertThat(refused.success()).isFalse();
        assertThat(refused.toString()).contains("403");
        assertThat(live(LOGIN, "contacts")).as("nothing of it applied").isEqualTo(before);
        assertThat(db.count("select count(*) from device d join account a on a.id = d.account_id where a.login = ?",
                LOGIN)).isEqualTo(4);

        assertThat(gateway.admin("DELETE", "/api/users/" + LOGIN + "/devices/2", null).status()).isEqualTo(204);
        ok(d5.sync(SyncMode.SLOW, "contacts"));
        Gateway.AdminAnswer slot2 = gateway.admin("GET", "/api/users/" + LOGIN + "/devices/2", null);
        assertThat(slot2.body().replace(" ", "")).contains("\"deviceId\":\"brief-d5\"").contains("\"direction\":\"two-way\"");
        assertThat(live(LOGIN, "contacts")).isEqualTo(before + 1);
        storySteps = 5;
    }

    // ------------------------------------------------------------------------------------------------ conflicts

    /**
     * One contact on devices c1 and c2 of a fresh account; c2 changes it (the server's copy changes), c1 changes it
     * too, then c1 syncs under {@code policy}. Returns the server's contents and c1's files afterwards.
     */
    private Map<String, List<String>> conflict(String policy, String c1Rev) {
        String login = "brief-" + policy;
        assertThat(gateway.admin("POST", "/api/users", "{\"login\": \"" + login + "\", \"password\": \"" + PASSWORD
                + "\"}").status()).isEqualTo(201);
        SyncEvolutionClient c1 = device("c1-" + policy, login, "contacts");
        SyncEvolutionClient c2 = device("c2-" + policy, login, "contacts");
        write(c1.contactsDir().resolve("x.vcf"), card("Xaver", "Personal", "original"));
        ok(c1.sync(SyncMode.SLOW, "contacts"));
        ok(c2.sync(SyncMode.SLOW, "contacts"));
        configure(login, 1, "{\"conflictPolicy\": \"" + policy + "\"}");
        Path onC2 = only(c2.contactsDir());
        write(onC2, card("Xaver", "Personal", "changed on c2"));
        ok(c2.sync(SyncMode.TWO_WAY, "contacts"));
        write(c1.contactsDir().resolve("x.vcf"), card("Xaver", "Personal", "changed on c1")
                .replace("END:VCARD", "REV:" + c1Rev + "\r\nEND:VCARD"));
        ok(c1.sync(SyncMode.TWO_WAY, "contacts"));
        List<String> server = List.of(db.text("select string_agg(i.content, '|') from item i join account a"
                + " on a.id = i.account_id where a.login = ? and not i.deleted", login));
        return Map.of("server", server, "c1", texts(c1.contactsDir()));
    }

    private static Path only(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> l = s.filter(Files::isRegularFile).toList();
            assertThat(l).hasSize(1);
            return l.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String inOneHour() {
        return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(java.time.Instant.now().plusSeconds(3600));
    }

    @Test
    @Order(10)
    void serverWins() {
        Map<String, List<String>> r = conflict("server-wins", inOneHour());
        assertThat(r.get("server").get(0)).contains("changed on c2").doesNotContain("changed on c1");
        assertThat(r.get("c1")).singleElement().asString().contains("changed on c2");
    }

    @Test
    @Order(11)
    void clientWins() {
        Map<String, List<String>> r = conflict("client-wins", "20200101T000000Z");
        assertThat(r.get("server").get(0)).contains("changed on c1").doesNotContain("changed on c2");
    }

    @Test
    @Order(12)
    void newestWins() {
        Map<String, List<String>> newer = conflict("newest-wins", inOneHour());
        assertThat(newer.get("server").get(0)).as("c1's REV is newer").contains("changed on c1");
    }

    @Test
    @Order(13)
    void duplicateKeepsBoth() {
        Map<String, List<String>> r = conflict("duplicate", "20200101T000000Z");
        assertThat(r.get("server").get(0)).contains("changed on c1").contains("changed on c2");
        assertThat(r.get("c1")).hasSize(2);
    }
}
