package io.syncgw.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.syncgw.codec.model.AlertCode;
import io.syncgw.engine.testing.Cards;
import io.syncgw.engine.testing.TestClient;
import io.syncgw.gateway.Gateway;
import io.syncgw.gateway.http.HttpTransport;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.account.AdminTokens;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * The admin API over real HTTP on the admin port of a whole gateway against a real PostgreSQL, with BlockHound
 * failing any blocking call on an event loop: the token, every route, validation naming the field, and freeing a
 * slot after a real sync.
 */
class AdminApiIT {
    private static final String TOKEN = "test-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger LOGINS = new AtomicInteger();

    private static DatabaseConfig config;
    private static Database database;
    private static Gateway gateway;
    private static String api;
    private static String syncUrl;

    @BeforeAll
    static void start() {
        config = TestPostgres.freshDatabase();
        database = Database.open(config);
        new Migrator(database.connectionFactory()).migrate().block(Duration.ofMinutes(1));
        gateway = Gateway.start(Gateway.Settings.loopback(0).withAdminPort(0), database, null, TOKEN);
        api = "http://127.0.0.1:" + gateway.adminPort();
        syncUrl = "http://127.0.0.1:" + gateway.port() + "/sync";
    }

    @AfterAll
    static void stop() {
        gateway.close();
        database.close();
    }

    record Answer(int status, HttpHeaders headers, JsonNode json) {
        String error() {
            return json.path("error").asText();
        }

        String field() {
            return json.path("field").asText(null);
        }
    }

    private static Answer call(HttpMethod method, String path, String body) {
        return call(method, path, body, "Bearer " + TOKEN);
    }

    private static Answer call(HttpMethod method, String path, String body, String authorization) {
        return HttpClient.create()
                .headers(h -> {
                    if (authorization != null) {
                        h.set(HttpHeaderNames.AUTHORIZATION, authorization);
                    }
                    if (body != null) {
                        h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    }
                })
                .request(method).uri(api + path)
                .send(body == null ? ByteBufFlux.fromString(Mono.empty())
                        : ByteBufFlux.fromInbound(Mono.just(body.getBytes(StandardCharsets.UTF_8))))
                .responseSingle((res, b) -> b.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(res.status().code(), res.responseHeaders(), parse(bytes))))
                .block(Duration.ofSeconds(30));
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return bytes.length == 0 ? JSON.nullNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    private static String newUser() {
        String login = "api" + LOGINS.incrementAndGet();
        Answer a = call(HttpMethod.POST, "/api/users", "{\"login\": \"" + login + "\", \"password\": \"pw-" + login
                + "\"}");
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return login;
    }

    private static TestClient.Result sync(TestClient c, int mode) {
        return c.syncOver(mode, new HttpTransport(syncUrl));
    }

