package io.syncgw.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 6's cluster test: two gateway nodes on one PostgreSQL behind a real HAProxy running the shipped
 * {@code ops/haproxy/syncgw.cfg}, round-robin without stickiness, all on 127.0.0.1, with the real SyncEvolution.
 * <ol>
 *   <li>Sessions through the balancer succeed: their messages alternate between the nodes, and the node that does
 *       not hold a session forwards its messages to the one that does.</li>
 *   <li>The node holding a 500-contact slow sync is killed (SIGKILL) in the middle: the client's next session
 *       completes it, with exactly 500 contacts on the server, on the client and on a second device.</li>
 *   <li>A rolling restart (SIGTERM, drain, start again; then the other node) under a stream of sessions of two
 *       devices that keep adding contacts loses nothing: in the end the server and both devices hold every contact
 *       added, once.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterInteropIT {
    private static final String GROUP = ClusterInteropIT.class.getSimpleName();
    private static final String LOGIN = "cluster";
    private static final String PASSWORD = "Cluster-pass-1";
    private static final String LIVE = "select count(*) from item i join account a on a.id = i.account_id"
            + " where a.login = ? and i.datastore = 'contacts' and not i.deleted";
    private static final Pattern TOKEN = Pattern.compile("[?&]s=([a-z0-9]+)\\.");

    private TestDatabase db;
    private final int[] ports = new int[2];
    private final Gateway[] nodes = new Gateway[2];
    private HaProxy lb;

    @BeforeAll
    void startCluster() {
        InteropEnv.require("syncevolution");
        InteropEnv.require("haproxy");
        SyncEvolutionClient.curlFixLibrary();
        Gateway.jar();
        db = TestDatabase.get();
        for (int i = 0; i < 2; i++) {
            ports[i] = Gateway.reservePort();
            nodes[i] = startNode(i);
        }
        // one account per story: an account holds at most four devices
        for (String login : List.of(LOGIN, LOGIN + "-kill", LOGIN + "-roll")) {
            nodes[0].userAdd(login, PASSWORD);
        }
        lb = HaProxy.start(Gateway.reservePort(), ports[0], ports[1]);
    }

    private Gateway startNode(int i) {
        return Gateway.startNode(GROUP + "-node" + (char) ('a' + i), db.r2dbcUrl(), ports[i], "node" + (char) ('a' + i));
    }

    @AfterAll
    void stopCluster() {
        if (lb != null) {
            lb.close();
        }
        for (Gateway g : nodes) {
            if (g != null) {
                g.stop();
            }
        }
    }

    private SyncEvolutionClient client(String name, int maxMsgSize) {
        String login = name.startsWith("killed") ? LOGIN + "-kill" : name.startsWith("roll") ? LOGIN + "-roll"
                : LOGIN;
        return SyncEvolutionClient.fresh(GROUP, name).configure(SyncEvolutionClient.config(lb.syncUrl())
                .user(login).password(PASSWORD).deviceId("cl-" + name).auth(SyncEvolutionClient.Auth.MD5)
                .contactsFormat("text/vcard").sources("contacts").maxMsgSize(maxMsgSize)
                .set("RetryInterval", "5").set("RetryDuration", "30").build());
    }

    private long live() {
        return live(LOGIN);
    }

    private long live(String login) {
        return db.count(LIVE, login);
    }

    private static long files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertSuccess(SyncResult r) {
        assertThat(r.success()).as("session failed:\n%s", r).isTrue();
    }

    @Test
    @Order(1)
    void sessionsThroughTheBalancerSucceedWhicheverNodeGetsEachMessage() {
        SyncEvolutionClient a = client("a", 20_000);
        VCards.writeAll(a.contactsDir(), 150, VCards.Flavor.V30, "1");
        SyncResult up = a.sync(SyncMode.SLOW, "contacts");
        assertSuccess(up);
        assertThat(live()).isEqualTo(150);
        SyncEvolutionClient b = client("b", 20_000);
        SyncResult down = b.sync(SyncMode.REFRESH_FROM_SERVER, "contacts");
        assertSuccess(down);
        assertThat(files(b.contactsDir())).isEqualTo(150);
        assertThat(VCards.compareDirs(a.contactsDir(), b.contactsDir())).isEmpty();
        // round-robin spread each session's messages over both nodes, so each node forwarded messages of sessions
        // the other held (a session is only ever handled where it lives)
        String proxied;
        try {
            proxied = Files.readString(lb.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(proxied).contains("syncgw/node1").contains("syncgw/node2");
        assertThat(nodes[0].logTail() + nodes[1].logTail()).doesNotContain(" ERROR ");
        // clean up for the next test: this account starts empty again there
        try (Stream<Path> s = Files.list(a.contactsDir())) {
            for (Path f : s.toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertSuccess(a.sync(SyncMode.REFRESH_FROM_CLIENT, "contacts"));
        assertThat(live()).isZero();
    }

    @Test
    @Order(2)
    void theNodeHoldingASessionDiesAndTheNextSessionFinishesWithoutLossOrDuplicates() throws Exception {
        SyncEvolutionClient c = client("killed", 10_240);
        VCards.writeAll(c.contactsDir(), 500, VCards.Flavor.V30, "1");
        CompletableFuture<SyncResult> run = CompletableFuture.supplyAsync(() -> c.sync(SyncMode.SLOW, "contacts"));
        // the first reply's RespURI names the node that holds the session: kill that one after a few round trips
        int owner = awaitOwner(c, 4, Duration.ofSeconds(60));
        nodes[owner].kill();
        SyncResult cut = run.get();
        assertThat(cut.success()).as("the session whose node died cannot succeed\n%s", cut).isFalse();
        nodes[owner] = startNode(owner);
        SyncResult again = c.sync(SyncMode.TWO_WAY, "contacts");
        assertSuccess(again);
        assertThat(live(LOGIN + "-kill")).as("server after the next session").isEqualTo(500);
        assertThat(files(c.contactsDir())).isEqualTo(500);
        SyncEvolutionClient other = client("killed-b", 150_000);
        assertSuccess(other.sync(SyncMode.REFRESH_FROM_SERVER, "contacts"));
        assertThat(files(other.contactsDir())).isEqualTo(500);
        assertThat(VCards.compareDirs(c.contactsDir(), other.contactsDir())).isEmpty();
        assertSuccess(c.sync(SyncMode.TWO_WAY, "contacts"));
        assertThat(live(LOGIN + "-kill")).isEqualTo(500);
    }

    /** Waits until round trip {@code n} of the client's running session was dumped; the owner node's index. */
    private int awaitOwner(SyncEvolutionClient c, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> s = Files.walk(c.logsDir())) {
                List<Path> replies = s.filter(p -> p.getFileName().toString().matches(
                        "syncevolution-log_trm\\d+_\\d+_incoming\\.xml")).sorted().toList();
                if (replies.size() >= n) {
                    String first = Files.readString(replies.get(0));
                    Matcher m = TOKEN.matcher(first);
                    if (m.find()) {
                        return m.group(1).equals("nodea") ? 0 : 1;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // the log directory is being written: look again
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no reply dumped within " + timeout + " under " + c.logsDir());
    }

    @Test
    @Order(3)
    void aRollingRestartUnderAStreamOfSessionsLosesNothing() throws Exception {
        long before = live(LOGIN + "-roll");
        SyncEvolutionClient[] devices = {client("roll-1", 30_000), client("roll-2", 30_000)};
        for (SyncEvolutionClient d : devices) {
            assertSuccess(d.sync(SyncMode.SLOW, "contacts"));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger added = new AtomicInteger();
        AtomicInteger sessions = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<Void>> streams = new ArrayList<>();
        for (int d = 0; d < devices.length; d++) {
            SyncEvolutionClient dev = devices[d];
            int base = 10_000 * (d + 1);
            streams.add(CompletableFuture.runAsync(() -> {
                int next = base;
                while (!stop.get()) {
                    for (int k = 0; k < 3; k++) {
                        VCards.write(dev.contactsDir(), next, VCards.vcard30(next, "1"));
                        next++;
                        added.incrementAndGet();
                    }
                    SyncResult r = dev.sync(SyncMode.TWO_WAY, "contacts");
                    sessions.incrementAndGet();
                    if (!r.success()) {
                        failed.incrementAndGet(); // a retry-later or a cut session: the next one carries it on
                    }
                }
            }));
        }
        Thread.sleep(3_000);
        for (int i = 0; i < 2; i++) {
            assertThat(nodes[i].stop()).as("node %d exits 0 after draining", i).isZero();
            Thread.sleep(1_000);
            nodes[i] = startNode(i);
            Thread.sleep(3_000);
        }
        stop.set(true);
        for (CompletableFuture<Void> s : streams) {
            s.get();
        }
        // settle: each device syncs until a session succeeds, then once more to receive the other's last changes
        for (int round = 0; round < 2; round++) {
            for (SyncEvolutionClient d : devices) {
                SyncResult r = d.sync(SyncMode.TWO_WAY, "contacts");
                if (!r.success()) {
                    r = d.sync(SyncMode.TWO_WAY, "contacts");
                }
                assertSuccess(r);
            }
        }
        long expected = before + added.get();
        System.out.printf(Locale.ROOT, "[%s] rolling restart: %d sessions (%d not successful), %d contacts added%n",
                GROUP, sessions.get(), failed.get(), added.get());
        assertThat(sessions.get()).as("sessions during the restarts").isGreaterThan(4);
        assertThat(live(LOGIN + "-roll")).as("server").isEqualTo(expected);
        for (SyncEvolutionClient d : devices) {
            assertThat(files(d.contactsDir())).as("device %s", d.dir()).isEqualTo(expected);
        }
        assertThat(VCards.compareDirs(devices[0].contactsDir(), devices[1].contactsDir())).isEmpty();
    }
}
