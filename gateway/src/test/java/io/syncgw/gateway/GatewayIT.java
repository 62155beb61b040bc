package io.syncgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.syncgw.codec.model.AlertCode;
import io.syncgw.engine.testing.Cards;
import io.syncgw.engine.testing.TestClient;
import io.syncgw.gateway.http.HttpTransport;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * The whole gateway — HTTP, streaming decoder, session actors, engine, R2DBC store — against a real PostgreSQL,
 * driven by the project's SyncML test client over real HTTP, with BlockHound failing any blocking call on an event
 * loop. The foundation issue's scenarios, checked against the database rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayIT {
    private static DatabaseConfig config;
    private static Database database;
    private static Gateway gateway;
    private static String url;
    private static final TestClient A = new TestClient("it-dev-a", "carol", "s3cret");
    private static final TestClient B = new TestClient("it-dev-b", "carol", "s3cret");

    @BeforeAll
    static void start() {
        config = TestPostgres.freshDatabase();
        database = Database.open(config);
        new Migrator(database.connectionFactory()).migrate().block(Duration.ofMinutes(1));
        new AccountAdmin(database).add("carol", "s3cret").block(Duration.ofSeconds(30));
        gateway = Gateway.start(Gateway.Settings.loopback(0).withAdminPort(0), database);
        url = "http://127.0.0.1:" + gateway.port() + "/sync";
    }

    @AfterAll
    static void stop() {
        gateway.close();
        database.close();
    }

    private static long count(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + config.port() + "/"
                + config.database() + "?user=postgres"); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long liveContacts() {
        return count("select count(*) from item i join account a on a.id = i.account_id "
                + "where a.login = 'carol' and i.datastore = 'contacts' and not i.deleted");
    }

    private static TestClient.Result sync(TestClient c, int mode) {
        return c.syncOver(mode, new HttpTransport(url));
    }

    @Test
    @Order(1)
    void slowSyncOf200StoresExactly200() {
        for (int i = 1; i <= 200; i++) {
            A.addLocal("gen-" + i + ".vcf", Cards.v30(i, 1));
        }
        TestClient.Result r = sync(A, AlertCode.SLOW_SYNC);
        assertThat(r.completed).as(r.toString()).isTrue();
        assertThat(liveContacts()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void refreshFromServerDeliversAll200() {
        B.maxMsgSize = 10_240;
        TestClient.Result r = sync(B, AlertCode.REFRESH_FROM_SERVER);
        assertThat(r.completed).as(r.toString()).isTrue();
        assertThat(r.receivedAdds).isEqualTo(200);
        assertThat(r.maxReplyBytes).isLessThanOrEqualTo(10_240);
        assertThat(new HashSet<>(B.items.values())).isEqualTo(new HashSet<>(A.items.values()));
    }

    @Test
    @Order(3)
    void twoWayCarriesExactlyTheTwentyChangesAndNoEcho() {
        for (int i = 1; i <= 10; i++) {
            A.modifyLocal("gen-" + i + ".vcf", Cards.v30(i, 2));
        }
        for (int i = 11; i <= 15; i++) {
            A.deleteLocal("gen-" + i + ".vcf");
        }
        for (int i = 201; i <= 205; i++) {
            A.addLocal("gen-" + i + ".vcf", Cards.v30(i, 1));
        }
        TestClient.Result ra = sync(A, AlertCode.TWO_WAY);
        assertThat(ra.completed).as(ra.toString()).isTrue();
        assertThat(ra.statusesForMyChanges).hasSize(20).allMatch(s -> s == 200 || s == 201);
        assertThat(liveContacts()).isEqualTo(200);

        TestClient.Result rb = sync(B, AlertCode.TWO_WAY);
        assertThat(rb.completed).as(rb.toString()).isTrue();
        assertThat(new int[] {rb.receivedAdds, rb.receivedReplaces, rb.receivedDeletes}).containsExactly(5, 10, 5);
        assertThat(new HashSet<>(B.items.values())).isEqualTo(new HashSet<>(A.items.values()));

        TestClient.Result again = sync(A, AlertCode.TWO_WAY);
        assertThat(again.receivedAdds + again.receivedReplaces + again.receivedDeletes).isZero();
        // every device learned of the deletes: no tombstone is left behind
        assertThat(count("select count(*) from item where deleted")).isZero();
    }

    @Test
    @Order(4)
    void secondSlowSyncLeavesExactly200() {
        TestClient.Result r = sync(A, AlertCode.SLOW_SYNC);
        assertThat(r.completed).isTrue();
        assertThat(r.receivedAdds).isZero();
        assertThat(liveContacts()).isEqualTo(200);
        TestClient.Result rb = sync(B, AlertCode.TWO_WAY);
        assertThat(rb.receivedAdds + rb.receivedReplaces + rb.receivedDeletes).isZero();
    }

    @Test
    @Order(5)
    void wrongPasswordIs401AndChangesNothing() {
        long items = count("select count(*) from item");
        long devices = count("select count(*) from device");
        long maps = count("select count(*) from item_map");
        String nonces = String.valueOf(count("select count(nonce) from device"));
        TestClient intruder = new TestClient("it-dev-x", "carol", "guess");
        intruder.addLocal("x", Cards.v30(999, 1));
        TestClient.Result r = sync(intruder, AlertCode.SLOW_SYNC);
        assertThat(r.headerStatus).isEqualTo(401);
        TestClient known = new TestClient("it-dev-a", "carol", "guess");
        assertThat(sync(known, AlertCode.TWO_WAY).headerStatus).isEqualTo(401);
        assertThat(count("select count(*) from item")).isEqualTo(items);
        assertThat(count("select count(*) from device")).isEqualTo(devices);
        assertThat(count("select count(*) from item_map")).isEqualTo(maps);
        assertThat(String.valueOf(count("select count(nonce) from device"))).isEqualTo(nonces);
    }

    @Test
    @Order(7)
    void metricsCountWhatWasSyncedAndAreValidPrometheusText() {
        String scrape = HttpClient.create().get().uri("http://127.0.0.1:" + gateway.adminPort() + "/metrics")
                .responseSingle((res, body) -> body.asString()).block(Duration.ofSeconds(10));
        // what the scenarios above did: 200 + 5 contacts added by A, 10 replaced, 5 deleted; 200 + 200 + 5 + 10 + 5
        // sent to B and C; one session with a wrong password per device
        assertThat(value(scrape, "syncgw_items_total{datastore=\"contacts\",direction=\"from_client\",operation=\"add\"}"))
                .isGreaterThanOrEqualTo(205);
        assertThat(value(scrape, "syncgw_items_total{datastore=\"contacts\",direction=\"from_client\",operation=\"replace\"}"))
                .isGreaterThanOrEqualTo(10);
        assertThat(value(scrape, "syncgw_items_total{datastore=\"contacts\",direction=\"from_client\",operation=\"delete\"}"))
                .isEqualTo(5);
        assertThat(value(scrape, "syncgw_items_total{datastore=\"contacts\",direction=\"to_client\",operation=\"add\"}"))
                .isEqualTo(405);
        assertThat(value(scrape, "syncgw_auth_failures_total")).isEqualTo(2);
        assertThat(value(scrape, "syncgw_sessions_started_total")).isGreaterThanOrEqualTo(8);
        assertThat(value(scrape, "syncgw_sessions_completed_total")).isGreaterThanOrEqualTo(6);
        // every session above has ended: none is live (the finished ones kept for replays are counted apart)
        assertThat(value(scrape, "syncgw_sessions_active")).isZero();
        assertThat(value(scrape, "syncgw_sessions_retained")).isBetween(0.0, 50_000.0);
        assertThat(value(scrape, "syncgw_sessions_failed_total{reason=\"auth\",status=\"401\"}")).isEqualTo(2);
        assertThat(value(scrape, "syncgw_http_rejected_total{status=\"400\"}")).isEqualTo(1);
        assertThat(value(scrape, "syncgw_db_statements_total")).isGreaterThan(20);
        assertThat(scrape).contains("syncgw_message_process_seconds_bucket", "syncgw_db_pool_connections{state=\"idle\"}",
                "reactor_netty_http_server_data_received_bytes", "jvm_memory_used_bytes");
        // the /sync response time with buckets, for a p99 per exchange on a dashboard: every answer is in +Inf
        String sync = "{method=\"POST\",status=\"200\",uri=\"/sync\"";
        assertThat(value(scrape, "reactor_netty_http_server_response_time_seconds_bucket" + sync + ",le=\"+Inf\"}"))
                .isGreaterThan(5)
                .isEqualTo(value(scrape, "reactor_netty_http_server_response_time_seconds_count" + sync + "}"));
        // the exposition format: every sample line is "name{labels} value", every family has HELP and TYPE
        for (String line : scrape.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                assertThat(line).as("sample line").matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})? \\S+");
            }
        }
        assertThat(scrape).doesNotContain("it-dev-", "carol"); // no device or user ids as labels
    }

    private static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in\n" + scrape);
    }

    @Test
    @Order(6)
    void garbageIs400AndTheNextClientStillSyncs() {
        int status = HttpClient.create()
                .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/vnd.syncml+xml"))
                .post().uri(url).send(ByteBufFlux.fromInbound(Mono.just("\u0000garbage<<".getBytes(StandardCharsets.UTF_8))))
                .responseSingle((res, body) -> Mono.just(res.status().code()))
                .block(Duration.ofSeconds(10));
        assertThat(status).isEqualTo(400);
        TestClient c = new TestClient("it-dev-c", "carol", "s3cret");
        TestClient.Result r = sync(c, AlertCode.REFRESH_FROM_SERVER);
        assertThat(r.completed).isTrue();
        assertThat(r.receivedAdds).isEqualTo(200);
    }
}