    private static long count(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + config.port() + "/"
                + config.database() + "?user=postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Test
    void everyRouteNeedsTheBearerToken() {
        for (String auth : new String[] {null, "Bearer wrong-token", "Basic " + TOKEN, "Bearer " + TOKEN + "x",
                "Bearer"}) {
            Answer a = call(HttpMethod.GET, "/api/users", null, auth);
            assertThat(a.status()).as(String.valueOf(auth)).isEqualTo(401);
            assertThat(a.headers().get(HttpHeaderNames.WWW_AUTHENTICATE)).startsWith("Bearer");
            assertThat(a.error()).contains("Authorization");
        }
        assertThat(call(HttpMethod.DELETE, "/api/users/anyone", null, null).status()).isEqualTo(401);
        assertThat(call(HttpMethod.POST, "/api/users", "{\"login\":\"x\",\"password\":\"y\"}", "Bearer nope")
                .status()).isEqualTo(401);
        assertThat(call(HttpMethod.GET, "/api/users", null, "bearer " + TOKEN).status()).isEqualTo(200);
        // metrics stay open, like any scrape target
        int metrics = HttpClient.create().get().uri(api + "/metrics")
                .responseSingle((res, b) -> Mono.just(res.status().code())).block(Duration.ofSeconds(10));
        assertThat(metrics).isEqualTo(200);
    }

    @Test
    void usersAreCreatedListedChangedAndRemoved() {
        String login = "ursula" + LOGINS.incrementAndGet();
        Answer created = call(HttpMethod.POST, "/api/users", "{\"login\": \"" + login + "\", \"password\": \"pw1\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/api/users/" + login);
        assertThat(created.json().path("login").asText()).isEqualTo(login);
        assertThat(created.json().path("devices").asInt()).isZero();
        assertThat(created.json().path("slots").asInt()).isEqualTo(4);
        assertThat(created.json().path("maxDevices").isNull()).isTrue();
        assertThat(Instant.parse(created.json().path("createdAt").asText())).isBefore(Instant.now().plusSeconds(5));

        Answer again = call(HttpMethod.POST, "/api/users", "{\"login\": \"" + login + "\", \"password\": \"x\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.field()).isEqualTo("login");

        Answer list = call(HttpMethod.GET, "/api/users", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().isArray()).isTrue();
        assertThat(list.json().findValuesAsText("login")).contains(login);

        Answer more = call(HttpMethod.PUT, "/api/users/" + login, "{\"maxDevices\": 6}");
        assertThat(more.status()).isEqualTo(200);
        assertThat(more.json().path("maxDevices").asInt()).isEqualTo(6);
        assertThat(more.json().path("slots").asInt()).isEqualTo(6);
        assertThat(call(HttpMethod.GET, "/api/users/" + login + "/devices", null).json().size()).isEqualTo(6);
        Answer back = call(HttpMethod.PUT, "/api/users/" + login, "{\"maxDevices\": null}");
        assertThat(back.json().path("maxDevices").isNull()).isTrue();
        assertThat(back.json().path("slots").asInt()).isEqualTo(4);

        // a new password: the old one no longer syncs, the new one does
        assertThat(call(HttpMethod.PUT, "/api/users/" + login, "{\"password\": \"pw2\"}").status()).isEqualTo(200);
        assertThat(sync(new TestClient("pw-dev-" + login, login, "pw1"), AlertCode.SLOW_SYNC).headerStatus)
                .isEqualTo(401);
        assertThat(sync(new TestClient("pw-dev-" + login, login, "pw2"), AlertCode.SLOW_SYNC).completed).isTrue();

        assertThat(call(HttpMethod.GET, "/api/users/" + login, null).json().path("devices").asInt()).isEqualTo(1);
        assertThat(call(HttpMethod.DELETE, "/api/users/" + login, null).status()).isEqualTo(204);
        assertThat(call(HttpMethod.DELETE, "/api/users/" + login, null).status()).isEqualTo(404);
        Answer gone = call(HttpMethod.GET, "/api/users/" + login, null);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.error()).contains(login);
        assertThat(count("select count(*) from device d join account a on a.id = d.account_id where a.login = '"
                + login + "'")).isZero();
    }

    @Test
    void anAccountMayBeCreatedWithoutMd5AndWithItsOwnNumberOfSlots() {
        String login = "md5less" + LOGINS.incrementAndGet();
        Answer a = call(HttpMethod.POST, "/api/users", "{\"login\": \"" + login
                + "\", \"password\": \"pw\", \"md5\": false, \"maxDevices\": 2}");
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        assertThat(a.json().path("slots").asInt()).isEqualTo(2);
        assertThat(count("select count(*) from account where login = '" + login + "' and md5_digest is null"))
                .isEqualTo(1);
    }

    @Test
    void badAccountInputIs400NamingTheField() {
        assertBad(HttpMethod.POST, "/api/users", "{}", "login");
        assertBad(HttpMethod.POST, "/api/users", "{\"login\": \"a b\", \"password\": \"x\"}", "login");
        assertBad(HttpMethod.POST, "/api/users", "{\"login\": \"a:b\", \"password\": \"x\"}", "login");
        assertBad(HttpMethod.POST, "/api/users", "{\"login\": 5, \"password\": \"x\"}", "login");
        assertBad(HttpMethod.POST, "/api/users", "{\"login\": \"okname\"}", "password");
        assertBad(HttpMethod.POST, "/api/users", "{\"login\": \"okname\", \"password\": \"\"}", "password");
        assertBad(HttpMethod.POST, "/api/users", "{\"login\": \"okname\", \"password\": \"p\", \"nick\": 1}", "nick");
        assertBad(HttpMethod.POST, "/api/users", "{\"login\": \"okname\", \"password\": \"p\", \"md5\": \"no\"}",
                "md5");
        assertBad(HttpMethod.POST, "/api/users", "{\"login\": \"okname\", \"password\": \"p\", \"maxDevices\": 0}",
                "maxDevices");
        assertThat(call(HttpMethod.GET, "/api/users/okname", null).status()).as("nothing created").isEqualTo(404);
        String login = newUser();
        assertBad(HttpMethod.PUT, "/api/users/" + login, "{\"maxDevices\": 65}", "maxDevices");
        assertBad(HttpMethod.PUT, "/api/users/" + login, "{\"maxDevices\": \"4\"}", "maxDevices");
        assertBad(HttpMethod.PUT, "/api/users/" + login, "{\"login\": \"renamed\"}", "login");
        for (String notAnObject : new String[] {"", "[1]", "\"x\"", "{\"login\": ", "{\"a\":1,\"a\":2}"}) {
            Answer a = call(HttpMethod.POST, "/api/users", notAnObject);
            assertThat(a.status()).as(notAnObject).isEqualTo(400);
            assertThat(a.error()).as(notAnObject).isNotBlank();
        }
        Answer big = call(HttpMethod.POST, "/api/users", "{\"login\": \"" + "x".repeat(70_000) + "\"}");
        assertThat(big.status()).isEqualTo(413);
    }

    private static void assertBad(HttpMethod method, String path, String body, String field) {
        Answer a = call(method, path, body);
        assertThat(a.status()).as(body).isEqualTo(400);
        assertThat(a.field()).as(body).isEqualTo(field);
        assertThat(a.error()).as(body).isNotBlank();
        assertThat(a.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("application/json");
    }

    @Test
    void devicesListEverySlotWithTheSyncedDeviceAndItsDevInf() {
        String login = newUser();
        TestClient phone = new TestClient("IMEI:api-" + login, login, "pw-" + login);
        phone.addLocal("1", Cards.v30(1, 1));
        assertThat(sync(phone, AlertCode.SLOW_SYNC).completed).isTrue();

        Answer a = call(HttpMethod.GET, "/api/users/" + login + "/devices", null);
        assertThat(a.status()).isEqualTo(200);
        JsonNode slots = a.json();
        assertThat(slots.size()).isEqualTo(4);
        JsonNode one = slots.get(0);
        assertThat(one.path("slot").asInt()).isEqualTo(1);
        assertThat(one.path("status").asText()).isEqualTo("active");
        assertThat(one.path("deviceId").asText()).isEqualTo("IMEI:api-" + login);
        assertThat(one.path("manufacturer").asText()).isEqualTo("test");
        assertThat(one.path("model").asText()).isEqualTo("TestClient");
        assertThat(Instant.parse(one.path("lastSync").asText())).isAfter(Instant.now().minusSeconds(120));
        assertThat(one.path("active").asBoolean()).isTrue();
        assertThat(one.path("name").isNull()).isTrue();
        assertThat(one.path("datastores").toString()).isEqualTo("[\"contacts\",\"calendar\",\"tasks\"]");
        assertThat(one.path("direction").asText()).isEqualTo("two-way");
        assertThat(one.path("contactCategories").toString()).isEqualTo("[]");
        assertThat(one.path("excludeCategories").toString()).isEqualTo("[]");
        assertThat(one.path("calendarPastDays").isNull()).isTrue();
        assertThat(one.path("calendarFutureDays").isNull()).isTrue();
        assertThat(one.path("conflictPolicy").isNull()).isTrue();
        assertThat(one.path("deletesPropagate").asBoolean()).isTrue();
        assertThat(one.path("nextSync").asText()).isEqualTo("normal");
        for (int i = 1; i < 4; i++) {
            JsonNode free = slots.get(i);
            assertThat(free.path("slot").asInt()).isEqualTo(i + 1);
            assertThat(free.path("status").asText()).isEqualTo("free");
            assertThat(free.has("deviceId")).isTrue();
            assertThat(free.path("deviceId").isNull()).isTrue();
            assertThat(free.path("direction").isNull()).isTrue();
        }
        assertThat(call(HttpMethod.GET, "/api/users/" + login + "/devices/1", null).json()).isEqualTo(one);
        assertThat(call(HttpMethod.GET, "/api/users/nobody-at-all/devices", null).status()).isEqualTo(404);
    }

    @Test
    void putChangesAnySubsetOfTheConfigurationAndValidatesEachField() {
        String login = newUser();
        assertThat(sync(new TestClient("IMEI:put-" + login, login, "pw-" + login), AlertCode.SLOW_SYNC).completed)
                .isTrue();
        String slot = "/api/users/" + login + "/devices/1";
        Answer a = call(HttpMethod.PUT, slot, """
                {"name": "Personal phone", "datastores": ["contacts", "calendar"], "direction": "from-server",
                 "contactCategories": ["Personal"], "excludeCategories": ["Work"], "calendarPastDays": 7,
                 "calendarFutureDays": 30, "conflictPolicy": "newest-wins", "deletesPropagate": false,
                 "nextSync": "slow"}""");
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        JsonNode d = call(HttpMethod.GET, slot, null).json();
        assertThat(d.path("name").asText()).isEqualTo("Personal phone");
        assertThat(d.path("datastores").toString()).isEqualTo("[\"contacts\",\"calendar\"]");
        assertThat(d.path("direction").asText()).isEqualTo("from-server");
        assertThat(d.path("contactCategories").toString()).isEqualTo("[\"Personal\"]");
        assertThat(d.path("excludeCategories").toString()).isEqualTo("[\"Work\"]");
        assertThat(d.path("calendarPastDays").asInt()).isEqualTo(7);
        assertThat(d.path("calendarFutureDays").asInt()).isEqualTo(30);
        assertThat(d.path("conflictPolicy").asText()).isEqualTo("newest-wins");
        assertThat(d.path("deletesPropagate").asBoolean()).isFalse();
        assertThat(d.path("nextSync").asText()).isEqualTo("slow");
        assertThat(a.json()).isEqualTo(d);
        assertThat(count("select count(*) from device where device_uri = 'IMEI:put-" + login + "' and"
                + " calendar_future_days = 30 and direction = 'from-server' and next_sync = 'slow'")).isEqualTo(1);

        Answer partial = call(HttpMethod.PUT, slot, "{\"active\": false, \"calendarPastDays\": null}");
        assertThat(partial.status()).isEqualTo(200);
        assertThat(partial.json().path("status").asText()).isEqualTo("non-active");
        assertThat(partial.json().path("active").asBoolean()).isFalse();
        assertThat(partial.json().path("calendarPastDays").isNull()).isTrue();
        assertThat(partial.json().path("calendarFutureDays").asInt()).as("untouched").isEqualTo(30);
        assertThat(partial.json().path("name").asText()).as("untouched").isEqualTo("Personal phone");

        assertBad(HttpMethod.PUT, slot, "{\"datastores\": [\"contacts\", \"mail\"]}", "datastores");
        assertBad(HttpMethod.PUT, slot, "{\"datastores\": \"contacts\"}", "datastores");
        assertBad(HttpMethod.PUT, slot, "{\"direction\": \"upwards\"}", "direction");
        assertBad(HttpMethod.PUT, slot, "{\"direction\": null}", "direction");
        assertBad(HttpMethod.PUT, slot, "{\"contactCategories\": [1]}", "contactCategories");
        assertBad(HttpMethod.PUT, slot, "{\"excludeCategories\": null}", "excludeCategories");
        assertBad(HttpMethod.PUT, slot, "{\"calendarPastDays\": -1}", "calendarPastDays");
        assertBad(HttpMethod.PUT, slot, "{\"calendarPastDays\": 1.5}", "calendarPastDays");
        assertBad(HttpMethod.PUT, slot, "{\"calendarFutureDays\": \"30\"}", "calendarFutureDays");
        assertBad(HttpMethod.PUT, slot, "{\"calendarFutureDays\": 100000}", "calendarFutureDays");
        assertBad(HttpMethod.PUT, slot, "{\"conflictPolicy\": \"loudest-wins\"}", "conflictPolicy");
        assertBad(HttpMethod.PUT, slot, "{\"deletesPropagate\": \"no\"}", "deletesPropagate");
        assertBad(HttpMethod.PUT, slot, "{\"nextSync\": 3}", "nextSync");
        assertBad(HttpMethod.PUT, slot, "{\"active\": 1}", "active");
        assertBad(HttpMethod.PUT, slot, "{\"name\": 5}", "name");
        assertBad(HttpMethod.PUT, slot, "{\"name\": \"" + "n".repeat(101) + "\"}", "name");
        assertBad(HttpMethod.PUT, slot, "{\"color\": \"red\"}", "color");
        assertBad(HttpMethod.PUT, slot, "{\"name\": \"ok\", \"deviceId\": \"IMEI:other\"}", "deviceId");
        assertBad(HttpMethod.PUT, "/api/users/" + login + "/devices/abc", "{}", "slot");
        assertThat(call(HttpMethod.GET, slot, null).json()).as("a rejected PUT changes nothing")
                .isEqualTo(partial.json());

        assertThat(call(HttpMethod.PUT, "/api/users/" + login + "/devices/2", "{\"name\": \"x\"}").status())
                .as("a free slot").isEqualTo(404);
        assertThat(call(HttpMethod.PUT, "/api/users/" + login + "/devices/99", "{\"name\": \"x\"}").status())
                .isEqualTo(404);
        assertThat(call(HttpMethod.PUT, "/api/users/ghost/devices/1", "{\"name\": \"x\"}").status()).isEqualTo(404);
    }

    @Test
    void deleteFreesTheSlotTheDeviceForgetsButTheAccountKeepsItsData() {
        String login = newUser();
        TestClient phone = new TestClient("IMEI:del-" + login, login, "pw-" + login);
        for (int i = 1; i <= 3; i++) {
            phone.addLocal("c" + i, Cards.v30(i, 1));
        }
        assertThat(sync(phone, AlertCode.SLOW_SYNC).completed).isTrue();
        String account = "(select id from account where login = '" + login + "')";
        assertThat(count("select count(*) from item_map m join device d on d.id = m.device_id where d.account_id = "
                + account)).isEqualTo(3);

        Answer del = call(HttpMethod.DELETE, "/api/users/" + login + "/devices/1", null);
        assertThat(del.status()).isEqualTo(204);
        assertThat(count("select count(*) from device where account_id = " + account)).isZero();
        assertThat(count("select count(*) from item_map where device_id not in (select id from device)")).isZero();
        assertThat(count("select count(*) from sync_anchor where device_id not in (select id from device)")).isZero();
        assertThat(count("select count(*) from item where account_id = " + account + " and not deleted"))
                .as("the account's data stays").isEqualTo(3);
        assertThat(call(HttpMethod.GET, "/api/users/" + login + "/devices", null).json().get(0).path("status")
                .asText()).isEqualTo("free");
        assertThat(call(HttpMethod.DELETE, "/api/users/" + login + "/devices/1", null).status()).isEqualTo(404);
        assertThat(call(HttpMethod.DELETE, "/api/users/ghost/devices/1", null).status()).isEqualTo(404);

        // the device comes back as a new one: its two-way sync has no anchors to continue from, so it is slow. (The
        // MD5 nonce it holds went with the device row: its first try gets 401 with a new challenge, as a phone
        // would, and it tries again with that.)
        TestClient.Result first = sync(phone, AlertCode.TWO_WAY);
        assertThat(first.headerStatus).isEqualTo(401);
        TestClient.Result back = sync(phone, AlertCode.TWO_WAY);
        assertThat(back.completed).as(back.toString()).isTrue();
        assertThat(back.alertStatus).isEqualTo(508);
        assertThat(count("select count(*) from item where account_id = " + account + " and not deleted"))
                .as("no duplicates").isEqualTo(3);
        assertThat(call(HttpMethod.GET, "/api/users/" + login + "/devices/1", null).json().path("deviceId").asText())
                .isEqualTo("IMEI:del-" + login);
    }

    @Test
    void wrongMethodsAndUnknownPathsAreJsonErrors() {
        Answer patch = call(HttpMethod.PATCH, "/api/users", "{}");
        assertThat(patch.status()).isEqualTo(405);
        assertThat(patch.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, POST");
        assertThat(call(HttpMethod.POST, "/api/users/x/devices", "{}").status()).isEqualTo(405);
        Answer none = call(HttpMethod.GET, "/api/things", null);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.error()).isNotBlank();
        assertThat(call(HttpMethod.GET, "/api/users/x/devices/1/more", null).status()).isEqualTo(404);
        assertThat(call(HttpMethod.GET, "/api/users/x/gadgets", null).status()).isEqualTo(404);
    }

    @Test
    void withoutAConfiguredTokenTheGatewayUsesTheOneStoredInTheDatabase() {
        try (Gateway second = Gateway.start(Gateway.Settings.loopback(0).withAdminPort(0), database)) {
            AdminTokens.Issued stored = new AdminTokens(database.connectionFactory()).getOrCreate()
                    .block(Duration.ofSeconds(30));
            assertThat(stored.created()).as("the gateway generated it at start").isFalse();
            String other = "http://127.0.0.1:" + second.adminPort();
            int ok = HttpClient.create().headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + stored.token()))
                    .get().uri(other + "/api/users").responseSingle((res, b) -> Mono.just(res.status().code()))
                    .block(Duration.ofSeconds(10));
            int refused = HttpClient.create().headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TOKEN))
                    .get().uri(other + "/api/users").responseSingle((res, b) -> Mono.just(res.status().code()))
                    .block(Duration.ofSeconds(10));
            assertThat(ok).isEqualTo(200);
            assertThat(refused).isEqualTo(401);
        }
    }
}
