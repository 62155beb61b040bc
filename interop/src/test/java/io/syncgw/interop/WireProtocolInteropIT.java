package io.syncgw.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Wire-protocol acceptance (issue 3) with the real SyncEvolution 2.0 client against
 * {@code gateway/target/syncgw.jar}: SyncML 1.0/1.1/1.2 sessions, a 200 KB photo as a large object in both
 * directions (XML and WBXML), a slow sync interrupted with SIGINT and resumed, and messages re-posted after a
 * reply was lost (through {@link DroppingProxy}).
 *
 * <p>Every scenario is an independent test with its own account ({@code wp-...}) and devices, so one failure does
 * not hide the others. Every session's wall time is printed as it ends and again as a table after the class (also
 * written to {@code interop/target/WireProtocolInteropIT-timings.txt}). Logs: see README.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WireProtocolInteropIT {

    private static final String GROUP = WireProtocolInteropIT.class.getSimpleName();
    private static final String PASSWORD = "Wp-pass-1";

    /** SyncEvolution's smallest MaxMsgSize (it raises anything lower to this). */
    private static final int SMALL_MSG = 10240;
    /** The photo's size: 200 KB of JPEG, about 270 KB once base64 in the vCard. */
    private static final int PHOTO_BYTES = 200 * 1024;
    private static final int RESUME_CONTACTS = 500;
    private static final int RESEND_CONTACTS = 50;
    /**
     * Client resend settings for the resend scenarios. SyncEvolution resends a message whose reply was lost once
     * {@code RetryInterval} seconds have passed since it was sent (and gives up when the next resend would fall
     * after {@code RetryDuration}); the same value is the per-request timeout. The defaults (2 min / 5 min) work
     * too, only slowly.
     */
    private static final String RETRY_INTERVAL = "5";
    private static final String RETRY_DURATION = "60";

    private TestDatabase db;
    private Gateway gateway;
    private final List<String> timings = new ArrayList<>();

    @BeforeAll
    void startGateway() {
        InteropEnv.require("syncevolution");
        InteropEnv.require("env");
        InteropEnv.require("kill");
        SyncEvolutionClient.curlFixLibrary();
        Gateway.jar();
        db = TestDatabase.get();
        gateway = Gateway.startWithDbUrl(GROUP, db.r2dbcUrl());
    }

    @AfterAll
    void stopGatewayAndReportTimings() throws IOException {
        if (gateway != null) {
            gateway.stop();
        }
        String table = String.join("\n", timings);
        System.out.println("[" + GROUP + "] session wall times:\n" + table);
        Files.writeString(InteropEnv.buildDir().resolve(GROUP + "-timings.txt"), table + "\n", StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------- SyncML versions

    /**
     * For each SyncML version a fresh account and device: a slow sync of 30 contacts, a two-way with 3 edits, 2
     * deletes and 2 adds, then a two-way with nothing to do; md5 auth throughout (for 1.0 the gateway checks
     * SyncML 1.0's MD5 variant), XML. A second device (SyncML 1.2) then receives the same contacts, field by field.
     */
    @ParameterizedTest(name = "SyncML {0}")
    @ValueSource(strings = {"1.0", "1.1", "1.2"})
    @Timeout(300)
    void syncMlVersionSessionsComplete(String version) {
        String label = "SyncML " + version;
        String login = "wp-v" + version.replace(".", "");
        gateway.userAdd(login, PASSWORD);
        SyncEvolutionClient a = client("v" + version.replace(".", "") + "-a", login, c -> c.syncMlVersion(version));
        VCards.writeAll(a.contactsDir(), 30, VCards.Flavor.V30, "1");

        SyncResult slow = sync(label, a, SyncMode.SLOW);
        assertSuccess(slow);
        assertThat(slow.source("contacts").mode()).as("mode that ran\n%s", slow).isEqualTo("slow");
        assertThat(slow.source("contacts").remoteAdded()).as("items sent\n%s", slow).isEqualTo(30);
        assertVersionAndMd5(slow, version, null);
        assertThat(liveContacts(login)).as("live rows after the slow sync").isEqualTo(30);

        applyChanges(a.contactsDir(), 30);
        SyncResult two = sync(label, a, SyncMode.TWO_WAY);
        assertSuccess(two);
        SyncResult.SourceResult s = two.source("contacts");
        assertThat(s.mode()).as("mode that ran\n%s", two).isEqualTo("two-way");
        assertThat(new long[] {s.remoteAdded(), s.remoteUpdated(), s.remoteRemoved()})
                .as("sent added/updated/removed\n%s", two).containsExactly(2, 3, 2);
        assertThat(new long[] {s.localAdded(), s.localUpdated(), s.localRemoved()})
                .as("nothing comes back\n%s", two).containsExactly(0, 0, 0);
        assertVersionAndMd5(two, version, slow);
        assertThat(liveContacts(login)).as("live rows after the two-way").isEqualTo(30);

        SyncResult quiet = sync(label, a, SyncMode.TWO_WAY);
        assertSuccess(quiet);
        assertThat(quiet.source("contacts").mode()).as("mode that ran\n%s", quiet).isEqualTo("two-way");
        assertThat(quiet.source("contacts").nothingTransferred()).as("nothing to transfer\n%s", quiet).isTrue();
        assertVersionAndMd5(quiet, version, two);

        SyncEvolutionClient b = client("v" + version.replace(".", "") + "-b", login, c -> c.syncMlVersion("1.2"));
        SyncResult down = sync(label, b, SyncMode.REFRESH_FROM_SERVER);
        assertSuccess(down);
        assertThat(down.source("contacts").localAdded()).as("items B stored\n%s", down).isEqualTo(30);
        assertThat(files(b.contactsDir())).as("files on B").isEqualTo(30);
        assertThat(VCards.compareDirs(a.contactsDir(), b.contactsDir())).as("A (SyncML %s) vs B, field by field",
                version).isEmpty();
    }

    /**
     * A SyncML 1.0 client whose first session authenticates with {@code syncml:auth-basic} (clientAuthType=basic):
     * the gateway accepts it and challenges for md5 ({@code Chal}/{@code NextNonce}), and the sessions after that
     * use md5 (SyncML 1.0's variant).
     */
    @Test
    @Timeout(300)
    void syncMl10BasicFirstSessionThenMd5() {
        String label = "SyncML 1.0 basic->md5";
        String login = "wp-v10-basic";
        gateway.userAdd(login, PASSWORD);
        SyncEvolutionClient a = client("v10-basic-a", login,
                c -> c.syncMlVersion("1.0").auth(SyncEvolutionClient.Auth.BASIC));
        VCards.writeAll(a.contactsDir(), 10, VCards.Flavor.V30, "1");

        SyncResult first = sync(label, a, SyncMode.SLOW);
        assertSuccess(first);
        SessionTrace t1 = SessionTrace.of(first);
        assertThat(t1.outgoing().get(0).credType()).as("credentials of the first message\n%s", t1)
                .isEqualTo("syncml:auth-basic");
        assertThat(liveContacts(login)).as("live rows").isEqualTo(10);

        VCards.write(a.contactsDir(), 1, VCards.vcard30(1, "2", "+49 171 0000001"));
        SyncResult second = sync(label, a, SyncMode.TWO_WAY);
        assertSuccess(second);
        SessionTrace t2 = SessionTrace.of(second);
        assertThat(t2.outgoing().get(0).credType()).as("credentials of the next session's first message\n%s", t2)
                .isEqualTo("syncml:auth-md5");
        assertThat(second.source("contacts").remoteUpdated()).as("the edit\n%s", second).isEqualTo(1);

        SyncResult third = sync(label, a, SyncMode.TWO_WAY);
        assertSuccess(third);
        assertThat(SessionTrace.of(third).outgoing().get(0).credType()).isEqualTo("syncml:auth-md5");
        assertThat(third.source("contacts").nothingTransferred()).as("nothing to transfer\n%s", third).isTrue();
        assertThat(liveContacts(login)).as("live rows").isEqualTo(10);
    }

    // -------------------------------------------------------------------------------------------- large objects

    /** A 200 KB JPEG photo travels A -> server -> B byte for byte, both clients at MaxMsgSize 10240, XML. */
    @Test
    @Timeout(300)
    void photo200KbTravelsByteIdenticalOverXml() {
        photoRoundTrip(false);
    }

    /**
     * The same over WBXML. Until the gateway speaks WBXML it answers {@code application/vnd.syncml+wbxml} with HTTP
     * 415 and this test fails at the first session.
     */
    @Test
    @Timeout(300)
    void photo200KbTravelsByteIdenticalOverWbxml() {
        photoRoundTrip(true);
    }

    private void photoRoundTrip(boolean wbxml) {
        String enc = wbxml ? "wbxml" : "xml";
        String label = "photo " + enc;
        String login = "wp-photo-" + enc;
        gateway.userAdd(login, PASSWORD);
        Consumer<SyncEvolutionClient.Config.Builder> small = c -> c.wbxml(wbxml).maxMsgSize(SMALL_MSG);
        SyncEvolutionClient a = client("photo-" + enc + "-a", login, small);
        byte[] jpeg = VCards.jpeg(PHOTO_BYTES, 20261129L);
        VCards.write(a.contactsDir(), 1, VCards.vcard30WithPhoto(1, "1", jpeg));
        VCards.writeRange(a.contactsDir(), 2, 5, VCards.Flavor.V30, "1");
        assertThat(VCards.photo(a.contactsDir().resolve(VCards.fileName(1)))).as("generator and decoder agree")
                .isEqualTo(jpeg);

        SyncResult up = sync(label, a, SyncMode.SLOW);
        assertSuccess(up);
        assertThat(up.source("contacts").remoteAdded()).as("items A sent\n%s", up).isEqualTo(5);
        SessionTrace upTrace = SessionTrace.of(up);
        assertThat(upTrace.outgoing().get(0).commands("Put")).as("A's DevInf Put\n%s", upTrace)
                .allMatch(put -> put.type() != null && put.type().endsWith(wbxml ? "+wbxml" : "+xml"));
        assertThat(upTrace.syncItems(true).getOrDefault("Add+MoreData", 0))
                .as("A must send the photo contact in chunks (MoreData)\n%s", upTrace).isGreaterThanOrEqualTo(2);
        assertThat(liveContacts(login)).as("live rows").isEqualTo(5);

        SyncEvolutionClient b = client("photo-" + enc + "-b", login, small);
        SyncResult down = sync(label, b, SyncMode.REFRESH_FROM_SERVER);
        assertSuccess(down);
        assertThat(down.source("contacts").localAdded()).as("items B stored\n%s", down).isEqualTo(5);
        SessionTrace downTrace = SessionTrace.of(down);
        assertThat(downTrace.syncItems(false).getOrDefault("Add+MoreData", 0))
                .as("the gateway must send the photo contact in chunks (MoreData)\n%s", downTrace)
                .isGreaterThanOrEqualTo(PHOTO_BYTES * 4 / 3 / SMALL_MSG);

        if (!wbxml) {
            // in XML the dumps are the messages as received: every reply respects B's MaxMsgSize
            assertThat(downTrace.incoming()).as("replies larger than MaxMsgSize %d\n%s", SMALL_MSG, downTrace)
                    .allMatch(m -> m.bytes() <= SMALL_MSG);
        }

        VCards.Contact onB = VCards.byFn(b.contactsDir()).get(VCards.name(1).fn());
        assertThat(onB).as("the photo contact on B").isNotNull();
        byte[] received = VCards.photo(onB.file());
        assertThat(received).as("PHOTO on B (%s)", onB.file()).isNotNull();
        assertThat(received.length).as("photo size on B").isEqualTo(jpeg.length);
        assertThat(firstDifference(jpeg, received)).as("first differing byte of the photo on B").isEqualTo(-1);
        assertThat(VCards.compareDirs(a.contactsDir(), b.contactsDir())).as("A vs B, other fields").isEmpty();
    }

    // ------------------------------------------------------------------------------------------ suspend / resume

    /**
     * A slow sync of 500 contacts at MaxMsgSize 10240, suspended by the user (one SIGINT after the 3rd round trip;
     * the client answers with status 20032 "explicitly suspended"). The next two-way session sends Alert 225 and
     * the gateway resumes: only the rest is sent, nothing comes back, and the server and a second device end with
     * exactly 500 contacts.
     */
    @Test
    @Timeout(600)
    void interruptedSlowSyncResumesWithoutLossOrDuplicates() {
        String label = "suspend/resume";
        String login = "wp-resume";
        gateway.userAdd(login, PASSWORD);
        SyncEvolutionClient a = client("resume-a", login, c -> c.maxMsgSize(SMALL_MSG));
        VCards.writeAll(a.contactsDir(), RESUME_CONTACTS, VCards.Flavor.V30, "1");

        SyncResult cut = a.syncInterrupted(SyncMode.SLOW, 3, "contacts");
        log(label, a, "slow (SIGINT)", cut);
        assertThat(cut.console()).as("the harness must have sent SIGINT\n%s", cut).contains("[harness] SIGINT sent");
        assertThat(cut.status()).as("status of the interrupted session (20032 = explicitly suspended)\n%s", cut)
                .isEqualTo(20032);
        assertThat(cut.exitCode()).as("exit code of the suspended session\n%s", cut).isEqualTo(1);
        SessionTrace cutTrace = SessionTrace.of(cut);
        int sentBeforeSuspend = cutTrace.syncItems(true).getOrDefault("Add", 0);
        long acknowledged = cutTrace.commands(false, "Status").stream()
                .filter(c -> "Add".equals(c.cmd()) && "201".equals(c.data())).count();
        System.out.printf(Locale.ROOT, "[%s] suspended after %d items sent, %d acknowledged; server live rows now %d"
                + "%n%s%n", GROUP, sentBeforeSuspend, acknowledged, liveContacts(login), cutTrace);
        assertThat(sentBeforeSuspend).as("items sent before the suspend\n%s", cutTrace)
                .isGreaterThan(0).isLessThan(RESUME_CONTACTS);
        assertThat(cutTrace.outgoing().get(cutTrace.outgoing().size() - 1).commands().stream()
                .map(SessionTrace.Command::name)).as("the suspending client's last message: header Status only\n%s",
                cutTrace).containsExactly("Status");

        SyncResult resumed = sync(label, a, SyncMode.TWO_WAY);
        SessionTrace resumeTrace = SessionTrace.of(resumed);
        System.out.printf(Locale.ROOT, "[%s] resumed session:%n%s%n", GROUP, resumeTrace);
        assertSuccess(resumed);
        assertThat(resumeTrace.commands(true, "Alert").stream().map(SessionTrace.Command::data))
                .as("the client asks to resume (Alert 225)\n%s", resumeTrace).contains("225");
        assertThat(resumeTrace.commands(false, "Status").stream()
                .filter(c -> "Alert".equals(c.cmd())).map(SessionTrace.Command::data))
                .as("the gateway accepts the resume (no 509)\n%s", resumeTrace).doesNotContain("509").contains("200");
        SyncResult.SourceResult s = resumed.source("contacts");
        assertThat(s.remoteAdded()).as("the resumed session sends only the rest, not all 500\n%s", resumed)
                .isGreaterThan(0).isLessThan(RESUME_CONTACTS);
        assertThat(s.remoteAdded()).as("... exactly the items the gateway had not acknowledged (%d were)\n%s",
                acknowledged, resumed).isEqualTo(RESUME_CONTACTS - acknowledged);
        assertThat(s.localAdded()).as("A receives nothing\n%s", resumed).isZero();
        assertThat(liveContacts(login)).as("live rows after the resume").isEqualTo(RESUME_CONTACTS);
        assertThat(files(a.contactsDir())).as("files on A").isEqualTo(RESUME_CONTACTS);

        SyncEvolutionClient b = client("resume-b", login, c -> c.maxMsgSize(SMALL_MSG));
        SyncResult down = sync(label, b, SyncMode.REFRESH_FROM_SERVER);
        assertSuccess(down);
        assertThat(down.source("contacts").localAdded()).as("items B stored\n%s", down).isEqualTo(RESUME_CONTACTS);
        assertThat(files(b.contactsDir())).as("files on B").isEqualTo(RESUME_CONTACTS);
        assertThat(VCards.compareDirs(a.contactsDir(), b.contactsDir())).as("A vs B, field by field").isEmpty();

        SyncResult after = sync(label, a, SyncMode.TWO_WAY);
        assertSuccess(after);
        assertThat(after.source("contacts").nothingTransferred()).as("A's next two-way transfers nothing\n%s", after)
                .isTrue();
    }

    // ---------------------------------------------------------------------------------------- resent messages

    /**
     * The reply to request k is swallowed by {@link DroppingProxy} after the gateway has processed the request.
     * SyncEvolution re-posts the identical message after {@code RetryInterval}; the gateway must answer with the
     * reply it already gave (replayed, byte for byte) instead of applying the message again, and the end state must
     * equal a clean run's. Scenarios: a slow sync of 50 contacts, and a two-way with 3 edits, 2 deletes, 2 adds
     * after a clean slow sync of 50.
     *
     * <p>k = 1 is special: SyncEvolution never resends its first message of a session ({@code requestNum == 1} in
     * {@code SyncContext::doSync}: "Transport giving up after 0 retries"). For k = 1 the test therefore checks the
     * closest honest thing: that session fails without a resend, and the next session (through the same proxy,
     * nothing dropped) completes with exactly the clean run's data.
     */
    @ParameterizedTest(name = "{0}, reply to request {1} dropped ({2})")
    @CsvSource({"SLOW, 1, CLOSE", "SLOW, 2, CLOSE", "SLOW, 3, CLOSE", "TWO_WAY, 1, CLOSE", "TWO_WAY, 2, CLOSE",
            "TWO_WAY, 3, CLOSE", "TWO_WAY, 2, STALL"})
    @Timeout(400)
    void resentMessageIsReplayedNotAppliedTwice(SyncMode scenario, int k, DroppingProxy.Drop how) {
        String label = "resend " + scenario + " k=" + k + (how == DroppingProxy.Drop.CLOSE ? "" : " " + how);
        String login = "wp-resend-" + scenario.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + k
                + (how == DroppingProxy.Drop.CLOSE ? "" : "-" + how.name().toLowerCase(Locale.ROOT));
        gateway.userAdd(login, PASSWORD);
        try (DroppingProxy proxy = DroppingProxy.start(gateway.baseUri())) {
            String name = login.substring("wp-".length());
            SyncEvolutionClient a = SyncEvolutionClient.fresh(GROUP, name + "-a").configure(
                    baseConfig(proxy.syncUrl(), login, name + "-a").set("RetryInterval", RETRY_INTERVAL)
                            .set("RetryDuration", RETRY_DURATION).build());
            VCards.writeAll(a.contactsDir(), RESEND_CONTACTS, VCards.Flavor.V30, "1");
            long[] expectedSent;
            if (scenario == SyncMode.TWO_WAY) {
                proxy.reset();
                SyncResult clean = sync(label + " (clean slow)", a, SyncMode.SLOW);
                assertSuccess(clean);
                applyChanges(a.contactsDir(), RESEND_CONTACTS);
                expectedSent = new long[] {2, 3, 2};
            } else {
                expectedSent = new long[] {RESEND_CONTACTS, 0, 0};
            }

            proxy.dropRequest(k, how);
            SyncResult r = sync(label, a, scenario);
            String exchanges = proxy.describe();
            System.out.printf(Locale.ROOT, "[%s] %s through the proxy:%n%s%n", GROUP, label, exchanges);
            List<DroppingProxy.Exchange> ex = proxy.exchanges();
            assertThat(ex.size()).as("requests through the proxy (the RespURI must point back at it)\n%s",
                    exchanges).isGreaterThanOrEqualTo(k);
            assertThat(ex.get(k - 1).dropped()).as("request %d's reply dropped\n%s", k, exchanges).isTrue();
            assertThat(ex.get(k - 1).status()).as("the gateway answered request %d\n%s", k, exchanges)
                    .isEqualTo(200);
            Optional<DroppingProxy.Exchange> repost = proxy.repostOf(k);

            if (k == 1) {
                // SyncEvolution does not resend a session's first message: the session fails ...
                assertThat(r.success()).as("a session whose first reply is lost fails\n%s", r).isFalse();
                assertThat(r.timedOut()).as("... promptly\n%s", r).isFalse();
                assertThat(repost).as("SyncEvolution never re-posts its first message\n%s", exchanges).isEmpty();
                assertThat(r.console()).as("console\n%s", r).contains("Transport giving up after 0 retries");
                // ... and the next one completes with the clean run's data
                proxy.reset();
                r = sync(label + " (next session)", a, scenario);
            }
            assertSuccess(r);
            if (k > 1) {
                assertThat(repost).as("the client re-posted request %d byte for byte\n%s", k, exchanges).isPresent();
                assertThat(repost.get().index()).as("the re-post directly follows\n%s", exchanges).isEqualTo(k + 1);
                assertThat(repost.get().dropped()).isFalse();
                assertThat(repost.get().replySha256())
                        .as("the gateway replays the reply it gave to request %d, byte for byte\n%s", k, exchanges)
                        .isEqualTo(ex.get(k - 1).replySha256());
                assertThat(r.console()).as("SyncEvolution reports the resend\n%s", r)
                        .contains("resend previous message, retry #1");
            }
            SyncResult.SourceResult s = r.source("contacts");
            assertThat(new long[] {s.remoteAdded(), s.remoteUpdated(), s.remoteRemoved()})
                    .as("sent added/updated/removed, as in a clean run\n%s", r).containsExactly(expectedSent);
            assertThat(new long[] {s.localAdded(), s.localUpdated(), s.localRemoved()})
                    .as("nothing comes back\n%s", r).containsExactly(0, 0, 0);
            assertThat(liveContacts(login)).as("live rows: no duplicates, nothing lost").isEqualTo(RESEND_CONTACTS);
            assertThat(files(a.contactsDir())).as("files on A").isEqualTo(RESEND_CONTACTS);

            proxy.reset();
            SyncResult again = sync(label + " (next two-way)", a, SyncMode.TWO_WAY);
            assertSuccess(again);
            assertThat(again.source("contacts").nothingTransferred())
                    .as("the next two-way transfers nothing (nothing was applied twice)\n%s", again).isTrue();

            SyncEvolutionClient b = client(name + "-b", login, c -> { });
            SyncResult down = sync(label + " (B)", b, SyncMode.REFRESH_FROM_SERVER);
            assertSuccess(down);
            assertThat(down.source("contacts").localAdded()).as("items B stored\n%s", down)
                    .isEqualTo(RESEND_CONTACTS);
            assertThat(VCards.compareDirs(a.contactsDir(), b.contactsDir())).as("A vs B, field by field").isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /**
     * The standard change set on generated contacts 1..n: contacts 1-3 edited (NOTE and cell phone), 4-5 deleted,
     * n+1 and n+2 added.
     */
    private static void applyChanges(Path dir, int n) {
        for (int i = 1; i <= 3; i++) {
            VCards.write(dir, i, VCards.vcard30(i, "2", String.format(Locale.ROOT, "+49 171 %07d", i)));
        }
        try {
            for (int i = 4; i <= 5; i++) {
                Files.delete(dir.resolve(VCards.fileName(i)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        VCards.writeRange(dir, n + 1, n + 2, VCards.Flavor.V30, "1");
    }

    private SyncEvolutionClient.Config.Builder baseConfig(String url, String login, String deviceId) {
        return SyncEvolutionClient.config(url).user(login).password(PASSWORD).deviceId("wp-" + deviceId)
                .auth(SyncEvolutionClient.Auth.MD5).wbxml(false).syncMlVersion("1.2").contactsFormat("text/vcard")
                .sources("contacts");
    }

    /** A fresh client of the gateway (XML, md5, SyncML 1.2, vCard 3.0 unless {@code customize} changes it). */
    private SyncEvolutionClient client(String name, String login,
                                       Consumer<SyncEvolutionClient.Config.Builder> customize) {
        SyncEvolutionClient.Config.Builder cfg = baseConfig(gateway.syncUrl(), login, name);
        customize.accept(cfg);
        return SyncEvolutionClient.fresh(GROUP, name).configure(cfg.build());
    }

    private SyncResult sync(String label, SyncEvolutionClient client, SyncMode mode) {
        SyncResult r = client.sync(mode, Map.of(), "contacts");
        log(label, client, mode.syncEvolutionName(), r);
        return r;
    }

    private void log(String label, SyncEvolutionClient client, String mode, SyncResult r) {
        System.out.printf(Locale.ROOT, "[%s] %s %s: exit=%d status=%s %d ms %s log=%s%n", GROUP,
                client.config().deviceId(), mode, r.exitCode(), r.status(), r.elapsed().toMillis(),
                r.sources().get("contacts"), r.sessionDir());
        SyncResult.SourceResult s = r.sources().get("contacts");
        timings.add(String.format(Locale.ROOT, "%-40s %-28s %-22s %7d ms  exit=%d status=%s%s", label,
                client.config().deviceId(), mode, r.elapsed().toMillis(), r.exitCode(), r.status(),
                s == null ? "" : String.format(Locale.ROOT, "  local(+%d ~%d -%d) remote(+%d ~%d -%d)",
                        s.localAdded(), s.localUpdated(), s.localRemoved(), s.remoteAdded(), s.remoteUpdated(),
                        s.remoteRemoved())));
    }

    private void assertSuccess(SyncResult r) {
        assertThat(r.success()).as("session should succeed\n%s\nmessages:\n%s\ngateway log: %s\n%s", r,
                r.sessionDir() == null ? "(none)" : SessionTrace.of(r), gateway.logFile(), gateway.logTail())
                .isTrue();
    }

    /**
     * Every message of the session used SyncML {@code version}, the client authenticated with md5, and the gateway
     * accepted that at once (no 401 and retry in a new SessionID). {@code previous} is the device's session before
     * (null for the first): a NextNonce of it whose bytes contain 0x00 is named as the cause of a 401, because
     * SyncEvolution keeps the nonce between sessions as a C string and digests only the bytes before the 0x00.
     */
    private static void assertVersionAndMd5(SyncResult r, String version, SyncResult previous) {
        SessionTrace t = SessionTrace.of(r);
        assertThat(t.messages()).as("messages of the session\n%s", r).isNotEmpty();
        for (SessionTrace.Message m : t.messages()) {
            if (!m.truncated()) {
                assertThat(m.verDtd()).as("VerDTD of %s\n%s", m.file().getFileName(), t).isEqualTo(version);
            }
        }
        assertThat(t.outgoing().get(0).credType()).as("credentials of the first message\n%s", t)
                .isEqualTo("syncml:auth-md5");
        String nonce = previous == null ? null : SessionTrace.of(previous).lastNextNonce();
        boolean nul = nonce != null && containsZero(Base64.getDecoder().decode(nonce));
        assertThat(t.commands(false, "Status").stream().filter(c -> "SyncHdr".equals(c.cmd()))
                .map(SessionTrace.Command::data))
                .as("the gateway's header statuses: the md5 login must succeed at once, no 401 and retry%s\n%s",
                        nul ? " -- CAUSE: the NextNonce of the previous session (" + nonce + ") contains a 0x00 byte;"
                                + " SyncEvolution stores the nonce as a C string and digests only the bytes before"
                                + " it. The gateway should issue nonces without 0x00 (see README)" : "", t)
                .allMatch(code -> code.equals("200") || code.equals("212"));
    }

    private long liveContacts(String login) {
        return db.count(ContactsInteropIT.LIVE_CONTACTS, login);
    }

    private static long files(Path dir) {
        return VCards.readDir(dir).size();
    }

    private static boolean containsZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    private static int firstDifference(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        int i = Arrays.mismatch(a, b);
        return i < 0 ? -1 : i < n ? i : n;
    }
}
