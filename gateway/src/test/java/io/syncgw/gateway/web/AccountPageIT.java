package io.syncgw.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.syncgw.codec.model.AlertCode;
import io.syncgw.engine.testing.TestClient;
import io.syncgw.gateway.Gateway;
import io.syncgw.gateway.http.HttpTransport;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.TestPostgres;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * The self-service page over real HTTP (no browser: {@code AccountPageBrowserIT} drives Chromium) against a whole
 * gateway and a real PostgreSQL, with BlockHound on: sign-in and its rate limit, sessions and cookies, CSRF, escaping
 * of what phones send, and the changes reaching the database.
 */
class AccountPageIT {
    private static final AtomicInteger LOGINS = new AtomicInteger();
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private static DatabaseConfig config;
    private static Database database;
    private static Gateway gateway;
    private static String base;

    @BeforeAll
    static void start() {
        config = TestPostgres.freshDatabase();
        database = Database.open(config);
        new Migrator(database.connectionFactory()).migrate().block(Duration.ofMinutes(1));
        gateway = Gateway.start(Gateway.Settings.loopback(0), database);
        base = "http://127.0.0.1:" + gateway.port();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        database.close();
    }

    record Page(int status, HttpHeaders headers, String body) {
        String csrf() {
            Matcher m = CSRF.matcher(body);
            assertThat(m.find()).as("a form with a CSRF token in\n" + body).isTrue();
            return m.group(1);
        }

        /** The value of a cookie this response sets, or null. */
        String setCookie(String name) {
            return headers.getAll(HttpHeaderNames.SET_COOKIE).stream().filter(c -> c.startsWith(name + "="))
                    .findFirst().orElse(null);
        }
    }

    /** A browser's cookie jar, minus the browser. */
    static final class Visitor {
        final Map<String, String> cookies = new LinkedHashMap<>();
        String forwardedFor;

        Page get(String path) {
            return exchange(HttpMethod.GET, path, null);
        }

        Page post(String path, Map<String, String> form) {
            String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                    .collect(Collectors.joining("&"));
            return exchange(HttpMethod.POST, path, body);
        }

        Page exchange(HttpMethod method, String path, String body) {
            Page p = HttpClient.create()
                    .headers(h -> {
                        if (!cookies.isEmpty()) {
                            h.set(HttpHeaderNames.COOKIE, cookies.entrySet().stream()
                                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
                        }
                        if (forwardedFor != null) {
                            h.set("X-Forwarded-For", forwardedFor);
                        }
                        if (body != null) {
                            h.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
                        }
                    })
                    .request(method).uri(base + path)
                    .send(body == null ? ByteBufFlux.fromString(Mono.empty())
                            : ByteBufFlux.fromString(Mono.just(body)))
                    .responseSingle((res, b) -> b.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                            .map(text -> new Page(res.status().code(), res.responseHeaders(), text)))
                    .block(Duration.ofSeconds(30));
            for (String c : p.headers().getAll(HttpHeaderNames.SET_COOKIE)) {
                String pair = c.substring(0, c.indexOf(';'));
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty() || c.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return p;
        }

        Page signIn(String login, String password) {
            Page form = get("/account/");
            return post("/account/signin", Map.of("csrf", form.csrf(), "login", login, "password", password));
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String newAccount() {
        String login = "web" + LOGINS.incrementAndGet();
        new AccountAdmin(database).add(login, "pw-" + login).block(Duration.ofSeconds(30));
        return login;
    }

    private static void registerDevice(String login, String deviceUri) {
        TestClient.Result r = new TestClient(deviceUri, login, "pw-" + login)
                .syncOver(AlertCode.SLOW_SYNC, new HttpTransport(base + "/sync"));
        assertThat(r.completed).as(r.toString()).isTrue();
    }

    private static void sql(String statement, String... params) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + config.port() + "/"
                + config.database() + "?user=postgres"); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(statement, e);
        }
    }

