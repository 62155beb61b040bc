package io.syncgw.persistence.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.persistence.Connections;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.account.AccountSummary;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** {@link EmbeddedDatabase} on a data directory of its own: restarts, a second user, durability settings. */
class EmbeddedDatabaseIT {

    private static final Duration T = Duration.ofSeconds(60);

    private Path dir;

    @BeforeEach
    void dataDir() {
        dir = TestPostgres.tempDir("syncgw-embedded-");
    }

    @AfterEach
    void cleanUp() {
        TestPostgres.deleteTree(dir);
    }

    @Test
    void dataSurvivesARestartAndASecondUserSharesTheRunningServer() throws Exception {
        FileTime created;
        try (EmbeddedDatabase first = EmbeddedDatabase.start(dir)) {
            assertThat(first.startedHere()).isTrue();
            assertThat(dir.resolve("postgres/PG_VERSION")).exists();
            created = Files.getLastModifiedTime(dir.resolve("postgres/PG_VERSION"));
            try (Database db = Database.open(first.config())) {
                new Migrator(db.connectionFactory()).migrate().block(T);
                new AccountAdmin(db.connectionFactory(), new PasswordHasher(1_000)).add("alice", "pw").block(T);
                List<String> settings = settings(db, "fsync", "synchronous_commit", "listen_addresses",
                        "server_version");
                assertThat(settings.subList(0, 3)).containsExactly("on", "on", "127.0.0.1");
                assertThat(settings.get(3)).startsWith("17.");
            }
            if (isRoot()) {
                // zonky runs PostgreSQL in a user namespace of its own when started as root (unshare -U)
                long pid = PostmasterPid.read(dir.resolve("postgres")).orElseThrow().pid();
                assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/user")))
                        .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/user")));
            }

            // a second user in this JVM finds the running server instead of starting another
            try (EmbeddedDatabase second = EmbeddedDatabase.start(dir)) {
                assertThat(second.startedHere()).isFalse();
                assertThat(second.port()).isEqualTo(first.port());
                assertThat(logins(second)).contains("alice");
            }
            // and a second process (the CLI next to a running gateway)
            assertThat(runAttach()).isEqualTo("port=" + first.port() + " startedHere=false");
            assertThat(logins(first)).as("still running after the others closed").contains("alice");
        }
        assertThat(dir.resolve("postgres/postmaster.pid")).as("stopped by its starter").doesNotExist();

        // restart: same cluster, no new initdb, data still there
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dir)) {
            assertThat(again.startedHere()).isTrue();
            assertThat(Files.getLastModifiedTime(dir.resolve("postgres/PG_VERSION"))).isEqualTo(created);
            assertThat(logins(again)).contains("alice");
        }
    }

    @Test
    void aSecondProcessWithoutARunningServerStartsAndStopsItsOwn() throws Exception {
        assertThat(runAttach()).matches("port=[0-9]+ startedHere=true");
        assertThat(dir.resolve("postgres/postmaster.pid")).doesNotExist();
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir)) {
            assertThat(db.startedHere()).isTrue();
        }
    }

    @Test
    void aStalePidFileOfACrashedServerDoesNotFoolIt() throws IOException {
        try (EmbeddedDatabase first = EmbeddedDatabase.start(dir)) {
            assertThat(first.startedHere()).isTrue();
        }
        // what a crash leaves behind: postmaster.pid with a pid that is not running
        Files.writeString(dir.resolve("postgres/postmaster.pid"), "999999999\n" + dir.resolve("postgres")
                + "\n1700000000\n5999\n\n127.0.0.1\n  1234  5678\nready\n", StandardCharsets.UTF_8);
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dir)) {
            assertThat(again.startedHere()).isTrue();
            assertThat(again.port()).isNotEqualTo(5999);
        }
    }

    private String runAttach() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                AttachMain.class.getName(), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> l.startsWith("port=")).findFirst().orElse(out);
    }

    private static List<String> logins(EmbeddedDatabase pg) {
        try (Database db = Database.open(pg.config())) {
            return new AccountAdmin(db.connectionFactory(), new PasswordHasher(1_000)).list()
                    .map(AccountSummary::login).collectList().block(T);
        }
    }

    private static List<String> settings(Database db, String... names) {
        return Flux.fromArray(names).concatMap(n -> Connections.withConnection(db.connectionFactory(),
                c -> Flux.from(c.createStatement("show " + n).execute())
                        .concatMap(r -> r.map(row -> Objects.requireNonNull(row.get(0, String.class)))).next()))
                .collectList().block(T);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
