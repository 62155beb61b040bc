package io.syncgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncgw.codec.model.AlertCode;
import io.syncgw.engine.testing.Cards;
import io.syncgw.engine.testing.TestClient;
import io.syncgw.gateway.http.HttpTransport;
import io.syncgw.gateway.testing.TcpCut;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8: PostgreSQL goes away in the middle of a session (every connection cut, new ones refused) and comes back.
 * The session's next message gets SyncML 503 (retry later) with nothing of it written, {@code /readyz} says 503
 * while the database is away, and once it is back the gateway serves again by itself: the client's next session
 * finishes the work, with every item exactly once.
 */
class DatabaseOutageIT {
    private static DatabaseConfig direct;
    private static TcpCut cut;
    private static Database database;
    private static Gateway gateway;
    private static String base;

    @BeforeAll
    static void start() {
        direct = TestPostgres.freshDatabase();
        try (Database setup = Database.open(direct)) {
            new Migrator(setup.connectionFactory()).migrate().block(Duration.ofMinutes(1));
            new AccountAdmin(setup).add("dora", "s3cret").block(Duration.ofSeconds(30));
        }
        cut = new TcpCut(direct.port());
        DatabaseConfig proxied = DatabaseConfig.of("127.0.0.1", cut.port(), direct.database(), direct.user(),
                direct.password());
        database = Database.open(proxied);
        gateway = Gateway.start(Gateway.Settings.loopback(0), database);
        base = "http://127.0.0.1:" + gateway.port();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        database.close();
        cut.close();
    }

    private static long live() {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + direct.port() + "/"
                + direct.database() + "?user=" + direct.user()); PreparedStatement ps = c.prepareStatement(
                "select count(*) from item i join account a on a.id = i.account_id where a.login = 'dora'"
                        + " and i.datastore = 'contacts' and not i.deleted"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int readyz() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/readyz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theDatabaseGoesAwayMidSessionAndComesBack() throws Exception {
        TestClient a = new TestClient("outage-a", "dora", "s3cret");
        for (int i = 1; i <= 40; i++) {
            a.addLocal("c" + i, Cards.v30(i, 1));
        }
        a.maxItemsPerMessage = 10;
        HttpTransport http = new HttpTransport(base + "/sync");
        int[] exchanges = {0};
        TestClient.Transport cutAfterFirst = message -> {
            if (++exchanges[0] == 3) {
                cut.cut(); // two messages applied, then the database is gone
            }
            return http.exchange(message);
        };
        TestClient.Result r = a.syncOver(AlertCode.SLOW_SYNC, cutAfterFirst);
        assertThat(r.completed).isFalse();
        // the message that met the outage is answered 503 (retry later); the session is over (this test client
        // goes on posting, and gets 500 "command failed" for the rest)
        assertThat(r.replies.stream().flatMap(m -> m.commands().stream())
                .filter(c -> c instanceof io.syncgw.codec.model.Status s && s.cmd().equals("SyncHdr"))
                .map(c -> ((io.syncgw.codec.model.Status) c).code())).contains(503);
        assertThat(readyz()).isEqualTo(503);

        cut.restore();
        long waited = 0;
        while (readyz() != 200 && waited < 30_000) {
            Thread.sleep(200);
            waited += 200;
        }
        assertThat(readyz()).as("ready again by itself").isEqualTo(200);
        long before = live();
        assertThat(before).as("only whole messages were written").isIn(0L, 10L, 20L);
        // the cut session still holds the device until its claim runs out (3 s): meanwhile a new session of the
        // device is told 503 "busy", as a client retrying at once would be
        TestClient.Result again = a.syncOver(AlertCode.SLOW_SYNC, new HttpTransport(base + "/sync"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!again.completed && System.nanoTime() < deadline) {
            // its first message writes nothing of the device and passes; the one with its Sync is refused
            assertThat(again.replies.stream().flatMap(m -> m.commands().stream())
                    .filter(c -> c instanceof io.syncgw.codec.model.Status s && s.cmd().equals("SyncHdr"))
                    .map(c -> ((io.syncgw.codec.model.Status) c).code())).as(again.toString()).contains(503);
            Thread.sleep(1_000);
            again = a.syncOver(AlertCode.SLOW_SYNC, new HttpTransport(base + "/sync"));
        }
        assertThat(again.completed).as(again.toString()).isTrue();
        assertThat(live()).isEqualTo(40);
        TestClient b = new TestClient("outage-b", "dora", "s3cret");
        TestClient.Result down = b.syncOver(AlertCode.REFRESH_FROM_SERVER, new HttpTransport(base + "/sync"));
        assertThat(down.receivedAdds).isEqualTo(40);
    }
}