    private static String text(String query) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + config.port() + "/"
                + config.database() + "?user=postgres"); PreparedStatement ps = c.prepareStatement(query);
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(query, e);
        }
    }

    @Test
    void signInShowsTheSlotsAndSignOutEndsTheSession() {
        String login = newAccount();
        registerDevice(login, "IMEI:page-" + login);
        Visitor v = new Visitor();
        Page form = v.get("/account/");
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("<form method=\"post\" action=\"/account/signin\"");
        assertThat(form.headers().get("Content-Security-Policy")).contains("default-src 'none'")
                .contains("frame-ancestors 'none'");
        assertThat(form.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
        assertThat(form.setCookie(AccountPage.SIGNIN_COOKIE)).contains("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/account/").doesNotContain("Secure");

        Page signedIn = v.post("/account/signin", Map.of("csrf", form.csrf(), "login", login, "password",
                "pw-" + login));
        assertThat(signedIn.status()).isEqualTo(303);
        assertThat(signedIn.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/account/");
        String cookie = signedIn.setCookie(AccountPage.SESSION_COOKIE);
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/account/");
        assertThat(v.cookies.get(AccountPage.SESSION_COOKIE)).hasSize(43);
        assertThat(text("select count(*) from web_session where token_hash = sha256(convert_to('"
                + v.cookies.get(AccountPage.SESSION_COOKIE) + "', 'UTF8'))")).as("stored as its hash").isEqualTo("1");

        Page home = v.get("/account/");
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).contains("Signed in as <b id=\"who\">" + login + "</b>")
                .contains("IMEI:page-" + login).contains("test TestClient")
                .contains("<tr id=\"slot-4\">").doesNotContain("<tr id=\"slot-5\">");
        assertThat(home.body().split("class=\"status free\"", -1)).hasSize(4);

        Page out = v.post("/account/signout", Map.of("csrf", home.csrf()));
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/account/?signedout");
        assertThat(v.get("/account/?signedout").body()).contains("You are signed out.").contains("action=\"/account/signin\"");
    }

    @Test
    void aSessionCookieAloneDoesNotOutliveSignOutOrIdleness() {
        String login = newAccount();
        Visitor v = new Visitor();
        v.signIn(login, "pw-" + login);
        String token = v.cookies.get(AccountPage.SESSION_COOKIE);
        Page home = v.get("/account/");
        v.post("/account/signout", Map.of("csrf", home.csrf()));
        Visitor replay = new Visitor();
        replay.cookies.put(AccountPage.SESSION_COOKIE, token);
        assertThat(replay.get("/account/").body()).as("the old cookie").contains("action=\"/account/signin\"");

        Visitor idle = new Visitor();
        idle.signIn(login, "pw-" + login);
        sql("update web_session set last_seen = now() - interval '31 minutes' where account_id ="
                + " (select id from account where login = ?)", login);
        assertThat(idle.get("/account/").body()).contains("action=\"/account/signin\"");
    }

    @Test
    void wrongPasswordsAreRateLimitedPerLogin() {
        String login = newAccount();
        Visitor v = new Visitor();
        v.forwardedFor = "198.51.100.1";
        for (int i = 1; i <= AccountPage.MAX_FAILURES; i++) {
            Page p = v.signIn(login, "wrong-" + i);
            assertThat(p.status()).isEqualTo(403);
            assertThat(p.body()).contains("Wrong user ID or password.");
            assertThat(p.setCookie(AccountPage.SESSION_COOKIE)).isNull();
        }
        // the right password from another address: still refused for this login
        Visitor other = new Visitor();
        other.forwardedFor = "198.51.100.2";
        Page blocked = other.signIn(login, "pw-" + login);
        assertThat(blocked.status()).isEqualTo(429);
        long retry = Long.parseLong(blocked.headers().get(HttpHeaderNames.RETRY_AFTER));
        assertThat(retry).isBetween(1L, AccountPage.FAILURE_WINDOW.toSeconds());
        assertThat(blocked.body()).contains("Too many failed sign-ins");
        assertThat(blocked.setCookie(AccountPage.SESSION_COOKIE)).isNull();
        // another account from that address is not affected
        String fresh = newAccount();
        assertThat(other.signIn(fresh, "pw-" + fresh).status()).isEqualTo(303);
    }

    @Test
    void unknownLoginsCountPerAddress() {
        Visitor v = new Visitor();
        v.forwardedFor = "203.0.113.9";
        for (int i = 1; i <= AccountPage.MAX_FAILURES; i++) {
            assertThat(v.signIn("nobody-" + i, "guess").status()).isEqualTo(403);
        }
        String login = newAccount();
        Page blocked = v.signIn(login, "pw-" + login);
        assertThat(blocked.status()).as("the address is blocked, whatever the login").isEqualTo(429);
        Visitor elsewhere = new Visitor();
        elsewhere.forwardedFor = "203.0.113.10";
        assertThat(elsewhere.signIn(login, "pw-" + login).status()).isEqualTo(303);
    }

    @Test
    void formsWithoutTheRightCsrfTokenChangeNothing() {
        String login = newAccount();
        registerDevice(login, "IMEI:csrf-" + login);
        Visitor v = new Visitor();
        Page form = v.get("/account/");
        Page forged = v.post("/account/signin", Map.of("csrf", "forged", "login", login, "password", "pw-" + login));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.setCookie(AccountPage.SESSION_COOKIE)).isNull();
        Visitor noCookie = new Visitor();
        assertThat(noCookie.post("/account/signin", Map.of("csrf", form.csrf(), "login", login, "password",
                "pw-" + login)).status()).as("token without its cookie (another site's form)").isEqualTo(403);

        assertThat(v.post("/account/signin", Map.of("csrf", form.csrf(), "login", login, "password",
                "pw-" + login)).status()).isEqualTo(303);
        Page save = v.post("/account/slots/1", Map.of("csrf", "not-the-token", "name", "Hijacked",
                "direction", "two-way", "nextSync", "normal"));
        assertThat(save.status()).isEqualTo(403);
        Page free = v.post("/account/slots/1/free", Map.of());
        assertThat(free.status()).isEqualTo(403);
        assertThat(text("select coalesce(name, '-') from device where device_uri = 'IMEI:csrf-" + login + "'"))
                .isEqualTo("-");
        // without a session at all: the sign-in form
        Visitor stranger = new Visitor();
        Page anonymous = stranger.post("/account/slots/1/free", Map.of("csrf", "x"));
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.body()).contains("action=\"/account/signin\"");
        assertThat(text("select count(*) from device where device_uri = 'IMEI:csrf-" + login + "'")).isEqualTo("1");
    }

    @Test
    void whatPhonesSendIsEscaped() {
        String login = newAccount();
        registerDevice(login, "IMEI:<b>x</b>-" + login);
        sql("update device set name = ?, manufacturer = ?, model = ? where device_uri = ?",
                "<script>alert('name')</script>", "\"><img src=x onerror=alert(1)>", "Model & <i>Co</i>",
                "IMEI:<b>x</b>-" + login);
        Visitor v = new Visitor();
        v.signIn(login, "pw-" + login);
        String html = v.get("/account/").body();
        assertThat(html).doesNotContain("<script>alert").doesNotContain("<img src=x").doesNotContain("<i>Co</i>")
                .doesNotContain("<b>x</b>");
        assertThat(html).contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;")
                .contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;").contains("Model &amp; &lt;i&gt;Co&lt;/i&gt;")
                .contains("IMEI:&lt;b&gt;x&lt;/b&gt;-" + login)
                .contains("value=\"&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;\"");
        // the only scripts are the page's own
        assertThat(html.split("<script", -1)).hasSize(2);
    }

    @Test
    void savingAFormStoresTheWholeConfiguration() {
        String login = newAccount();
        registerDevice(login, "IMEI:save-" + login);
        Visitor v = new Visitor();
        v.signIn(login, "pw-" + login);
        String csrf = v.get("/account/").csrf();
        String body = "csrf=" + enc(csrf) + "&name=" + enc("Personal phone") + "&active=on&datastores=contacts"
                + "&datastores=calendar&direction=from-server&contactCategories=" + enc("Personal, Family")
                + "&excludeCategories=&calendarPastDays=7&calendarFutureDays=30&conflictPolicy=client-wins"
                + "&nextSync=refresh-from-server";
        Page saved = v.exchange(HttpMethod.POST, "/account/slots/1", body);
        assertThat(saved.status()).isEqualTo(303);
        assertThat(saved.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/account/?saved=1");
        assertThat(text("select concat_ws('|', name, active, datastores, direction, contact_categories,"
                + " exclude_categories, calendar_past_days, calendar_future_days, conflict_policy, deletes_propagate,"
                + " next_sync) from device where device_uri = 'IMEI:save-" + login + "'"))
                .isEqualTo("Personal phone|t|{calendar,contacts}|from-server|{Personal,Family}|{}|7|30|client-wins"
                        + "|f|refresh-from-server");
        Page page = v.get("/account/?saved=1");
        assertThat(page.body()).contains("Slot 1 saved.").contains("value=\"Personal, Family\"")
                .contains("<option value=\"client-wins\" selected>");

        Page bad = v.post("/account/slots/1", Map.of("csrf", csrf, "direction", "two-way", "nextSync", "normal",
                "calendarPastDays", "a week"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("Calendar: days ago");
        assertThat(v.post("/account/slots/3", Map.of("csrf", csrf, "direction", "two-way", "nextSync", "normal"))
                .status()).as("a free slot").isEqualTo(404);
        assertThat(text("select calendar_past_days from device where device_uri = 'IMEI:save-" + login + "'"))
                .isEqualTo("7");

        Page freed = v.post("/account/slots/1/free", Map.of("csrf", csrf));
        assertThat(freed.status()).isEqualTo(303);
        assertThat(freed.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/account/?freed=1");
        assertThat(text("select count(*) from device where device_uri = 'IMEI:save-" + login + "'")).isEqualTo("0");
        assertThat(v.get("/account/?freed=1").body()).contains("Slot 1 is free now.");
    }

    @Test
    void otherPathsAndMethods() {
        Visitor v = new Visitor();
        Page redirect = v.get("/account");
        assertThat(redirect.status()).isEqualTo(303);
        assertThat(redirect.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("/account/");
        assertThat(v.get("/account/nothing").status()).isEqualTo(404);
        assertThat(v.get("/account/slots/x/free").status()).isEqualTo(404);
        assertThat(v.exchange(HttpMethod.DELETE, "/account/", null).status()).isEqualTo(405);
        Page css = v.get("/account/account.css");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/css");
        assertThat(v.get("/account/account.js").body()).contains("confirm");
        assertThat(v.get("/healthz").status()).isEqualTo(200);
        Page tooBig = v.exchange(HttpMethod.POST, "/account/signin", "login=" + "x".repeat(20_000));
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(List.of(v.get("/account/?saved=<script>").body())).allMatch(b -> !b.contains("<script>"));
    }
}
