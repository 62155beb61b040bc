package io.syncgw.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Fault injection (issue 8, point 1) with the real SyncEvolution 2.0 client against {@code gateway/target/syncgw.jar}:
 * a {@link DroppingProxy} between client A and the gateway loses the request or the response at message k, for every
 * k of a session, for two-way, slow, refresh-from-server and refresh-from-client sessions whose data takes several
 * messages each way (60-75 contacts, client MaxMsgSize 10240). After the cut session, one more normal session (and a
 * third one, which must be a plain two-way that transfers nothing) client and server must hold exactly what an
 * uninterrupted run leaves: no item lost, none duplicated, no endless slow-sync loop.
 *
 * <h2>What runs</h2>
 *
 * For each mode ({@link Scenario}) one test method:
 * <ol>
 *   <li><b>Baseline</b>: a fresh account is brought into the mode's starting state, the session under test runs
 *       through the proxy without a cut. It must succeed and leave exactly the generated expectation (A's files field
 *       by field, the server's live rows, a second device refreshed from the server); its number of HTTP requests is
 *       N (a sanity bound keeps N at most {@value #MAX_REQUESTS}).</li>
 *   <li><b>Every cut point</b>: for each {@link Family}, each k in 1..N and each {@link DroppingProxy.Cut} (the request
 *       lost before the gateway, or the gateway's response lost after it applied the message) a fresh account is brought
 *       into the same starting state, the session runs with the cut, then A runs two-way twice. Checked: the second
 *       session succeeds (a 508 and a slow sync are allowed there: the anchors of a cut session may not match); the
 *       third is a plain two-way without 508 that transfers nothing (no slow-sync loop, nothing ping-pongs); the
 *       server's live rows equal the baseline's; A's files equal the baseline's field by field with no duplicate FN;
 *       a new device B refreshed from the server equals them too.</li>
 * </ol>
 * Every case is independent (own account, own devices, own proxy), so up to {@code syncgw.fault.parallel} (default
 * {@value #DEFAULT_PARALLEL}) run at once. A test method collects every failing case with its wire trace
 * ({@link SessionTrace} of the cut and the next session, the proxy's exchanges) and the gateway's log lines of that
 * device before it fails, and prints a table (mode, family, k, cut, outcome of the cut session, mode of the next
 * session, result, time); the tables also go to {@code interop/target/FaultInjectionInteropIT-results.txt}.
 *
 * <h2>The two families</h2>
 *
 * As in SyncEvolution's own client tests ({@code testInterruptResume*} and {@code testResend*}):
 * <ul>
 *   <li>{@link Family#INTERRUPT}: A runs with {@code RetryInterval=0}, so it never re-posts; the session ends at the
 *       cut, at every k, and the next sessions must repair whatever state it left.</li>
 *   <li>{@link Family#RESEND}: A runs with {@code RetryInterval=3} / {@code RetryDuration=15}: it re-posts the
 *       message after 3 s, so for k &ge; 2 the session must complete as if nothing happened (a lost request is then
 *       seen by the gateway for the first time; a lost response is answered by replaying the reply). SyncEvolution
 *       never re-posts the first message of a session, so k = 1 of this family is the same as in
 *       {@link Family#INTERRUPT} and is not run twice.</li>
 * </ul>
 *
 * <h2>Anchor commits and the one window that cannot be closed</h2>
 *
 * The gateway applies each client message's modifications, mapping changes and resume checkpoint in one database
 * transaction with that message (nothing half-written). The session's anchors (the client's Next anchor and the
 * server's) are committed only with the message that completes the session: the client's final message of the map
 * phase ({@code SessionMachine.packageEnded}, stage MAP), in the same transaction as its Map items. A session cut
 * before that leaves the previous anchors in place, so the next session's Last anchor still matches and it runs
 * two-way (or resumes with Alert 225); whatever the cut session did apply is recognised by its mappings (an Add of a
 * LUID already mapped is not stored twice; a Delete of an item already gone is answered 211).
 *
 * <p>The window: when the reply to the completing message is lost, the server has committed the new anchors but the
 * client never learns that the session completed, keeps its old anchors and sends the old Last anchor next time. The
 * server cannot tell "the client missed my last reply" from "the client is out of date", so it keeps the previous
 * client anchor too ({@code client_prev}) and accepts either ({@code Negotiation.negotiate}); only an anchor that is
 * neither leads to 508 and a slow sync. The cost of the window is that the client resends changes it had already sent
 * (applied again idempotently, matched by their mappings), never a lost or duplicated item. A client re-posting the
 * completing message (the {@link Family#RESEND} family) gets the stored reply replayed instead.
 *
 * <p>How SyncEvolution meets the window (k = N, response lost): having lost the final reply it asks to resume the
 * session (Alert 225, carrying its old Last anchor). The gateway has no checkpoint any more (the session completed),
 * refuses the resume (509) and negotiates on the Last anchor, which is the previous one. The client then also checks
 * the server's Last anchor in the server's Alert against the one it saved: unless the server sends its previous
 * anchor there too, the client answers 508 and runs a slow sync ("Switched to SlowSync because of Anchor mismatch").
 * The suite allows that slow sync in the session after the cut and requires the session after it to be a plain
 * two-way.
 *
 * <p>Other SyncEvolution behaviour the cases rely on (seen in their logs): a session cut after the gateway's first
 * reply is resumed by the client on its own (Alert 225) whatever mode the next run asks for; a cut before that reply
 * is not (the client never learnt of the session). refresh-from-local and a device's first slow sync are "first time
 * syncs": the client keeps no anchors until they complete. A server item whose pending Map the client still holds is
 * answered 418 (already exists) when sent again; one whose Map the server had acknowledged is stored again as new.
 * A client resuming refresh-from-local refuses a server Alert of a mode that writes to it (201 after 509) with 403
 * ("From-Client only: Server may not alert mode that writes client data"): so the gateway keeps the checkpoint of a
 * completed refresh from the client until the device's next session, and a client that lost the final reply resumes
 * it (nothing left to send) instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultInjectionInteropIT {

    private static final String GROUP = FaultInjectionInteropIT.class.getSimpleName();
    private static final String PASSWORD = "Fi-pass-1";
    /** SyncEvolution's smallest MaxMsgSize: the gateway's replies to A stay at or below it. */
    private static final int SMALL_MSG = 10240;
    /** A session under test with more requests than this is too long for the time budget (every k is run). */
    private static final int MAX_REQUESTS = 8;
    private static final int DEFAULT_PARALLEL = 4;
    private static final int PARALLEL = Integer.getInteger("syncgw.fault.parallel", DEFAULT_PARALLEL);
    /** Keep the client directories of passing cases too (they are deleted to save disk space otherwise). */
    private static final boolean KEEP = Boolean.getBoolean("syncgw.fault.keep");
    /** After a 503 (device busy) the next session is retried this often, this far apart, to see the data. */
    private static final int BUSY_RETRIES = 8;
    private static final long BUSY_WAIT_MS = 5000;

    /** How client A reacts to the cut. */
    enum Family {
        /** {@code RetryInterval=0}: no re-post, the session ends at the cut. */
        INTERRUPT("0", "0"),
        /** {@code RetryInterval=3}, {@code RetryDuration=15}: the message is re-posted after 3 s. */
        RESEND("3", "15");

        final String retryInterval;
        final String retryDuration;

        Family(String retryInterval, String retryDuration) {
            this.retryInterval = retryInterval;
            this.retryDuration = retryDuration;
        }
    }

    /** The session under test and its starting state (see each {@code prepare...} method). */
    enum Scenario {
        TWO_WAY(SyncMode.TWO_WAY, SyncMode.TWO_WAY, "2w"),
        SLOW(SyncMode.SLOW, SyncMode.TWO_WAY, "slow"),
        REFRESH_FROM_SERVER(SyncMode.REFRESH_FROM_SERVER, SyncMode.TWO_WAY, "rfs"),
        /**
         * The session after the cut repeats the refresh: SyncEvolution starts refresh-from-local as a "first time
         * sync from client" and drops its own anchors and change tracking with it, so after a cut before the gateway
         * answered (k = 1) its next two-way is a first-time slow sync whose defined result is the union of both sides
         * (A's deletions come back). Repeating the refresh is what its user does; from k = 2 on SyncEvolution resumes
         * it by itself (Alert 225).
         */
        REFRESH_FROM_CLIENT(SyncMode.REFRESH_FROM_CLIENT, SyncMode.REFRESH_FROM_CLIENT, "rfc");

        final SyncMode mode;
        final SyncMode followUp;
        final String tag;

        Scenario(SyncMode mode, SyncMode followUp, String tag) {
            this.mode = mode;
            this.followUp = followUp;
            this.tag = tag;
        }
    }

    private TestDatabase db;
    private Gateway gateway;
    private final List<String> tables = Collections.synchronizedList(new ArrayList<>());
    private long classStart;

    @BeforeAll
    void startGateway() {
        InteropEnv.require("syncevolution");
        SyncEvolutionClient.curlFixLibrary();
        Gateway.jar();
        classStart = System.nanoTime();
        db = TestDatabase.get();
        gateway = Gateway.startWithDbUrl(GROUP, db.r2dbcUrl());
    }

    @AfterAll
    void stopGatewayAndReport() throws IOException {
        if (gateway != null) {
            gateway.stop();
        }
        String all = String.join("\n\n", tables) + String.format(Locale.ROOT, "%n%ntotal time of the class: %.1f s%n",
                (System.nanoTime() - classStart) / 1e9);
        System.out.println("[" + GROUP + "] results:\n" + all);
        Files.writeString(InteropEnv.buildDir().resolve(GROUP + "-results.txt"), all, StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(1800)
    void twoWay() {
        runMatrix(Scenario.TWO_WAY);
    }

    @Test
    @Timeout(1800)
    void slow() {
        runMatrix(Scenario.SLOW);
    }

    @Test
    @Timeout(1800)
    void refreshFromServer() {
        runMatrix(Scenario.REFRESH_FROM_SERVER);
    }

    @Test
    @Timeout(1800)
    void refreshFromClient() {
        runMatrix(Scenario.REFRESH_FROM_CLIENT);
    }

    // ------------------------------------------------------------------------------------------------- the matrix

    private void runMatrix(Scenario sc) {
        long t0 = System.nanoTime();
        Path expected = expectedDir(sc);

        Case base = new Case(sc, Family.INTERRUPT, 0, null);
        runCase(base, expected, -1);
        assertThat(base.problems).as("the uninterrupted %s run must give the expected state; without it the cut"
                + " points cannot be judged:\n%s", sc, String.join("\n", base.problems)).isEmpty();
        int n = base.requests;
        long expectedRows = base.liveRows;
        assertThat(n).as("requests of the uninterrupted %s session (every k is run: keep the session short)", sc)
                .isBetween(2, MAX_REQUESTS);

        List<Case> cases = new ArrayList<>();
        for (Family f : families()) {
            for (int k = 1; k <= n; k++) {
                if (f == Family.RESEND && k == 1) {
                    continue; // SyncEvolution never re-posts a session's first message: the same as INTERRUPT k=1
                }
                if (!ks().isEmpty() && !ks().contains(k)) {
                    continue;
                }
                for (DroppingProxy.Cut cut : DroppingProxy.Cut.values()) {
                    cases.add(new Case(sc, f, k, cut));
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, PARALLEL), r -> {
            Thread t = new Thread(r, "fault-case");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Case c : cases) {
                running.add(pool.submit(() -> runCase(c, expected, expectedRows)));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a case crashed the harness", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        List<Case> all = new ArrayList<>();
        all.add(base);
        all.addAll(cases);
        String table = table(sc, n, all, (System.nanoTime() - t0) / 1_000_000);
        tables.add(table);
        System.out.println("[" + GROUP + "] " + table);
        List<Case> failed = cases.stream().filter(c -> !c.problems.isEmpty()).collect(Collectors.toList());
        String details = failed.stream().map(Case::report).collect(Collectors.joining("\n\n"));
        assertThat(failed).as("%d of %d cut points of %s failed:\n%s\n\n%s", failed.size(), cases.size(), sc, table,
                details).isEmpty();
    }

    /**
     * One case: a fresh account in the scenario's starting state, the session under test (cut at request k unless
     * {@code k == 0}), then two-way, two-way, and the checks. Never throws: whatever goes wrong is a problem of the
     * case.
     */
    private void runCase(Case c, Path expected, long expectedRows) {
        long t0 = System.nanoTime();
        try (DroppingProxy proxy = DroppingProxy.start(gateway.baseUri())) {
            Gateway.AdminAnswer created = gateway.admin("POST", "/api/users",
                    "{\"login\": \"" + c.login + "\", \"password\": \"" + PASSWORD + "\"}");
            if (created.status() != 201) {
                c.problem("creating account " + c.login + " failed: " + created);
                return;
            }
            SyncEvolutionClient a = client(c, "a", proxy.syncUrl(), 4, b -> b
                    .set("RetryInterval", c.family.retryInterval).set("RetryDuration", c.family.retryDuration));
            c.deviceA = a.config().deviceId();
            c.clients.add(a);
            prepare(c, a);

            // the session under test
            if (c.k > 0) {
                proxy.cut(c.k, c.cut);
            } else {
                proxy.reset();
            }
            SyncResult cutSession = sync(c, a, c.scenario.mode);
            c.exchanges = proxy.describe();
            List<DroppingProxy.Exchange> ex = proxy.exchanges();
            proxy.reset();
            c.requests = ex.size();
            c.cutTrace = traceOf(cutSession);
            c.interrupted = outcome(cutSession, ex, c);
            if (c.k == 0) {
                if (!cutSession.success()) {
                    c.problem("the uninterrupted session failed: " + cutSession);
                    return;
                }
            } else {
                checkCut(c, cutSession, ex);
            }

            // one more normal session, and a third that must be plain
            String followUp = c.scenario.followUp.syncEvolutionName();
            SyncResult next = syncOutwaitingBusy(c, a, c.scenario.followUp, "the next session (" + followUp + ")");
            c.nextTrace = traceOf(next);
            c.next = c.busyNote + modeOf(next);
            if (!next.success()) {
                c.problem("the next session (" + followUp + ") failed: " + next);
                // a failure of the case; one more attempt shows whether A recovers by itself or stays stuck, and
                // the checks below then say what the data looks like
                SyncResult again = syncOutwaitingBusy(c, a, c.scenario.followUp, "the attempt after it");
                c.next = c.next + ", then " + c.busyNote + modeOf(again);
                c.nextTrace = c.nextTrace + "\n--- the attempt after it:\n" + traceOf(again);
                if (!again.success()) {
                    c.problem("... and the attempt after it failed as well: " + again);
                }
            }
            SyncResult third = syncOutwaitingBusy(c, a, SyncMode.TWO_WAY, "the third session");
            c.third = c.busyNote + modeOf(third);
            SyncResult.SourceResult s3 = third.sources().get("contacts");
            if (!third.success() || s3 == null) {
                c.problem("the third session failed: " + third);
            } else if (!"two-way".equals(s3.mode()) || refreshRequired(third)) {
                c.problem("the third session must be a plain two-way (no 508, no slow sync: no slow-sync loop), was "
                        + c.third + "\n" + traceOf(third));
            } else if (!s3.nothingTransferred()) {
                c.problem("the third session must transfer nothing (everything was in sync), it did: " + s3
                        + "\n" + traceOf(third));
            }

            // the end state
            c.liveRows = liveContacts(c.login);
            if (expectedRows >= 0 && c.liveRows != expectedRows) {
                c.problem("server live rows " + c.liveRows + ", the uninterrupted run left " + expectedRows);
            }
            List<String> diffA = VCards.compareDirs(expected, a.contactsDir());
            if (!diffA.isEmpty()) {
                c.problem("A's contacts differ from the uninterrupted run's (" + diffA.size() + "):\n  "
                        + String.join("\n  ", diffA.subList(0, Math.min(20, diffA.size()))));
            }
            long files = VCards.readDir(a.contactsDir()).size();
            long expectedFiles = VCards.readDir(expected).size();
            if (files != expectedFiles) {
                c.problem("A holds " + files + " contacts, the uninterrupted run left " + expectedFiles);
            }
            if (c.k == 0 && c.liveRows != expectedFiles) {
                c.problem("server live rows " + c.liveRows + " after the uninterrupted run, expected " + expectedFiles);
            }
            SyncEvolutionClient b = client(c, "b", gateway.syncUrl(), 2, x -> { });
            c.clients.add(b);
            SyncResult down = sync(c, b, SyncMode.REFRESH_FROM_SERVER);
            if (!down.success()) {
                c.problem("device B's refresh-from-server failed: " + down);
            } else {
                List<String> diffB = VCards.compareDirs(expected, b.contactsDir());
                if (!diffB.isEmpty()) {
                    c.problem("the server's contacts (refreshed to B) differ from the uninterrupted run's ("
                            + diffB.size() + "):\n  " + String.join("\n  ", diffB.subList(0, Math.min(20,
                            diffB.size()))));
                }
            }
        } catch (SetupFailed e) {
            c.problem("setup: " + e.getMessage());
        } catch (RuntimeException | AssertionError e) {
            c.problem("harness error: " + e);
        } finally {
            c.millis = (System.nanoTime() - t0) / 1_000_000;
            if (!c.problems.isEmpty()) {
                c.gatewayLog = gatewayLines(c.deviceA);
            } else if (!KEEP && c.k > 0) {
                c.clients.forEach(x -> InteropEnv.deleteRecursively(x.dir()));
            }
        }
    }

    /** Checks that the cut happened as armed and that the client reacted as its family says. */
    private static void checkCut(Case c, SyncResult r, List<DroppingProxy.Exchange> ex) {
        if (ex.size() < c.k || !ex.get(c.k - 1).dropped()) {
            c.problem("cut point not reached: the session made " + ex.size() + " requests (the baseline made more)");
            return;
        }
        if (c.cut == DroppingProxy.Cut.RESPONSE && ex.get(c.k - 1).status() != 200) {
            c.problem("the gateway answered request " + c.k + " with HTTP " + ex.get(c.k - 1).status());
        }
        boolean reposted = ex.size() > c.k && ex.get(c.k).requestSha256().equals(ex.get(c.k - 1).requestSha256());
        if (c.family == Family.INTERRUPT || c.k == 1) {
            if (r.success()) {
                c.problem("the cut session succeeded although A does not re-post (RetryInterval=0 / first message)");
            }
            if (reposted) {
                c.problem("A re-posted although it should not have");
            }
        } else {
            if (!reposted) {
                c.problem("A did not re-post request " + c.k + " (RetryInterval=3)");
            } else if (c.cut == DroppingProxy.Cut.RESPONSE
                    && !ex.get(c.k).replySha256().equals(ex.get(c.k - 1).replySha256())) {
                c.problem("the gateway did not replay its reply to the re-posted request " + c.k
                        + " byte for byte (it must answer a resend with the reply it gave, not apply it again)");
            }
            if (!r.success()) {
                c.problem("the session with a re-posted message " + c.k + " failed: " + r);
            }
        }
    }

    // --------------------------------------------------------------------------------------- starting states

    private void prepare(Case c, SyncEvolutionClient a) {
        switch (c.scenario) {
            case TWO_WAY -> prepareTwoWay(c, a);
            case SLOW -> prepareSlow(c, a);
            case REFRESH_FROM_SERVER -> prepareRefreshFromServer(c, a);
            case REFRESH_FROM_CLIENT -> prepareRefreshFromClient(c, a);
        }
    }

    /**
     * A uploads contacts 1-60 (slow); device C downloads them, edits 31-45, deletes 46-50, adds 101-110 and sends that
     * (two-way); then A edits 1-15, deletes 16-20 and adds 61-70. The two-way under test sends A's 30 changes (two
     * messages) and brings C's 30 (three or four replies at 10 KB). Expected: 70 contacts.
     */
    private void prepareTwoWay(Case c, SyncEvolutionClient a) {
        VCards.writeAll(a.contactsDir(), 60, VCards.Flavor.V30, "1");
        setup(c, a, SyncMode.SLOW);
        SyncEvolutionClient other = client(c, "c", gateway.syncUrl(), 2, x -> { });
        c.clients.add(other);
        setup(c, other, SyncMode.REFRESH_FROM_SERVER);
        Map<String, VCards.Contact> onC = VCards.byFn(other.contactsDir());
        for (int i = 31; i <= 45; i++) {
            VCards.writeFile(fileOf(onC, i), VCards.vcard30(i, "c2", cell(172, i)));
        }
        for (int i = 46; i <= 50; i++) {
            delete(fileOf(onC, i));
        }
        VCards.writeRange(other.contactsDir(), 101, 110, VCards.Flavor.V30, "1");
        setup(c, other, SyncMode.TWO_WAY);
        for (int i = 1; i <= 15; i++) {
            VCards.write(a.contactsDir(), i, VCards.vcard30(i, "a2", cell(171, i)));
        }
        for (int i = 16; i <= 20; i++) {
            delete(a.contactsDir().resolve(VCards.fileName(i)));
        }
        VCards.writeRange(a.contactsDir(), 61, 70, VCards.Flavor.V30, "1");
    }

    /**
     * Device C uploads contacts 1-40; A, a new device holding 21-60 (21-40 the same as C's), runs its first sync,
     * slow: it sends 40 (two messages), the server matches 21-40, stores 41-60 and sends 1-20 (two or more replies).
     * Expected: 60 contacts.
     */
    private void prepareSlow(Case c, SyncEvolutionClient a) {
        SyncEvolutionClient other = client(c, "c", gateway.syncUrl(), 2, x -> { });
        c.clients.add(other);
        VCards.writeAll(other.contactsDir(), 40, VCards.Flavor.V30, "1");
        setup(c, other, SyncMode.SLOW);
        VCards.writeRange(a.contactsDir(), 21, 60, VCards.Flavor.V30, "1");
    }

    /**
     * Device C uploads contacts 1-60; A, a new device holding 1-10 (the same as C's), runs refresh-from-server: it
     * wipes its 10 and receives 60 (five or six replies at 10 KB). Expected: 60 contacts.
     */
    private void prepareRefreshFromServer(Case c, SyncEvolutionClient a) {
        SyncEvolutionClient other = client(c, "c", gateway.syncUrl(), 2, x -> { });
        c.clients.add(other);
        VCards.writeAll(other.contactsDir(), 60, VCards.Flavor.V30, "1");
        setup(c, other, SyncMode.SLOW);
        VCards.writeRange(a.contactsDir(), 1, 10, VCards.Flavor.V30, "1");
    }

    /**
     * A uploads contacts 1-60 (slow), then edits 1-15, deletes 16-20 and adds 61-75; refresh-from-client sends its 70
     * (three messages), the server drops what A no longer has. Expected: 70 contacts.
     */
    private void prepareRefreshFromClient(Case c, SyncEvolutionClient a) {
        VCards.writeAll(a.contactsDir(), 60, VCards.Flavor.V30, "1");
        setup(c, a, SyncMode.SLOW);
        for (int i = 1; i <= 15; i++) {
            VCards.write(a.contactsDir(), i, VCards.vcard30(i, "a2", cell(171, i)));
        }
        for (int i = 16; i <= 20; i++) {
            delete(a.contactsDir().resolve(VCards.fileName(i)));
        }
        VCards.writeRange(a.contactsDir(), 61, 75, VCards.Flavor.V30, "1");
    }

    /** What an uninterrupted session of the scenario must leave, generated (the baseline is checked against it). */
    private static Path expectedDir(Scenario sc) {
        Path dir = InteropEnv.buildDir().resolve("fault-expected").resolve(sc.name().toLowerCase(Locale.ROOT));
        InteropEnv.deleteRecursively(dir);
        switch (sc) {
            case TWO_WAY -> {
                for (int i = 1; i <= 15; i++) {
                    VCards.write(dir, i, VCards.vcard30(i, "a2", cell(171, i)));
                }
                VCards.writeRange(dir, 21, 30, VCards.Flavor.V30, "1");
                for (int i = 31; i <= 45; i++) {
                    VCards.write(dir, i, VCards.vcard30(i, "c2", cell(172, i)));
                }
                VCards.writeRange(dir, 51, 70, VCards.Flavor.V30, "1");
                VCards.writeRange(dir, 101, 110, VCards.Flavor.V30, "1");
            }
            case SLOW, REFRESH_FROM_SERVER -> VCards.writeAll(dir, 60, VCards.Flavor.V30, "1");
            case REFRESH_FROM_CLIENT -> {
                for (int i = 1; i <= 15; i++) {
                    VCards.write(dir, i, VCards.vcard30(i, "a2", cell(171, i)));
                }
                VCards.writeRange(dir, 21, 75, VCards.Flavor.V30, "1");
            }
        }
        return dir;
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** One case of the matrix; {@code k == 0} is the uninterrupted baseline. */
    private static final class Case {
        final Scenario scenario;
        final Family family;
        final int k;
        final DroppingProxy.Cut cut;
        final String name;
        final String login;
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        final List<SyncEvolutionClient> clients = new ArrayList<>();
        String deviceA = "";
        int requests;
        long liveRows = -1;
        String interrupted = "-";
        String next = "-";
        String third = "-";
        String exchanges = "";
        String cutTrace = "";
        String nextTrace = "";
        String gatewayLog = "";
        String busyNote = "";
        long millis;

        Case(Scenario scenario, Family family, int k, DroppingProxy.Cut cut) {
            this.scenario = scenario;
            this.family = family;
            this.k = k;
            this.cut = cut;
            this.name = k == 0 ? scenario.tag + "-base" : String.format(Locale.ROOT, "%s-%s%d-%s", scenario.tag,
                    family == Family.INTERRUPT ? "i" : "r", k, cut == DroppingProxy.Cut.REQUEST ? "req" : "resp");
            this.login = "fi-" + name;
        }

        void problem(String p) {
            problems.add(p);
        }

        @Override
        public String toString() {
            return label();
        }

        String label() {
            return k == 0 ? scenario + " baseline" : String.format(Locale.ROOT, "%s %s k=%d %s lost", scenario,
                    family, k, cut == DroppingProxy.Cut.REQUEST ? "request" : "response");
        }

        String report() {
            return "=== " + label() + " (account " + login + ", device " + deviceA + ")\n- "
                    + String.join("\n- ", problems) + "\ncut session: " + interrupted + "; next: " + next
                    + "; third: " + third + "\nproxy exchanges of the cut session:\n" + exchanges
                    + "\ncut session messages:\n" + cutTrace + "\nnext session messages:\n" + nextTrace
                    + "\ngateway log of " + deviceA + ":\n" + gatewayLog;
        }
    }

    /** Thrown when a session of the starting state fails: the case cannot be judged. */
    private static final class SetupFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SetupFailed(String message) {
            super(message);
        }
    }

    private void setup(Case c, SyncEvolutionClient client, SyncMode mode) {
        SyncResult r = sync(c, client, mode);
        if (!r.success()) {
            throw new SetupFailed(client.config().deviceId() + " " + mode.syncEvolutionName() + " failed: " + r);
        }
    }

    /**
     * A session of A; when the gateway refuses it with 503 (device busy: an earlier session still holds the device's
     * lease) that is recorded as a problem of the case, and the session is retried every {@value #BUSY_WAIT_MS} ms
     * (at most {@value #BUSY_RETRIES} times) so that the report still says what became of the data.
     * {@code c.busyNote} says whether that happened.
     */
    private SyncResult syncOutwaitingBusy(Case c, SyncEvolutionClient a, SyncMode mode, String what) {
        SyncResult r = sync(c, a, mode);
        c.busyNote = "";
        if (r.success() || !Integer.valueOf(503).equals(r.status())) {
            return r;
        }
        c.problem(what + " was refused with 503 (device busy: an earlier session still holds the device): " + r
                + "\n" + traceOf(r));
        long t0 = System.nanoTime();
        for (int attempt = 0; attempt < BUSY_RETRIES && !r.success() && Integer.valueOf(503).equals(r.status());
             attempt++) {
            sleep(BUSY_WAIT_MS);
            r = sync(c, a, mode);
        }
        c.busyNote = String.format(Locale.ROOT, "503 %.0fs, ", (System.nanoTime() - t0) / 1e9);
        return r;
    }

    private SyncEvolutionClient client(Case c, String role, String url, int loglevel,
                                       java.util.function.Consumer<SyncEvolutionClient.Config.Builder> customize) {
        String device = "fi-" + c.name + "-" + role;
        SyncEvolutionClient.Config.Builder cfg = SyncEvolutionClient.config(url).user(c.login).password(PASSWORD)
                .deviceId(device).auth(SyncEvolutionClient.Auth.MD5).wbxml(false).syncMlVersion("1.2")
                .contactsFormat("text/vcard").sources("contacts").maxMsgSize(SMALL_MSG).loglevel(loglevel);
        customize.accept(cfg);
        return SyncEvolutionClient.fresh(GROUP, c.name + "-" + role).configure(cfg.build());
    }

    private SyncResult sync(Case c, SyncEvolutionClient client, SyncMode mode) {
        SyncResult r = client.sync(mode, Map.of(), "contacts");
        System.out.printf(Locale.ROOT, "[%s] %s: %s %s exit=%d status=%s %d ms %s%n", GROUP, c.label(),
                client.config().deviceId(), mode.syncEvolutionName(), r.exitCode(), r.status(),
                r.elapsed().toMillis(), r.sources().get("contacts"));
        return r;
    }

    /** The cut session's outcome for the table, e.g. {@code failed 20043} or {@code ok, re-posted}. */
    private static String outcome(SyncResult r, List<DroppingProxy.Exchange> ex, Case c) {
        String base = r.success() ? "ok" : "failed " + (r.status() == null ? "exit " + r.exitCode() : r.status());
        if (c.k > 0 && ex.size() > c.k && ex.get(c.k).requestSha256().equals(ex.get(c.k - 1).requestSha256())) {
            base += ", re-posted";
        }
        return base + " (" + ex.size() + " req)";
    }

    /** The mode that ran, with "after 508" when the gateway refused the anchors. */
    private static String modeOf(SyncResult r) {
        SyncResult.SourceResult s = r.sources().get("contacts");
        String mode = s == null ? "?" : s.mode();
        return (refreshRequired(r) ? mode + " (508)" : mode) + (r.success() ? "" : " FAILED");
    }

    private static boolean refreshRequired(SyncResult r) {
        if (r.sessionDir() == null) {
            return false;
        }
        return SessionTrace.of(r).commands(false, "Status").stream()
                .anyMatch(s -> "Alert".equals(s.cmd()) && "508".equals(s.data()));
    }

    private static String traceOf(SyncResult r) {
        try {
            return r.sessionDir() == null ? "(no session dir)" : SessionTrace.of(r) + "\n" + r;
        } catch (RuntimeException e) {
            return "(cannot read the trace: " + e + ")";
        }
    }

    /** The gateway's log lines for a device (its last 80). */
    private String gatewayLines(String device) {
        if (device == null || device.isEmpty()) {
            return "";
        }
        try (Stream<String> lines = Files.lines(gateway.logFile(), StandardCharsets.UTF_8)) {
            List<String> mine = lines.filter(l -> l.contains("device=" + device + " ")).collect(Collectors.toList());
            return "(" + gateway.logFile() + ")\n" + String.join("\n", mine.subList(Math.max(0, mine.size() - 80),
                    mine.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + gateway.logFile() + ": " + e + ")";
        }
    }

    private static String table(Scenario sc, int n, List<Case> cases, long millis) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s: N = %d requests, %d cases, %.1f s%n",
                sc, n, cases.size() - 1, millis / 1000.0));
        sb.append(String.format(Locale.ROOT, "%-20s %-9s %2s %-8s %-28s %-26s %-10s %6s  %s%n", "mode", "family", "k",
                "lost", "cut session", "next session", "third", "time", "result"));
        for (Case c : cases) {
            sb.append(String.format(Locale.ROOT, "%-20s %-9s %2s %-8s %-28s %-26s %-10s %5.1fs  %s%n", sc,
                    c.k == 0 ? "baseline" : c.family, c.k == 0 ? "-" : Integer.toString(c.k),
                    c.k == 0 ? "-" : c.cut.name().toLowerCase(Locale.ROOT), c.interrupted, c.next, c.third,
                    c.millis / 1000.0, c.problems.isEmpty() ? "PASS" : "FAIL: " + firstLine(c.problems.get(0))));
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 120 ? line.substring(0, 117) + "..." : line;
    }

    private static Path fileOf(Map<String, VCards.Contact> byFn, int i) {
        VCards.Contact c = byFn.get(VCards.name(i).fn());
        if (c == null) {
            throw new SetupFailed("contact " + VCards.name(i).fn() + " not found on the device");
        }
        return c.file();
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String cell(int prefix, int i) {
        return String.format(Locale.ROOT, "+49 %d %07d", prefix, i);
    }

    private long liveContacts(String login) {
        return db.count(ContactsInteropIT.LIVE_CONTACTS, login);
    }

    /** {@code -Dsyncgw.fault.families=INTERRUPT,RESEND} (default both). */
    private static List<Family> families() {
        String p = System.getProperty("syncgw.fault.families", "");
        if (p.isBlank()) {
            return List.of(Family.values());
        }
        return Stream.of(p.split(",")).map(String::trim).map(s -> Family.valueOf(s.toUpperCase(Locale.ROOT)))
                .collect(Collectors.toList());
    }

    /** {@code -Dsyncgw.fault.ks=1,3} runs only those cut points (default all). */
    private static Set<Integer> ks() {
        String p = System.getProperty("syncgw.fault.ks", "");
        if (p.isBlank()) {
            return Set.of();
        }
        return Stream.of(p.split(",")).map(String::trim).map(Integer::valueOf).collect(Collectors.toSet());
    }
}
