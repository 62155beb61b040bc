package io.syncgw.gateway.ops;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.syncgw.engine.port.DevicePolicy;
import io.syncgw.engine.port.StoreUnavailableException;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.account.AccountException;
import io.syncgw.persistence.account.AccountSummary;
import io.syncgw.persistence.account.DeviceAdmin;
import io.syncgw.persistence.account.DeviceChange;
import io.syncgw.persistence.account.DeviceSlot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The JSON admin API on the admin port, behind {@code Authorization: Bearer <admin token>}:
 * <pre>
 * GET    /api/users                          every account
 * POST   /api/users                          {"login", "password", "md5"?, "maxDevices"?}: 201, 409 when taken
 * GET    /api/users/{login}                  one account
 * PUT    /api/users/{login}                  {"maxDevices"?, "password"?}
 * DELETE /api/users/{login}                  204: the account with its devices and data
 * GET    /api/users/{login}/devices          every slot, 1..N, free ones with "deviceId": null
 * GET    /api/users/{login}/devices/{slot}   one slot
 * PUT    /api/users/{login}/devices/{slot}   any of the configuration fields and "active"
 * DELETE /api/users/{login}/devices/{slot}   204: frees the slot (the device's anchors and mappings go)
 * </pre>
 * Errors are {@code {"error": "...", "field": "..."}} (field when one is at fault): 400 bad input (unknown fields
 * too), 401 without the token, 404 unknown account or slot, 405 wrong method, 409 login taken, 413 body over 64 KB,
 * 503 database unavailable. Every change is logged once at INFO, without passwords or values.
 */
public final class AdminApi implements Consumer<HttpServerRoutes> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);

    /** Largest request body. */
    public static final int MAX_BODY = 64 * 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AccountAdmin accounts;
    private final DeviceAdmin devices;
    private final String token;
    private final ObjectMapper json = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * @param token the bearer token every request must carry
     */
    public AdminApi(AccountAdmin accounts, DeviceAdmin devices, String token) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.devices = Objects.requireNonNull(devices, "devices");
        this.token = Objects.requireNonNull(token, "token");
        if (token.isBlank()) {
            throw new IllegalArgumentException("the admin token must not be blank");
        }
    }

    @Override
    public void accept(HttpServerRoutes routes) {
        routes.route(req -> {
            String p = new QueryStringDecoder(req.uri()).rawPath();
            return p.equals("/api") || p.startsWith("/api/");
        }, this::handle);
    }

    /** A response: status, JSON body (null for none), extra header. */
    private record Reply(HttpResponseStatus status, JsonNode body, String header, String headerValue) {
        Reply(HttpResponseStatus status, JsonNode body) {
            this(status, body, null, null);
        }
    }

    /** A 4xx answer raised while routing. */
    private static final class ApiError extends RuntimeException {
        final HttpResponseStatus status;
        final String field;
        final String allow;

        ApiError(HttpResponseStatus status, String field, String message) {
            this(status, field, message, null);
        }

        ApiError(HttpResponseStatus status, String field, String message, String allow) {
            super(message, null, false, false);
            this.status = status;
            this.field = field;
            this.allow = allow;
        }
    }

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        Mono<Reply> reply;
        if (!AdminServer.authorized(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION), token)) {
            reply = Mono.just(new Reply(HttpResponseStatus.UNAUTHORIZED,
                    error("a valid 'Authorization: Bearer <admin token>' header is required", null),
                    HttpHeaderNames.WWW_AUTHENTICATE.toString(), "Bearer realm=\"syncgw-admin\""));
        } else {
            reply = Mono.defer(() -> route(req)).onErrorResume(this::failure);
        }
        return reply.flatMap(r -> send(res, r));
    }

    private Mono<Void> send(HttpServerResponse res, Reply r) {
        res.status(r.status()).header(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (r.header() != null) {
            res.header(r.header(), r.headerValue());
        }
        if (r.body() == null) {
            return res.send().then();
        }
        byte[] bytes;
        try {
            bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(r.body());
        } catch (JsonProcessingException e) {
            return Mono.error(e);
        }
        return res.header(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .sendByteArray(Mono.just(bytes)).then();
    }

    private Mono<Reply> failure(Throwable e) {
        if (e instanceof ApiError a) {
            return Mono.just(new Reply(a.status, error(a.getMessage(), a.field),
                    a.allow == null ? null : HttpHeaderNames.ALLOW.toString(), a.allow));
        }
        if (e instanceof AccountException a) {
            HttpResponseStatus status = switch (a.reason()) {
                case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
                case EXISTS -> HttpResponseStatus.CONFLICT;
                case INVALID -> HttpResponseStatus.BAD_REQUEST;
            };
            return Mono.just(new Reply(status, error(a.getMessage(), a.field())));
        }
        if (e instanceof RequestBody.TooLarge) {
            return Mono.just(new Reply(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, error(e.getMessage(), null)));
        }
        if (e instanceof StoreUnavailableException) {
            LOG.warn("admin API: {}", e.getMessage());
            return Mono.just(new Reply(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    error("the database is not available, try again later", null)));
        }
        LOG.error("admin API: request failed", e);
        return Mono.just(new Reply(HttpResponseStatus.INTERNAL_SERVER_ERROR, error("internal error", null)));
    }

    private static ObjectNode error(String message, String field) {
        ObjectNode n = NODES.objectNode().put("error", message);
        if (field != null) {
            n.put("field", field);
        }
        return n;
    }

    // ---- routing ----

    private Mono<Reply> route(HttpServerRequest req) {
        List<String> path = segments(new QueryStringDecoder(req.uri()).rawPath());
        HttpMethod m = req.method();
        if (path.size() < 2 || !path.get(1).equals("users")) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, null, "no such resource; see /api/users");
        }
        if (path.size() == 2) {
            if (m.equals(HttpMethod.GET)) {
                return listUsers();
            }
            if (m.equals(HttpMethod.POST)) {
                return body(req).flatMap(this::createUser);
            }
            throw notAllowed("GET, POST");
        }
        String login = path.get(2);
        if (path.size() == 3) {
            if (m.equals(HttpMethod.GET)) {
                return user(login, HttpResponseStatus.OK);
            }
            if (m.equals(HttpMethod.PUT)) {
                return body(req).flatMap(b -> changeUser(login, b));
            }
            if (m.equals(HttpMethod.DELETE)) {
                return accounts.remove(login).then(Mono.fromSupplier(() -> {
                    LOG.info("admin API: account '{}' removed", login);
                    return new Reply(HttpResponseStatus.NO_CONTENT, null);
                }));
            }
            throw notAllowed("GET, PUT, DELETE");
        }
        if (!path.get(3).equals("devices") || path.size() > 5) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, null, "no such resource");
        }
        if (path.size() == 4) {
            if (m.equals(HttpMethod.GET)) {
                return devices.slots(login).map(all -> {
                    ArrayNode a = NODES.arrayNode();
                    all.forEach(s -> a.add(slotJson(s)));
                    return new Reply(HttpResponseStatus.OK, a);
                });
            }
            throw notAllowed("GET");
        }
        int slot = slotNumber(path.get(4));
        if (m.equals(HttpMethod.GET)) {
            return devices.slot(login, slot).map(s -> new Reply(HttpResponseStatus.OK, slotJson(s)));
        }
        if (m.equals(HttpMethod.PUT)) {
            return body(req).flatMap(b -> {
                DeviceChange change = deviceChange(b);
                return devices.update(login, slot, change).map(s -> {
                    LOG.info("admin API: slot {} of '{}' configured: {}", slot, login, names(change));
                    return new Reply(HttpResponseStatus.OK, slotJson(s));
                });
            });
        }
        if (m.equals(HttpMethod.DELETE)) {
            return devices.free(login, slot).then(Mono.fromSupplier(() -> {
                LOG.info("admin API: slot {} of '{}' freed", slot, login);
                return new Reply(HttpResponseStatus.NO_CONTENT, null);
            }));
        }
        throw notAllowed("GET, PUT, DELETE");
    }

    private static ApiError notAllowed(String allow) {
        return new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, null, "method not allowed; allowed: " + allow,
                allow);
    }

    /** "/api/users/a%2Fb/devices" → [api, users, a/b, devices]; an empty trailing segment is dropped. */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/", -1)) {
            if (!s.isEmpty()) {
                out.add(QueryStringDecoder.decodeComponent(s));
            }
        }
        return out;
    }

    private static int slotNumber(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ApiError(HttpResponseStatus.BAD_REQUEST, "slot", "slot must be a number from 1");
    }

    private Mono<JsonNode> body(HttpServerRequest req) {
        return RequestBody.read(req, MAX_BODY).map(bytes -> {
            JsonNode n;
            try {
                n = bytes.length == 0 ? null : json.readTree(bytes);
            } catch (JsonProcessingException e) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, null, "the body is not valid JSON: "
                        + e.getOriginalMessage());
            } catch (java.io.IOException e) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, null, "the body is not valid JSON");
            }
            if (n == null || !n.isObject()) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, null, "the body must be a JSON object");
            }
            return n;
        });
    }

    // ---- accounts ----

    private Mono<Reply> listUsers() {
        return accounts.list().map(this::userJson).collectList().map(all -> {
            ArrayNode a = NODES.arrayNode();
            a.addAll(all);
            return new Reply(HttpResponseStatus.OK, a);
        });
    }

    private Mono<Reply> user(String login, HttpResponseStatus status) {
        return accounts.get(login).map(a -> new Reply(status, userJson(a)));
    }

    private ObjectNode userJson(AccountSummary a) {
        ObjectNode n = NODES.objectNode().put("login", a.login())
                .put("createdAt", a.createdAt() == null ? null : a.createdAt().toString())
                .put("devices", a.devices());
        if (a.maxDevices() == null) {
            n.putNull("maxDevices");
        } else {
            n.put("maxDevices", a.maxDevices());
        }
        n.put("slots", a.maxDevices() == null ? devices.defaultMaxDevices() : a.maxDevices());
        ObjectNode items = n.putObject("items");
        a.liveItems().forEach(items::put);
        return n;
    }

    private Mono<Reply> createUser(JsonNode b) {
        onlyFields(b, "login", "password", "md5", "maxDevices");
        String login = requiredText(b, "login");
        String password = requiredText(b, "password");
        boolean md5 = !b.has("md5") || bool(b, "md5");
        Integer max = b.has("maxDevices") ? maxDevices(b) : null;
        Mono<Void> limit = max == null ? Mono.empty() : accounts.setMaxDevices(login, max);
        return accounts.add(login, password, md5).then(limit).then(Mono.defer(() -> {
            LOG.info("admin API: account '{}' created{}", login, md5 ? "" : " (without MD5)");
            return user(login, HttpResponseStatus.CREATED);
        })).map(r -> new Reply(r.status(), r.body(), HttpHeaderNames.LOCATION.toString(),
                "/api/users/" + encodeSegment(login)));
    }

    private Mono<Reply> changeUser(String login, JsonNode b) {
        onlyFields(b, "maxDevices", "password");
        Mono<Void> work = Mono.empty();
        List<String> changed = new ArrayList<>();
        if (b.has("maxDevices")) {
            Integer max = maxDevices(b);
            work = work.then(accounts.setMaxDevices(login, max));
            changed.add("maxDevices");
        }
        if (b.has("password")) {
            String pw = requiredText(b, "password");
            work = work.then(accounts.passwd(login, pw));
            changed.add("password");
        }
        return work.then(Mono.defer(() -> {
            if (!changed.isEmpty()) {
                LOG.info("admin API: account '{}' changed: {}", login, String.join(", ", changed));
            }
            return user(login, HttpResponseStatus.OK);
        }));
    }

    private static Integer maxDevices(JsonNode b) {
        JsonNode v = b.get("maxDevices");
        if (v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1
                || v.intValue() > AccountAdmin.MAX_DEVICES_LIMIT) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, "maxDevices", "maxDevices must be a number from 1 to "
                    + AccountAdmin.MAX_DEVICES_LIMIT + ", or null for the server's default");
        }
        return v.intValue();
    }

    // ---- device slots ----

    /** A slot as JSON: every field present; a free slot has nulls but its number and status. */
    static ObjectNode slotJson(DeviceSlot s) {
        ObjectNode n = NODES.objectNode().put("slot", s.slot()).put("status", s.status().wireName())
                .put("deviceId", s.deviceId()).put("manufacturer", s.manufacturer()).put("model", s.model())
                .put("lastSync", s.lastSync() == null ? null : s.lastSync().toString());
        DevicePolicy p = s.policy();
        if (p == null) {
            for (String f : new String[] {"active", "name", "datastores", "direction", "contactCategories",
                    "excludeCategories", "calendarPastDays", "calendarFutureDays", "conflictPolicy",
                    "deletesPropagate", "nextSync"}) {
                n.putNull(f);
            }
            return n;
        }
        n.put("active", p.active()).put("name", p.name());
        ArrayNode stores = n.putArray("datastores");
        for (String d : List.of("contacts", "calendar", "tasks")) {
            if (p.allows(d)) {
                stores.add(d);
            }
        }
        n.put("direction", p.direction().wireName());
        p.contactCategories().forEach(n.putArray("contactCategories")::add);
        p.excludeCategories().forEach(n.putArray("excludeCategories")::add);
        n.put("calendarPastDays", p.calendarPastDays()).put("calendarFutureDays", p.calendarFutureDays())
                .put("conflictPolicy", p.conflictPolicy() == null ? null : p.conflictPolicy().wireName())
                .put("deletesPropagate", p.deletesPropagate()).put("nextSync", p.nextSync().wireName());
        return n;
    }

    /** The configuration fields of a PUT, each checked for its JSON type, then by {@link DeviceChange}. */
    static DeviceChange deviceChange(JsonNode b) {
        DeviceChange.Builder c = DeviceChange.builder();
        for (Map.Entry<String, JsonNode> e : b.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            DeviceChange.Field f = DeviceChange.Field.of(name);
            if (f == null) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, name, "unknown field '" + name
                        + "'; the configuration fields are name, active, datastores, direction, contactCategories, "
                        + "excludeCategories, calendarPastDays, calendarFutureDays, conflictPolicy, "
                        + "deletesPropagate, nextSync");
            }
            switch (f) {
                case NAME -> c.name(v.isNull() ? null : text(v, name));
                case ACTIVE -> c.active(bool(b, name));
                case DATASTORES -> c.datastores(strings(v, name));
                case DIRECTION -> c.direction(text(v, name));
                case CONTACT_CATEGORIES -> c.contactCategories(strings(v, name));
                case EXCLUDE_CATEGORIES -> c.excludeCategories(strings(v, name));
                case CALENDAR_PAST_DAYS -> c.calendarPastDays(days(v, name));
                case CALENDAR_FUTURE_DAYS -> c.calendarFutureDays(days(v, name));
                case CONFLICT_POLICY -> c.conflictPolicy(v.isNull() ? null : text(v, name));
                case DELETES_PROPAGATE -> c.deletesPropagate(bool(b, name));
                case NEXT_SYNC -> c.nextSync(text(v, name));
            }
        }
        return c.build();
    }

    private static String names(DeviceChange change) {
        List<String> n = new ArrayList<>();
        change.fields().forEach(f -> n.add(f.wireName()));
        return n.isEmpty() ? "nothing" : String.join(", ", n);
    }

    // ---- JSON field checks ----

    private static void onlyFields(JsonNode b, String... allowed) {
        for (Map.Entry<String, JsonNode> e : b.properties()) {
            String n = e.getKey();
            if (!List.of(allowed).contains(n)) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, n, "unknown field '" + n + "'; allowed: "
                        + String.join(", ", allowed));
            }
        }
    }

    private static String requiredText(JsonNode b, String name) {
        JsonNode v = b.get(name);
        if (v == null || v.isNull()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, name, name + " is required");
        }
        return text(v, name);
    }

    private static String text(JsonNode v, String name) {
        if (!v.isTextual()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, name, name + " must be a string");
        }
        return v.textValue();
    }

    private static boolean bool(JsonNode b, String name) {
        JsonNode v = b.get(name);
        if (v == null || !v.isBoolean()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, name, name + " must be true or false");
        }
        return v.booleanValue();
    }

    private static List<String> strings(JsonNode v, String name) {
        if (!v.isArray()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, name, name + " must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new ApiError(HttpResponseStatus.BAD_REQUEST, name, name + " must be a list of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    private static Integer days(JsonNode v, String name) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ApiError(HttpResponseStatus.BAD_REQUEST, name, name
                    + " must be a whole number of days, or null for no limit");
        }
        return v.intValue();
    }

    private static String encodeSegment(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
