package io.syncgw.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 6: SIGTERM while a real SyncEvolution client runs a 500-contact slow sync. The gateway drains (new sessions
 * get "retry later", the session in flight keeps being served for the grace period) and exits 0; the session either
 * completes within the grace or the client's next session finishes it. Either way the server ends with exactly 500
 * contacts and a second device receives exactly those.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LifecycleInteropIT {
    private static final String GROUP = LifecycleInteropIT.class.getSimpleName();
    private static final String LOGIN = "lifecycle";
    private static final String PASSWORD = "Lifecycle-pass-1";
    private static final String LIVE = "select count(*) from item i join account a on a.id = i.account_id"
            + " where a.login = ? and i.datastore = 'contacts' and not i.deleted";

    private TestDatabase db;
    private int port;
    private Gateway gateway;

    @BeforeAll
    void start() {
        InteropEnv.require("syncevolution");
        SyncEvolutionClient.curlFixLibrary();
        Gateway.jar();
        db = TestDatabase.get();
        port = Gateway.reservePort();
        gateway = Gateway.startNode(GROUP, db.r2dbcUrl(), port, "lifecycle");
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    private SyncEvolutionClient client(String name, int maxMsgSize, String login) {
        return SyncEvolutionClient.fresh(GROUP, name).configure(SyncEvolutionClient.config(gateway.syncUrl())
                .user(login).password(PASSWORD).deviceId("lc-" + name).auth(SyncEvolutionClient.Auth.MD5)
                .contactsFormat("text/vcard").sources("contacts").maxMsgSize(maxMsgSize).build());
    }

    private static long files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until at least {@code n} replies of the client's running session were dumped. */
    private static void awaitReplies(SyncEvolutionClient c, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> s = Files.walk(c.logsDir())) {
                List<Path> replies = s.filter(p -> p.getFileName().toString().matches(
                        "syncevolution-log_trm\\d+_\\d+_incoming\\.xml")).toList();
                if (replies.size() >= n) {
                    return;
                }
            } catch (IOException | UncheckedIOException e) {
                // being written: look again
            }
            Thread.sleep(50);
        }
        throw new AssertionError("fewer than " + n + " replies within " + timeout);
    }

    @Test
    void sigtermDuringA500ContactSlowSyncLosesNothing() throws Exception {
        sigtermDuringSlowSync("a", "20s", null);
    }

    /** With no grace at all the session is cut off; the client's next session finishes the work. */
    @Test
    void sigtermWithoutGraceCutsTheSessionAndTheNextOneFinishesIt() throws Exception {
        sigtermDuringSlowSync("c", "0s", false);
    }

    private void sigtermDuringSlowSync(String name, String grace, Boolean expectCompleted) throws Exception {
        gateway.stop();
        gateway = Gateway.startNode(GROUP, db.r2dbcUrl(), port, "lifecycle", grace);
        String login = LOGIN + "-" + name;
        gateway.userAdd(login, PASSWORD);
        SyncEvolutionClient a = client(name, 10_240, login);
        VCards.writeAll(a.contactsDir(), 500, VCards.Flavor.V30, "1");
        CompletableFuture<SyncResult> run = CompletableFuture.supplyAsync(() -> a.sync(SyncMode.SLOW, "contacts"));
        awaitReplies(a, 3, Duration.ofSeconds(60));
        long t0 = System.nanoTime();
        assertThat(gateway.stop()).as("exit status after SIGTERM and drain").isZero();
        long drainMillis = (System.nanoTime() - t0) / 1_000_000;
        SyncResult during = run.get();
        System.out.printf("[%s] SIGTERM (grace %s): drained and exited in %d ms; the session %s%n", GROUP, grace,
                drainMillis, during.success() ? "completed within the grace period" : "was cut off: "
                        + during.status());
        assertThat(gateway.logTail()).contains("draining");
        if (expectCompleted != null) {
            assertThat(during.success()).as("session completed\n%s", during).isEqualTo(expectCompleted);
        }

        gateway = Gateway.startNode(GROUP, db.r2dbcUrl(), port, "lifecycle", grace);
        SyncResult next = a.sync(SyncMode.TWO_WAY, "contacts");
        assertThat(next.success()).as("the next session\n%s", next).isTrue();
        assertThat(db.count(LIVE, login)).as("server").isEqualTo(500);
        assertThat(files(a.contactsDir())).isEqualTo(500);
        SyncEvolutionClient b = client(name + "-b", 150_000, login);
        SyncResult down = b.sync(SyncMode.REFRESH_FROM_SERVER, "contacts");
        assertThat(down.success()).as("second device\n%s", down).isTrue();
        assertThat(files(b.contactsDir())).isEqualTo(500);
        assertThat(VCards.compareDirs(a.contactsDir(), b.contactsDir())).isEmpty();
    }
}
