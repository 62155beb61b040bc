package io.syncgw.gateway.web;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.port.StoreUnavailableException;
import io.syncgw.gateway.ops.RequestBody;
import io.syncgw.persistence.account.AccountException;
import io.syncgw.persistence.account.DeviceAdmin;
import io.syncgw.persistence.account.DeviceChange;
import io.syncgw.persistence.account.WebSessions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The self-service page on the sync port. {@code GET /account/} shows the sign-in form, or the account's slots with a
 * form per device; {@code POST /account/signin}, {@code /account/signout}, {@code /account/slots/N} (save the
 * device's configuration) and {@code /account/slots/N/free}.
 *
 * <ul>
 *   <li>Sign-in: the account's SyncML login and password, checked with {@link PasswordHasher} off the event loop
 *       (an unknown login costs the same). At most {@value #MAX_FAILURES} failures per login and per client address
 *       within {@link #FAILURE_WINDOW}; then 429 with {@code Retry-After} until the oldest failure is out of the
 *       window. Counted in the database, so the limit holds across nodes.</li>
 *   <li>Sessions: a random 256-bit token in the cookie {@value #SESSION_COOKIE} ({@code HttpOnly},
 *       {@code SameSite=Strict}, {@code Path=/account/}, {@code Secure} when the page is served over https), its
 *       SHA-256 in the database; ended by signing out, after {@link WebSessions#idle()} without a request, 12 hours
 *       after sign-in, or when the password changes.</li>
 *   <li>CSRF: every form carries a token checked on POST: the session's; for the sign-in form, a random one that
 *       must equal the cookie {@value #SIGNIN_COOKIE} (double submit).</li>
 *   <li>Responses: {@code Cache-Control: no-store}, a Content-Security-Policy allowing only this page's own style
 *       sheet and script, no framing.</li>
 * </ul>
 */
public final class AccountPage implements Consumer<HttpServerRoutes> {
    private static final Logger LOG = LoggerFactory.getLogger(AccountPage.class);

    static final String SESSION_COOKIE = "syncgw_account";
    static final String SIGNIN_COOKIE = "syncgw_signin";
    /** Failed sign-ins per login and per client address within {@link #FAILURE_WINDOW}. */
    public static final int MAX_FAILURES = 5;
    public static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
    /** Largest form accepted. */
    static final int MAX_FORM = 16 * 1024;

    private static final String CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** Checked when the login is unknown, so that an unknown login takes as long as a wrong password. */
    private static final String DUMMY_HASH = "pbkdf2-sha256$" + PasswordHasher.DEFAULT_ITERATIONS
            + "$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebSessions sessions;
    private final DeviceAdmin devices;
    private final boolean https;
    private final byte[] css;
    private final byte[] js;

    /**
     * @param https the page is served over https (TLS on the sync port, or a {@code --public-url https://...}
     *              behind a TLS proxy): cookies are {@code Secure}
     */
    public AccountPage(WebSessions sessions, DeviceAdmin devices, boolean https) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.https = https;
        // read now, not on an event loop
        this.css = resource("account.css");
        this.js = resource("account.js");
    }

    private static byte[] resource(String name) {
        try (InputStream in = AccountPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void accept(HttpServerRoutes routes) {
        routes.route(req -> {
            String p = new QueryStringDecoder(req.uri()).rawPath();
            return p.equals("/account") || p.startsWith("/account/");
        }, this::handle);
    }

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.rawPath();
        HttpMethod m = req.method();
        Mono<Void> work;
        if (path.equals("/account")) {
            work = redirect(res, "/account/");
        } else if (m.equals(HttpMethod.GET) && path.equals("/account/account.css")) {
            work = asset(res, "text/css; charset=utf-8", css);
        } else if (m.equals(HttpMethod.GET) && path.equals("/account/account.js")) {
            work = asset(res, "text/javascript; charset=utf-8", js);
        } else if (path.equals("/account/")) {
            work = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) ? home(req, res, notice(uri))
                    : notAllowed(res, "GET");
        } else if (path.equals("/account/signin")) {
            work = m.equals(HttpMethod.POST) ? signIn(req, res) : m.equals(HttpMethod.GET)
                    ? redirect(res, "/account/") : notAllowed(res, "POST");
        } else if (path.equals("/account/signout")) {
            work = m.equals(HttpMethod.POST) ? signOut(req, res) : notAllowed(res, "POST");
        } else if (path.startsWith("/account/slots/")) {
            String[] rest = path.substring("/account/slots/".length()).split("/", -1);
            int slot = slotNumber(rest[0]);
            boolean free = rest.length == 2 && rest[1].equals("free");
            if (slot < 1 || rest.length > 2 || rest.length == 2 && !free) {
                work = page(res, HttpResponseStatus.NOT_FOUND, Html.simple("Not found", "There is no such page."));
            } else if (!m.equals(HttpMethod.POST)) {
                work = m.equals(HttpMethod.GET) ? redirect(res, "/account/") : notAllowed(res, "POST");
            } else {
                work = free ? freeSlot(req, res, slot) : saveSlot(req, res, slot);
            }
        } else {
            work = page(res, HttpResponseStatus.NOT_FOUND, Html.simple("Not found", "There is no such page."));
        }
        return work.onErrorResume(e -> failure(res, e));
    }

    // ---- pages ----

    /** The signed-in page, or the sign-in form. */
    private Mono<Void> home(HttpServerRequest req, HttpServerResponse res, String notice) {
        return session(req).flatMap(s -> devicesPage(res, s, HttpResponseStatus.OK, notice, null))
                .switchIfEmpty(Mono.defer(() -> signInForm(req, res, HttpResponseStatus.OK, "", notice, null)));
    }

    private Mono<Void> devicesPage(HttpServerResponse res, WebSessions.Session s, HttpResponseStatus status,
                                   String notice, String error) {
        return devices.slots(s.login()).flatMap(slots -> page(res, status,
                Html.devices(s.login(), s.csrf(), slots, notice, error)));
    }

    private Mono<Void> signInForm(HttpServerRequest req, HttpServerResponse res, HttpResponseStatus status,
                                  String login, String notice, String error) {
        String existing = cookie(req, SIGNIN_COOKIE);
        Mono<String> csrf = existing != null && existing.length() == 43 ? Mono.just(existing) : randomToken()
                .doOnNext(t -> res.addHeader(HttpHeaderNames.SET_COOKIE, cookieHeader(req, SIGNIN_COOKIE, t, 3600)));
        return csrf.flatMap(t -> page(res, status, Html.signIn(t, login, notice, error)));
    }

    private static String notice(QueryStringDecoder uri) {
        Map<String, List<String>> q = uri.parameters();
        if (q.containsKey("signedout")) {
            return "You are signed out.";
        }
        for (String[] k : new String[][] {{"saved", "Slot %d saved."}, {"freed", "Slot %d is free now."}}) {
            List<String> v = q.get(k[0]);
            if (v != null && !v.isEmpty()) {
                int n = slotNumber(v.get(0));
                if (n > 0) {
                    return String.format(java.util.Locale.ROOT, k[1], n);
                }
            }
        }
        return null;
    }

    // ---- sign in and out ----

    private Mono<Void> signIn(HttpServerRequest req, HttpServerResponse res) {
        return form(req).flatMap(f -> {
            String login = first(f, "login").strip();
            String password = first(f, "password");
            String expected = cookie(req, SIGNIN_COOKIE);
            if (expected == null || !same(expected, first(f, "csrf"))) {
                return signInForm(req, res, HttpResponseStatus.FORBIDDEN, login, null,
                        "The sign-in form had expired. Please sign in again.");
            }
            if (login.isEmpty() || password.isEmpty() || login.length() > 200) {
                return signInForm(req, res, HttpResponseStatus.BAD_REQUEST, login, null,
                        "Enter your user ID and password.");
            }
            String address = clientAddress(req);
            List<String> keys = List.of(WebSessions.loginKey(login), WebSessions.addressKey(address));
            return sessions.blockedFor(keys, MAX_FAILURES, FAILURE_WINDOW).flatMap(wait -> {
                if (!wait.isZero()) {
                    LOG.info("self-service: sign-in as '{}' from {} refused: too many failures", login, address);
                    res.header(HttpHeaderNames.RETRY_AFTER, Long.toString(wait.toSeconds()));
                    return signInForm(req, res, HttpResponseStatus.TOO_MANY_REQUESTS, login, null,
                            "Too many failed sign-ins. Please try again in " + minutes(wait) + ".");
                }
                return sessions.credentials(login).map(java.util.Optional::of)
                        .defaultIfEmpty(java.util.Optional.empty())
                        .flatMap(c -> Mono.fromCallable(() -> PasswordHasher.verify(password,
                                        c.map(WebSessions.Credentials::passwordHash).orElse(DUMMY_HASH)) && c.isPresent())
                                .subscribeOn(Schedulers.parallel())
                                .flatMap(ok -> ok ? startSession(req, res, c.get())
                                        : sessions.recordFailure(keys, FAILURE_WINDOW).then(Mono.defer(() -> {
                                            LOG.info("self-service: failed sign-in as '{}' from {}", login, address);
                                            return signInForm(req, res, HttpResponseStatus.FORBIDDEN, login, null,
                                                    "Wrong user ID or password.");
                                        }))));
            });
        });
    }

    private Mono<Void> startSession(HttpServerRequest req, HttpServerResponse res, WebSessions.Credentials c) {
        return Mono.zip(randomToken(), randomToken()).flatMap(t -> sessions.clearFailures(
                        WebSessions.loginKey(c.login()))
                .then(sessions.create(t.getT1(), c.accountId(), t.getT2()))
                .then(Mono.defer(() -> {
                    LOG.info("self-service: '{}' signed in from {}", c.login(), clientAddress(req));
                    res.addHeader(HttpHeaderNames.SET_COOKIE, cookieHeader(req, SESSION_COOKIE, t.getT1(), -1));
                    res.addHeader(HttpHeaderNames.SET_COOKIE, cookieHeader(req, SIGNIN_COOKIE, "", 0));
                    return redirect(res, "/account/");
                })));
    }

    private Mono<Void> signOut(HttpServerRequest req, HttpServerResponse res) {
        return withSession(req, res, (s, f) -> sessions.end(cookie(req, SESSION_COOKIE)).then(Mono.defer(() -> {
            LOG.info("self-service: '{}' signed out", s.login());
            res.addHeader(HttpHeaderNames.SET_COOKIE, cookieHeader(req, SESSION_COOKIE, "", 0));
            return redirect(res, "/account/?signedout");
        })));
    }

    // ---- device slots ----

    private Mono<Void> saveSlot(HttpServerRequest req, HttpServerResponse res, int slot) {
        return withSession(req, res, (s, f) -> {
            DeviceChange change;
            try {
                change = change(f);
            } catch (AccountException e) {
                return devicesPage(res, s, HttpResponseStatus.BAD_REQUEST, null, "Slot " + slot + " not saved: "
                        + Html.label(e.field()) + ": " + e.getMessage());
            }
            return devices.update(s.login(), slot, change).flatMap(after -> {
                LOG.info("self-service: slot {} of '{}' configured", slot, s.login());
                return redirect(res, "/account/?saved=" + slot);
            }).onErrorResume(AccountException.class, e -> devicesPage(res, s,
                    e.reason() == AccountException.Reason.NOT_FOUND ? HttpResponseStatus.NOT_FOUND
                            : HttpResponseStatus.BAD_REQUEST, null, "Slot " + slot + " not saved: " + e.getMessage()));
        });
    }

    private Mono<Void> freeSlot(HttpServerRequest req, HttpServerResponse res, int slot) {
        return withSession(req, res, (s, f) -> devices.free(s.login(), slot).then(Mono.defer(() -> {
            LOG.info("self-service: slot {} of '{}' freed", slot, s.login());
            return redirect(res, "/account/?freed=" + slot);
        })).onErrorResume(AccountException.class, e -> devicesPage(res, s, HttpResponseStatus.NOT_FOUND, null,
                "Slot " + slot + " was not freed: " + e.getMessage())));
    }

    /** The whole configuration of a slot as the form sends it: a checkbox not sent is off. */
    static DeviceChange change(Map<String, List<String>> f) {
        return DeviceChange.builder()
                .name(first(f, "name"))
                .active(f.containsKey("active"))
                .datastores(f.getOrDefault("datastores", List.of()))
                .direction(first(f, "direction"))
                .contactCategories(List.of(first(f, "contactCategories").split(",")))
                .excludeCategories(List.of(first(f, "excludeCategories").split(",")))
                .calendarPastDays(days(f, "calendarPastDays"))
                .calendarFutureDays(days(f, "calendarFutureDays"))
                .conflictPolicy(first(f, "conflictPolicy").isBlank() ? null : first(f, "conflictPolicy"))
                .deletesPropagate(f.containsKey("deletesPropagate"))
                .nextSync(first(f, "nextSync"))
                .build();
    }

    private static Integer days(Map<String, List<String>> f, String field) {
        String v = first(f, field).strip();
        if (v.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw new AccountException(AccountException.Reason.INVALID, field,
                    "enter a whole number of days, or nothing for no limit");
        }
    }

    // ---- plumbing ----

    private interface SignedIn {
        Mono<Void> apply(WebSessions.Session session, Map<String, List<String>> form);
    }

    /** Reads the form, checks the session and its CSRF token, then runs {@code work}; else back to the page. */
    private Mono<Void> withSession(HttpServerRequest req, HttpServerResponse res, SignedIn work) {
        return form(req).flatMap(f -> session(req).flatMap(s -> same(s.csrf(), first(f, "csrf")) ? work.apply(s, f)
                        : devicesPage(res, s, HttpResponseStatus.FORBIDDEN, null,
                                "The form had expired: nothing was changed. Please try again."))
                .switchIfEmpty(Mono.defer(() -> signInForm(req, res, HttpResponseStatus.UNAUTHORIZED, "", null,
                        "Your session has ended. Please sign in again."))));
    }

    private Mono<WebSessions.Session> session(HttpServerRequest req) {
        String token = cookie(req, SESSION_COOKIE);
        return token == null ? Mono.empty() : sessions.touch(token);
    }

    private static Mono<Map<String, List<String>>> form(HttpServerRequest req) {
        return RequestBody.read(req, MAX_FORM).map(bytes -> new QueryStringDecoder(
                new String(bytes, StandardCharsets.UTF_8), StandardCharsets.UTF_8, false, 256).parameters());
    }

    private static String first(Map<String, List<String>> f, String name) {
        List<String> v = f.get(name);
        return v == null || v.isEmpty() || v.get(0) == null ? "" : v.get(0);
    }

    private static int slotNumber(String s) {
        if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(s);
    }

    private static boolean same(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8));
    }

    private static Mono<String> randomToken() {
        // SecureRandom may read /dev/urandom: not on an event loop
        return Mono.fromCallable(() -> {
            byte[] b = new byte[32];
            RANDOM.nextBytes(b);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private static String cookie(HttpServerRequest req, String name) {
        for (String header : req.requestHeaders().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
                if (c.name().equals(name) && !c.value().isEmpty()) {
                    return c.value();
                }
            }
        }
        return null;
    }

    /** {@code maxAge} -1: a browser-session cookie; 0: deletes it. */
    private String cookieHeader(HttpServerRequest req, String name, String value, int maxAge) {
        StringBuilder b = new StringBuilder(name).append('=').append(value).append("; Path=/account/");
        if (maxAge >= 0) {
            b.append("; Max-Age=").append(maxAge);
        }
        b.append("; HttpOnly; SameSite=Strict");
        if (secure(req)) {
            b.append("; Secure");
        }
        return b.toString();
    }

    /** Served over https: TLS here, a public URL in https, or a proxy that says so. */
    private boolean secure(HttpServerRequest req) {
        return https || "https".equalsIgnoreCase(req.scheme())
                || "https".equalsIgnoreCase(req.requestHeaders().get("X-Forwarded-Proto"));
    }

    /** The client's address for the rate limit (see {@link io.syncgw.gateway.http.ClientAddress}). */
    static String clientAddress(HttpServerRequest req) {
        return io.syncgw.gateway.http.ClientAddress.of(req);
    }

    private static String minutes(Duration d) {
        long m = Math.max(1, (d.toSeconds() + 59) / 60);
        return m == 1 ? "a minute" : m + " minutes";
    }

    private static HttpServerResponse headers(HttpServerResponse res) {
        return res.header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", CSP);
    }

    private static Mono<Void> page(HttpServerResponse res, HttpResponseStatus status, String html) {
        return headers(res).status(status).header(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .sendByteArray(Mono.just(html.getBytes(StandardCharsets.UTF_8))).then();
    }

    private static Mono<Void> asset(HttpServerResponse res, String type, byte[] body) {
        return res.status(HttpResponseStatus.OK).header(HttpHeaderNames.CONTENT_TYPE, type)
                .header("X-Content-Type-Options", "nosniff").header(HttpHeaderNames.CACHE_CONTROL, "max-age=3600")
                .sendByteArray(Mono.just(body)).then();
    }

    /** 303: after a POST the browser GETs the page (a reload does not post again). */
    private static Mono<Void> redirect(HttpServerResponse res, String location) {
        return headers(res).status(HttpResponseStatus.SEE_OTHER).header(HttpHeaderNames.LOCATION, location).send();
    }

    private static Mono<Void> notAllowed(HttpServerResponse res, String allow) {
        return headers(res).status(HttpResponseStatus.METHOD_NOT_ALLOWED).header(HttpHeaderNames.ALLOW, allow).send();
    }

    private Mono<Void> failure(HttpServerResponse res, Throwable e) {
        if (res.hasSentHeaders()) {
            return Mono.error(e);
        }
        if (e instanceof RequestBody.TooLarge) {
            return page(res, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Html.simple("Too large",
                    "That form was too large."));
        }
        if (e instanceof StoreUnavailableException) {
            LOG.warn("self-service: {}", e.getMessage());
            return page(res, HttpResponseStatus.SERVICE_UNAVAILABLE, Html.simple("Temporarily unavailable",
                    "Your devices cannot be shown right now. Please try again in a few minutes."));
        }
        LOG.error("self-service: request failed", e);
        return page(res, HttpResponseStatus.INTERNAL_SERVER_ERROR, Html.simple("Something went wrong",
                "Your request could not be completed."));
    }
}
