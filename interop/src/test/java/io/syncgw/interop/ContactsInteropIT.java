package io.syncgw.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Contacts acceptance scenarios: the real SyncEvolution 2.0 client against {@code gateway/target/syncgw.jar}
 * backed by an embedded PostgreSQL. XML, md5 auth, SyncML 1.2 throughout.
 *
 * <p>Tests 1-5 are one story on account {@value #LOGIN} with devices A ({@value #DEV_A}) and B ({@value #DEV_B});
 * each step needs the previous one, so once a step fails the later ones are skipped (not failed) to keep the
 * first failure in sight. Test 6 (vCard 2.1) uses its own account and is independent.
 *
 * <p>Every session's log stays under {@code interop/target/interop-clients/ContactsInteropIT/<client>/logs/}, the
 * gateway's under {@code interop/target/gateway-logs/}; see README.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContactsInteropIT {

    static final String LOGIN = "sc-contacts";
    static final String PASSWORD = "Sc-pass-1";
    static final String LOGIN_V21 = "sc-contacts-v21";
    static final String PASSWORD_V21 = "Sc-pass-21";
    static final String DEV_A = "sc-dev-a";
    static final String DEV_B = "sc-dev-b";

    /** Live (not deleted) contacts of an account, in the gateway's schema. */
    static final String LIVE_CONTACTS = "select count(*) from item i join account a on a.id = i.account_id"
            + " where a.login = ? and i.datastore = 'contacts' and not i.deleted";
    /** All known devices; no failed login may add one. */
    static final String DEVICE_ROWS = "select count(*) from device";

    /** The client directories' group and the suffix of this class's accounts (subclasses run the same story). */
    private final String group = getClass().getSimpleName();
    /** This class's accounts: {@value #LOGIN} and {@value #LOGIN_V21}, suffixed in subclasses (one database). */
    private final String login = LOGIN + suffix();
    private final String loginV21 = LOGIN_V21 + suffix();
    private static final int INITIAL = 200;

    private TestDatabase db;
    private Gateway gateway;
    private SyncEvolutionClient a;
    private SyncEvolutionClient b;
    /** How many steps of the A/B story have passed. */
    private int storyStepsPassed;

    @BeforeAll
    void startGateway() {
        // fail loudly, before anything else, when the client tools or the jar are missing
        InteropEnv.require("syncevolution");
        SyncEvolutionClient.curlFixLibrary();
        Gateway.jar();
        db = TestDatabase.get();
        gateway = Gateway.startWithDbUrl(group, db.r2dbcUrl());
        gateway.userAdd(login, PASSWORD);
        gateway.userAdd(loginV21, PASSWORD_V21);
    }

    @AfterAll
    void stopGateway() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    // ------------------------------------------------------------------------------------------------- the story

    @Test
    @Order(1)
    void firstSlowSyncUploadsAllContacts() {
        step(1);
        a = client("a", DEV_A, login, PASSWORD, "text/vcard", null);
        VCards.writeAll(a.contactsDir(), INITIAL, VCards.Flavor.V30, "1");

        SyncResult r = sync(a, SyncMode.SLOW);
        assertSuccess(r);
        assertThat(r.source("contacts").mode()).as("mode that ran\n%s", r).isEqualTo("slow");
        assertThat(r.source("contacts").remoteAdded()).as("items A sent\n%s", r).isEqualTo(INITIAL);
        assertThat(liveContacts(login)).as("live rows after A's first slow sync").isEqualTo(INITIAL);
        storyStepsPassed = 1;
    }

    @Test
    @Order(2)
    void refreshFromServerFillsAnEmptySecondDevice() {
        step(2);
        b = client("b", DEV_B, login, PASSWORD, "text/vcard", null);

        SyncResult r = sync(b, SyncMode.REFRESH_FROM_SERVER);
        assertSuccess(r);
        assertThat(r.source("contacts").mode()).as("mode that ran\n%s", r).isEqualTo("refresh-from-remote");
        assertThat(r.source("contacts").localAdded()).as("items B stored\n%s", r).isEqualTo(INITIAL);
        assertThat(files(b.contactsDir())).as("files in B's store").isEqualTo(INITIAL);
        assertThat(VCards.compareDirs(a.contactsDir(), b.contactsDir())).as("A vs B, field by field").isEmpty();
        storyStepsPassed = 2;
    }

    @Test
    @Order(3)
    void twoWayPropagatesEditsDeletesAndAdds() throws IOException {
        step(3);
        for (int i = 1; i <= 10; i++) { // edit 10: new NOTE and new cell phone
            VCards.write(a.contactsDir(), i, VCards.vcard30(i, "2", String.format(Locale.ROOT, "+49 171 %07d", i)));
        }
        for (int i = 11; i <= 15; i++) { // delete 5
            Files.delete(a.contactsDir().resolve(VCards.fileName(i)));
        }
        VCards.writeRange(a.contactsDir(), INITIAL + 1, INITIAL + 5, VCards.Flavor.V30, "1"); // add 5

        SyncResult ra = sync(a, SyncMode.TWO_WAY);
        assertSuccess(ra);
        SyncResult.SourceResult sa = ra.source("contacts");
        assertThat(sa.mode()).as("mode that ran\n%s", ra).isEqualTo("two-way");
        assertThat(new long[] {sa.remoteAdded(), sa.remoteUpdated(), sa.remoteRemoved()})
                .as("A sent added/updated/removed\n%s", ra).containsExactly(5, 10, 5);
        assertThat(liveContacts(login)).as("live rows after A's changes").isEqualTo(INITIAL);

        SyncResult rb = sync(b, SyncMode.TWO_WAY);
        assertSuccess(rb);
        SyncResult.SourceResult sb = rb.source("contacts");
        assertThat(sb.mode()).as("mode that ran\n%s", rb).isEqualTo("two-way");
        assertThat(new long[] {sb.localAdded(), sb.localUpdated(), sb.localRemoved()})
                .as("B applied added/updated/removed\n%s", rb).containsExactly(5, 10, 5);
        assertThat(new long[] {sb.remoteAdded(), sb.remoteUpdated(), sb.remoteRemoved()})
                .as("B had nothing to send\n%s", rb).containsExactly(0, 0, 0);
        assertThat(VCards.compareDirs(a.contactsDir(), b.contactsDir())).as("A vs B, field by field").isEmpty();

        SyncResult again = sync(a, SyncMode.TWO_WAY);
        assertSuccess(again);
        SyncResult.SourceResult s2 = again.source("contacts");
        assertThat(new long[] {s2.localAdded(), s2.localUpdated(), s2.localRemoved()})
                .as("A must not get its own changes back\n%s", again).containsExactly(0, 0, 0);
        storyStepsPassed = 3;
    }

    @Test
    @Order(4)
    void repeatedSlowSyncDuplicatesNothing() {
        step(4);
        SyncResult ra = sync(a, SyncMode.SLOW);
        assertSuccess(ra);
        assertThat(ra.source("contacts").mode()).as("mode that ran\n%s", ra).isEqualTo("slow");
        assertThat(liveContacts(login)).as("live rows after A's second slow sync").isEqualTo(INITIAL);

        SyncResult rb = sync(b, SyncMode.TWO_WAY);
        assertSuccess(rb);
        assertThat(rb.source("contacts").nothingTransferred()).as("B must receive nothing\n%s", rb).isTrue();
        assertThat(VCards.compareDirs(a.contactsDir(), b.contactsDir())).as("A vs B, field by field").isEmpty();
        storyStepsPassed = 4;
    }

    @Test
    @Order(5)
    void wrongPasswordAndGarbageAreRejectedWithoutSideEffects() throws Exception {
        step(5);
        long live = liveContacts(login);
        long devices = db.count(DEVICE_ROWS);

        // a known device with a wrong password (this session only; A's config keeps the right one)
        VCards.write(a.contactsDir(), 1, VCards.vcard30(1, "3", "+49 172 0000001")); // a change it must not deliver
        SyncResult bad = sync(a, SyncMode.TWO_WAY, Map.of("password", "not-" + PASSWORD));
        assertRejected(bad);

        // an unknown device with a wrong password must not be registered
        SyncEvolutionClient intruder = client("intruder", "sc-dev-intruder", login, "not-" + PASSWORD,
                "text/vcard", null);
        VCards.writeAll(intruder.contactsDir(), 3, VCards.Flavor.V30, "x");
        assertRejected(sync(intruder, SyncMode.SLOW));

        assertThat(liveContacts(login)).as("live rows after rejected sessions").isEqualTo(live);
        assertThat(db.count(DEVICE_ROWS)).as("device rows after rejected sessions").isEqualTo(devices);

        // a body that is not SyncML
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> garbage = http.send(HttpRequest.newBuilder(URI.create(gateway.syncUrl()))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/vnd.syncml+xml")
                .POST(HttpRequest.BodyPublishers.ofString("this is <not> SyncML \u0000\u00ff", StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(garbage.statusCode()).as("HTTP status for a garbage body; body: %s", garbage.body())
                .isEqualTo(400);
        assertThat(gateway.isAlive()).as("gateway still running").isTrue();

        // and the gateway still serves a normal session right after
        SyncResult good = sync(a, SyncMode.TWO_WAY);
        assertSuccess(good);
        assertThat(good.source("contacts").remoteUpdated()).as("A's pending edit\n%s", good).isEqualTo(1);
        assertThat(liveContacts(login)).isEqualTo(live);
        storyStepsPassed = 5;
    }

    // --------------------------------------------------------------------------------------------- vCard 2.1

    /**
     * A vCard 2.1 client whose files hold N/FN quoted-printable in ISO-8859-1 (even i) and UTF-8 (odd i). Its wire
     * format is forced to {@code text/x-vcard}, so the gateway really receives 2.1 (SyncEvolution re-encodes
     * the names as raw UTF-8 with {@code CHARSET=UTF-8} on the wire; the QP/Latin-1 decoding happens in the
     * client). The names must reach a vCard 3.0 device and a fresh vCard 2.1 device intact.
     */
    @Test
    @Order(6)
    void vcard21NamesSurviveTheRoundTrip() {
        int n = 20;
        SyncEvolutionClient v21 = client("v21", "sc-dev-v21", loginV21, PASSWORD_V21, "text/x-vcard",
                "text/x-vcard");
        for (int i = 1; i <= n; i++) {
            Charset cs = i % 2 == 0 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
            VCards.write(v21.contactsDir(), i, VCards.vcard21(i, "1", cs));
        }
        assertNamesIntact(v21.contactsDir(), n); // the generator and the parser agree

        SyncResult up = sync(v21, SyncMode.SLOW);
        assertSuccess(up);
        assertThat(up.source("contacts").remoteAdded()).as("items sent\n%s", up).isEqualTo(n);
        assertThat(liveContacts(loginV21)).as("live rows of the 2.1 account").isEqualTo(n);

        SyncEvolutionClient v30 = client("v21-to-v30", "sc-dev-v21-b", loginV21, PASSWORD_V21, "text/vcard",
                null);
        SyncResult down30 = sync(v30, SyncMode.REFRESH_FROM_SERVER);
        assertSuccess(down30);
        assertThat(files(v30.contactsDir())).as("files on the 3.0 device").isEqualTo(n);
        assertNamesIntact(v30.contactsDir(), n);

        SyncEvolutionClient back = client("v21-to-v21", "sc-dev-v21-c", loginV21, PASSWORD_V21, "text/x-vcard",
                "text/x-vcard");
        SyncResult down21 = sync(back, SyncMode.REFRESH_FROM_SERVER);
        assertSuccess(down21);
        assertThat(files(back.contactsDir())).as("files on the fresh 2.1 device").isEqualTo(n);
        assertNamesIntact(back.contactsDir(), n);

        // beyond the names: every compared field survives 2.1 -> server -> 3.0 and -> 2.1
        assertThat(VCards.compareDirs(v21.contactsDir(), v30.contactsDir())).as("2.1 source vs 3.0 device").isEmpty();
        assertThat(VCards.compareDirs(v21.contactsDir(), back.contactsDir())).as("2.1 source vs 2.1 device")
                .isEmpty();
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** The wire encoding of every session: XML here, WBXML in {@link ContactsWbxmlInteropIT}. */
    boolean wbxml() {
        return false;
    }

    private String suffix() {
        return wbxml() ? "-wbxml" : "";
    }

    /** Skips a story step when an earlier one did not pass, so only the first failure is reported as such. */
    private void step(int n) {
        assumeTrue(storyStepsPassed == n - 1,
                "skipped: step " + (storyStepsPassed + 1) + " of the A/B story did not pass");
    }

    private SyncEvolutionClient client(String name, String deviceId, String login, String password,
                                       String databaseFormat, String forcedSyncFormat) {
        SyncEvolutionClient.Config.Builder cfg = SyncEvolutionClient.config(gateway.syncUrl())
                .user(login).password(password).deviceId(deviceId)
                .auth(SyncEvolutionClient.Auth.MD5).wbxml(wbxml()).syncMlVersion("1.2")
                .contactsFormat(databaseFormat).sources("contacts");
        if (forcedSyncFormat != null) {
            cfg.syncFormat("contacts", forcedSyncFormat);
        }
        return SyncEvolutionClient.fresh(group, name).configure(cfg.build());
    }

    private SyncResult sync(SyncEvolutionClient client, SyncMode mode) {
        return sync(client, mode, Map.of());
    }

    private SyncResult sync(SyncEvolutionClient client, SyncMode mode, Map<String, String> overrides) {
        SyncResult r = client.sync(mode, overrides, "contacts");
        System.out.printf(Locale.ROOT, "[%s] %s %s: exit=%d status=%s %d ms %s log=%s%n", group,
                client.config().deviceId(), mode.syncEvolutionName(), r.exitCode(), r.status(),
                r.elapsed().toMillis(), r.sources().get("contacts"), r.sessionDir());
        return r;
    }

    private void assertSuccess(SyncResult r) {
        assertThat(r.success()).as("session should succeed\n%s\ngateway log: %s\n%s", r, gateway.logFile(),
                gateway.logTail()).isTrue();
    }

    private void assertRejected(SyncResult r) {
        assertThat(r.exitCode()).as("client exit code of a rejected session\n%s", r).isNotZero();
        assertThat(r.timedOut()).as("the client must be answered, not left hanging\n%s", r).isFalse();
        boolean saw401 = Integer.valueOf(401).equals(r.status()) || r.console().contains("status 401");
        assertThat(saw401).as("401 in status.ini or on the console\n%s", r).isTrue();
    }

    private void assertNamesIntact(Path dir, int n) {
        Map<String, VCards.Contact> byFn = VCards.byFn(dir);
        for (int i = 1; i <= n; i++) {
            VCards.Name expected = VCards.name(i);
            VCards.Contact c = byFn.get(expected.fn());
            assertThat(c).as("contact with FN '%s' in %s; FNs there: %s", expected.fn(), dir, byFn.keySet())
                    .isNotNull();
            assertThat(c.n()).as("N of '%s' (%s)", expected.fn(), c.file()).isEqualTo(expected.n());
        }
    }

    private long liveContacts(String login) {
        return db.count(LIVE_CONTACTS, login);
    }

    private static long files(Path dir) {
        return VCards.readDir(dir).size();
    }
}
