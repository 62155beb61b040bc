package io.syncgw.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.syncgw.codec.model.AlertCode;
import io.syncgw.engine.session.MessageReport;
import io.syncgw.engine.testing.Cards;
import io.syncgw.engine.testing.TestClient;
import io.syncgw.gateway.Gateway;
import io.syncgw.gateway.cli.Args;
import io.syncgw.gateway.http.HttpTransport;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * The operations files under {@code ops/} against the real thing: {@code promtool} (Debian package
 * {@code prometheus}) checks the alert rules and the example Prometheus configuration, and every metric the Grafana
 * dashboard and the rules query — with the labels they match on — must be in a real scrape of a real gateway on a
 * real PostgreSQL, after sessions that make every labelled series appear (syncs both ways, a conflict, a wrong
 * password, a device beyond its account's slots, a non-active device, refused requests, a full node, a draining
 * node). That scrape must also pass {@code promtool check metrics} without a single remark.
 */
class OpsFilesIT {
    private static final Path OPS = opsDir();
    private static final Path DASHBOARD = OPS.resolve("grafana/syncgw-dashboard.json");
    private static final Path RULES = OPS.resolve("prometheus/syncgw-alerts.yml");
    private static final Path CONFIG = OPS.resolve("prometheus/prometheus.yml");
    /** Series Prometheus makes itself for every target, not exported by the gateway. */
    private static final Set<String> FROM_PROMETHEUS = Set.of("up", "scrape_duration_seconds",
            "scrape_samples_scraped", "scrape_series_added", "scrape_samples_post_metric_relabeling");
    /** Labels Prometheus attaches to every scraped series (see prometheus.yml). */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job");
    private static final int MAX_SESSIONS = 40;

    private static Database database;
    private static Gateway gateway;
    private static String syncUrl;
    private static String scrape;
    /** Sample name → label name → values seen. */
    private static Map<String, Map<String, Set<String>>> series;

    @BeforeAll
    static void runSessionsAndScrape() throws IOException {
        DatabaseConfig config = TestPostgres.freshDatabase();
        database = Database.open(config);
        new Migrator(database.connectionFactory()).migrate().block(Duration.ofMinutes(1));
        AccountAdmin accounts = new AccountAdmin(database);
        accounts.add("olga", "s3cret").block(Duration.ofSeconds(30));
        accounts.add("solo", "s3cret").block(Duration.ofSeconds(30));
        accounts.add("probe", "s3cret").block(Duration.ofSeconds(30));
        TestPostgres.jdbc(config.port(), config.database(), "update account set max_devices = 1 where login = 'solo'");
        TestPostgres.jdbc(config.port(), config.database(), "update account set max_devices = 64 where login = 'probe'");
        // as `serve` builds it from its options: the admin port with /metrics, a node limit small enough to reach
        Args args = Args.parse(new String[] {"--bind", "127.0.0.1", "--port", "0", "--admin-bind", "127.0.0.1",
            "--admin-port", "0", "--max-sessions", Integer.toString(MAX_SESSIONS), "--max-message-size", "64k"},
                Set.of(), Map.of());
        gateway = Gateway.start(Gateway.Settings.from(args), database);
        syncUrl = "http://127.0.0.1:" + gateway.port() + "/sync";

        // items both ways, in every operation, and a conflict
        TestClient a = new TestClient("ops-dev-a", "olga", "s3cret");
        TestClient b = new TestClient("ops-dev-b", "olga", "s3cret");
        for (int i = 1; i <= 6; i++) {
            a.addLocal("a" + i, Cards.v30(i, 1));
        }
        assertThat(sync(a, AlertCode.SLOW_SYNC).completed).isTrue();
        assertThat(sync(b, AlertCode.SLOW_SYNC).receivedAdds).isEqualTo(6);
        a.modifyLocal("a1", Cards.v30(1, 2));
        a.deleteLocal("a2");
        a.modifyLocal("a3", Cards.v30(3, 2));
        assertThat(sync(a, AlertCode.TWO_WAY).completed).isTrue();
        String bLuid3 = b.items.entrySet().stream().filter(e -> e.getValue().equals(Cards.v30(3, 1))).findFirst()
                .orElseThrow().getKey();
        b.modifyLocal(bLuid3, Cards.v30(3, 3)); // changed on both sides since b's last sync: a conflict
        // resolved by b's own policy, not the server's default: the metric's label says which
        TestPostgres.jdbc(config.port(), config.database(),
                "update device set conflict_policy = 'client-wins' where device_uri = 'ops-dev-b'");
        TestClient.Result rb = sync(b, AlertCode.TWO_WAY);
        assertThat(rb.completed).as(rb.toString()).isTrue();
        assertThat(rb.receivedDeletes).isEqualTo(1);
        b.addLocal("b-new", Cards.v30(50, 1));
        b.deleteLocal(b.items.keySet().iterator().next());
        assertThat(sync(b, AlertCode.TWO_WAY).completed).isTrue();
        assertThat(sync(a, AlertCode.TWO_WAY).completed).isTrue();

        // a wrong password; a device beyond the account's single slot; a device whose slot is made non-active
        assertThat(sync(new TestClient("ops-dev-x", "olga", "guess"), AlertCode.TWO_WAY).headerStatus).isEqualTo(401);
        TestClient first = new TestClient("ops-solo-1", "solo", "s3cret");
        first.addLocal("s1", Cards.v30(70, 1));
        assertThat(sync(first, AlertCode.SLOW_SYNC).completed).isTrue();
        assertThat(sync(new TestClient("ops-solo-2", "solo", "s3cret"), AlertCode.SLOW_SYNC).headerStatus)
                .isEqualTo(403);
        TestPostgres.jdbc(config.port(), config.database(), "update device set active = false "
                + "where device_uri = 'ops-solo-1'");
        assertThat(sync(first, AlertCode.TWO_WAY).headerStatus).isEqualTo(403);

        // requests refused before a session: malformed, too large, wrong content type, node full, node draining
        byte[] firstMessage = firstMessageOf(new TestClient("ops-probe", "probe", "s3cret"));
        assertThat(post("application/vnd.syncml+xml", "\u0000garbage<<".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(400);
        assertThat(post("application/vnd.syncml+xml", ("<SyncML>" + " ".repeat(70_000))
                .getBytes(StandardCharsets.UTF_8))).isEqualTo(413);
        assertThat(post("text/plain", firstMessage)).isEqualTo(415);
        int status = 200;
        for (int i = 0; i <= MAX_SESSIONS && status == 200; i++) {
            // each opens a session it never finishes (another device each: the same message again is a resend)
            status = post("application/vnd.syncml+xml", firstMessageOf(new TestClient("ops-probe-" + i, "probe",
                    "s3cret")));
        }
        assertThat(status).as("a new session on a full node").isEqualTo(503);
        assertThat(get("/readyz")).isEqualTo(200);
        assertThat(gateway.drain(Duration.ZERO)).isPositive();
        assertThat(get("/readyz")).isEqualTo(503);
        assertThat(get("/healthz")).isEqualTo(200);
        assertThat(post("application/vnd.syncml+xml", firstMessageOf(new TestClient("ops-late", "probe", "s3cret"))))
                .as("SyncML 417 in an HTTP 200").isEqualTo(200);

        // the GC pause timer has a series once a collection was reported
        System.gc();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        do {
            scrape = HttpClient.create().get().uri("http://127.0.0.1:" + gateway.adminPort() + "/metrics")
                    .responseSingle((res, body) -> body.asString()).block(Duration.ofSeconds(10));
        } while (!scrape.contains("jvm_gc_pause_seconds_count") && System.nanoTime() < deadline);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/ops-scrape.prom"), scrape); // for a look after a failure
        series = parseScrape(scrape);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static TestClient.Result sync(TestClient c, int mode) {
        return c.syncOver(mode, new HttpTransport(syncUrl));
    }

    /** The first message a client sends, as bytes (captured from a transport that answers nothing). */
    private static byte[] firstMessageOf(TestClient c) {
        byte[][] captured = new byte[1][];
        try {
            c.syncOver(AlertCode.TWO_WAY, message -> {
                captured[0] = message;
                throw new IllegalStateException("captured");
            });
        } catch (IllegalStateException expected) {
            // the client stops at its first exchange
        }
        assertThat(captured[0]).isNotNull();
        return captured[0];
    }

    private static int post(String contentType, byte[] body) {
        return HttpClient.create().headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, contentType))
                .post().uri(syncUrl).send(ByteBufFlux.fromInbound(Mono.just(body)))
                .responseSingle((res, b) -> Mono.just(res.status().code())).block(Duration.ofSeconds(10));
    }

    private static int get(String path) {
        return HttpClient.create().get().uri("http://127.0.0.1:" + gateway.port() + path)
                .responseSingle((res, b) -> Mono.just(res.status().code())).block(Duration.ofSeconds(10));
    }

    // ---------------------------------------------------------------------------------------------- the checks

    @Test
    void promtoolAcceptsTheAlertRules() {
        Run r = promtool(null, "check", "rules", "--lint=all", "--lint-fatal", RULES.toString());
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("SUCCESS");
    }

    @Test
    void promtoolAcceptsTheExampleConfigurationAndTheRulesItLoads() {
        Run r = promtool(null, "check", "config", "--lint=all", "--lint-fatal", CONFIG.toString());
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("SUCCESS").contains("syncgw-alerts.yml");
    }

    @Test
    void theScrapePassesPromtoolCheckMetricsWithoutARemark() {
        Run r = promtool(scrape, "check", "metrics");
        assertThat(r.output).as("promtool check metrics on target/ops-scrape.prom").isEmpty();
        assertThat(r.exit).isZero();
    }

    @Test
    void theScrapeCountsRefusalsAndConflictsAndNamesNoUserOrDevice() {
        assertThat(scrape).doesNotContain("ops-dev-", "ops-solo-", "ops-probe", "ops-late", "olga", "solo\"",
                "probe\"");
        assertThat(value("syncgw_slots_refused_total", Map.of())).isEqualTo(1);
        assertThat(value("syncgw_sessions_failed_total", Map.of("reason", "no_free_slot", "status", "403")))
                .isEqualTo(1);
        assertThat(value("syncgw_sessions_failed_total", Map.of("reason", "device_inactive", "status", "403")))
                .isEqualTo(1);
        assertThat(series.get("syncgw_conflicts_total")).as("conflicts by policy").containsOnlyKeys("policy");
        assertThat(scrape.lines().map(Sample::parse).filter(x -> x != null && x.name.equals("syncgw_conflicts_total"))
                .mapToDouble(Sample::value).sum()).as("the one conflict").isEqualTo(1);
        assertThat(value("syncgw_conflicts_total", Map.of("policy", "client-wins")))
                .as("counted under the device's own policy").isEqualTo(1);
    }

    @Test
    void alertRulesAreCompleteAndQueryOnlyMetricsThatExist() throws IOException {
        String text = Files.readString(RULES);
        List<Map<String, String>> rules = RuleFile.rules(text);
        assertThat(rules).hasSizeGreaterThanOrEqualTo(9);
        assertThat(rules.size()).as("every expr: of the file read").isEqualTo(count(text, "\n\\s*expr:"));
        Set<String> names = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (Map<String, String> rule : rules) {
            String alert = rule.get("alert");
            assertThat(alert).as("an alert rule (no recording rules here)").isNotBlank().matches("[A-Z][A-Za-z0-9]+");
            assertThat(rule.get("for")).as(alert + " for").matches("\\d+[smh]");
            assertThat(rule.get("labels.severity")).as(alert + " severity").isIn("critical", "warning", "info");
            assertThat(rule.get("annotations.summary")).as(alert + " summary").isNotBlank();
            assertThat(rule.get("annotations.description")).as(alert + " description").isNotBlank();
            String expr = rule.get("expr");
            assertThat(expr).as(alert + " expr").isNotBlank().doesNotContain("$__", "$instance");
            problems.addAll(check(alert, expr, names));
        }
        assertThat(problems).as("metrics and labels the rules use, in target/ops-scrape.prom").isEmpty();
        System.out.println("alert rules use: " + names);
    }

    @Test
    void dashboardIsWellFormedAndQueriesOnlyMetricsThatExist() throws IOException {
        Map<?, ?> dash = (Map<?, ?>) Json.parse(Files.readString(DASHBOARD));
        assertThat(((Number) dash.get("schemaVersion")).intValue()).isGreaterThanOrEqualTo(36);
        assertThat(dash.get("uid")).isEqualTo("syncgw");
        List<?> variables = (List<?>) ((Map<?, ?>) dash.get("templating")).get("list");
        Map<String, Map<?, ?>> vars = new LinkedHashMap<>();
        variables.forEach(v -> vars.put((String) ((Map<?, ?>) v).get("name"), (Map<?, ?>) v));
        Map<?, ?> datasource = vars.get("DS_PROMETHEUS");
        assertThat(datasource).as("datasource variable DS_PROMETHEUS").isNotNull();
        assertThat(List.of(datasource.get("type"), datasource.get("query"))).containsExactly("datasource", "prometheus");
        Map<?, ?> instance = vars.get("instance");
        assertThat(instance).as("instance variable").isNotNull();
        assertThat(List.of(instance.get("type"), instance.get("multi"), instance.get("includeAll")))
                .containsExactly("query", Boolean.TRUE, Boolean.TRUE);
        String instanceQuery = String.valueOf(((Map<?, ?>) instance.get("query")).get("query"));
        Matcher lv = Pattern.compile("label_values\\((\\w+)\\s*,\\s*instance\\)").matcher(instanceQuery);
        assertThat(lv.find()).as(instanceQuery).isTrue();

        List<Map<?, ?>> panels = new ArrayList<>();
        collectPanels((List<?>) dash.get("panels"), panels);
        Set<Object> ids = new TreeSet<>();
        Set<String> names = new LinkedHashSet<>(List.of(lv.group(1)));
        List<String> problems = new ArrayList<>(check("variable instance", new PromQl.Selector(lv.group(1), List.of())));
        int queries = 0;
        for (Map<?, ?> p : panels) {
            String title = String.valueOf(p.get("title"));
            assertThat(ids.add(p.get("id"))).as("unique panel id of " + title).isTrue();
            assertThat(p.get("gridPos")).as(title + " gridPos").isNotNull();
            if ("row".equals(p.get("type"))) {
                continue;
            }
            assertThat(String.valueOf(((Map<?, ?>) p.get("datasource")).get("uid"))).as(title)
                    .isEqualTo("${DS_PROMETHEUS}");
            List<?> targets = (List<?>) p.get("targets");
            assertThat(targets).as(title + " targets").isNotEmpty();
            for (Object t : targets) {
                Map<?, ?> target = (Map<?, ?>) t;
                String expr = (String) target.get("expr");
                assertThat(target.get("refId")).as(title).isNotNull();
                assertThat(expr).as(title + " filters on the instance variable").contains("instance=~\"$instance\"");
                problems.addAll(check(title, expr, names));
                queries++;
            }
        }
        assertThat(queries).isGreaterThan(20);
        assertThat(problems).as("metrics and labels the dashboard uses, in target/ops-scrape.prom").isEmpty();
        System.out.println("dashboard uses: " + names);
    }

    private static void collectPanels(List<?> list, List<Map<?, ?>> into) {
        for (Object o : list) {
            Map<?, ?> p = (Map<?, ?>) o;
            into.add(p);
            if (p.get("panels") instanceof List<?> nested) {
                collectPanels(nested, into);
            }
        }
    }

    /**
     * What is wrong with the metrics an expression queries (see {@link #check(String, PromQl.Selector)}), and with
     * its {@code by (...)}, {@code on (...)}... lists: a label none of its metrics has. Adds the metrics to
     * {@code names}.
     */
    private static List<String> check(String where, String expr, Set<String> names) {
        PromQl.Query q = PromQl.parse(expr);
        List<String> problems = new ArrayList<>();
        Set<String> labels = new TreeSet<>(TARGET_LABELS);
        for (PromQl.Selector s : q.selectors()) {
            names.add(s.name());
            problems.addAll(check(where, s));
            labels.addAll(series.getOrDefault(s.name(), Map.of()).keySet());
        }
        for (String l : q.grouping()) {
            if (!labels.contains(l)) {
                problems.add(where + ": no metric of the expression has the label " + l + " it groups or matches by");
            }
        }
        return problems;
    }

    /**
     * What is wrong with a selector: its metric not in the scrape, a label the metric does not have, a value the
     * gateway never gives that label. A failure reason the test did not provoke (a database outage...) passes when
     * it is one the engine reports ({@link MessageReport.Failure}).
     */
    private static List<String> check(String where, PromQl.Selector s) {
        if (FROM_PROMETHEUS.contains(s.name())) {
            return List.of();
        }
        Map<String, Set<String>> labels = series.get(s.name());
        if (labels == null) {
            return List.of(where + ": " + s.name() + " is not in the scrape");
        }
        List<String> problems = new ArrayList<>();
        for (PromQl.Matcher m : s.matchers()) {
            if (TARGET_LABELS.contains(m.label())) {
                continue;
            }
            Set<String> values = labels.get(m.label());
            if (values == null) {
                problems.add(where + ": " + s.name() + " has no label " + m.label() + " (has " + labels.keySet() + ")");
                continue;
            }
            for (String v : m.literalValues()) {
                if (!values.contains(v) && !knownValue(s.name(), m.label(), v)) {
                    problems.add(where + ": " + s.name() + "{" + m.label() + "=\"" + v + "\"} never appears (seen: "
                            + values + ")");
                }
            }
        }
        return problems;
    }

    private static boolean knownValue(String name, String label, String value) {
        return name.startsWith("syncgw_sessions_failed") && label.equals("reason")
                && Arrays.stream(MessageReport.Failure.values())
                .anyMatch(f -> f.name().toLowerCase(Locale.ROOT).equals(value));
    }

    private static double value(String name, Map<String, String> labels) {
        for (String line : scrape.split("\n")) {
            Sample s = Sample.parse(line);
            if (s != null && s.name.equals(name) && s.labels.equals(labels)) {
                return s.value;
            }
        }
        throw new AssertionError("no " + name + labels + " in target/ops-scrape.prom");
    }

    private static int count(String text, String regex) {
        return (int) Pattern.compile(regex).matcher(text).results().count();
    }

    // ---------------------------------------------------------------------------------------------- the scrape

    private record Sample(String name, Map<String, String> labels, double value) {
        private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

        static Sample parse(String line) {
            if (line.isEmpty() || line.startsWith("#")) {
                return null;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not a sample line: " + line);
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            return new Sample(m.group(1), labels, Double.parseDouble(m.group(3)));
        }
    }

    private static Map<String, Map<String, Set<String>>> parseScrape(String text) {
        Map<String, Map<String, Set<String>>> out = new HashMap<>();
        for (String line : text.split("\n")) {
            Sample s = Sample.parse(line);
            if (s != null) {
                Map<String, Set<String>> labels = out.computeIfAbsent(s.name, k -> new HashMap<>());
                s.labels.forEach((k, v) -> labels.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- promtool

    private record Run(int exit, String output) {
    }

    private static Run promtool(String stdin, String... args) {
        String exe = findPromtool();
        List<String> command = new ArrayList<>(List.of(exe));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Run(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream buf = new ByteArrayOutputStream()) {
            in.transferTo(buf);
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** promtool from PATH; its absence fails the test (the checks are part of the suite, never skipped). */
    private static String findPromtool() {
        String path = System.getenv().getOrDefault("PATH", "") + java.io.File.pathSeparator + "/usr/bin";
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new AssertionError("promtool not found on PATH: it comes with the Debian package prometheus — "
                + "run `apt-get install -y prometheus` (.ci/run does)");
    }

    /** {@code ops/} of the checkout, from the module directory the tests run in (or the root, or deeper). */
    private static Path opsDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("ops/prometheus")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d.resolve("ops");
            }
        }
        throw new AssertionError("no ops/prometheus above " + Path.of("").toAbsolutePath());
    }

    // ---------------------------------------------------------------------------------------------- PromQL

    /**
     * The series selectors of a PromQL expression: metric names with their label matchers. Functions, aggregations
     * and their {@code by (...)} lists, keywords, numbers, durations, ranges and strings are skipped; Grafana's
     * {@code $__rate_interval} and friends stand for durations.
     */
    static final class PromQl {
        record Matcher(String label, String op, String value) {
            /** The values an {@code =} matcher, or an {@code =~} of plain alternatives, asks for. */
            List<String> literalValues() {
                if (op.equals("=")) {
                    return List.of(value);
                }
                if (op.equals("=~") && value.matches("[A-Za-z0-9_./-]+(\\|[A-Za-z0-9_./-]+)*")) {
                    return List.of(value.split("\\|"));
                }
                return List.of();
            }
        }

        record Selector(String name, List<Matcher> matchers) {
        }

        /** @param grouping the labels of its {@code by}, {@code without}, {@code on}, {@code ignoring}... lists */
        record Query(List<Selector> selectors, Set<String> grouping) {
        }

        /** Operators and aggregations (these may stand before their {@code by (...)}, not before a parenthesis). */
        private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
                "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2", "sum", "avg", "min", "max",
                "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values");
        private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
                "group_right");

        static Query parse(String expr) {
            String s = expr.replaceAll("\\$__(rate_interval|interval|range)", "5m");
            List<Selector> out = new ArrayList<>();
            Set<String> grouping = new TreeSet<>();
            int i = 0;
            int n = s.length();
            while (i < n) {
                char c = s.charAt(i);
                if (c == '"' || c == '\'' || c == '`') {
                    i = skipString(s, i);
                } else if (c == '[') {
                    i = s.indexOf(']', i) + 1;
                    if (i == 0) {
                        throw new AssertionError("unclosed [ in " + expr);
                    }
                } else if (c == '{') {
                    throw new AssertionError("a selector without a metric name in " + expr);
                } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1))) {
                    i++;
                    while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'
                            || (s.charAt(i) == '+' || s.charAt(i) == '-') && "eE".indexOf(s.charAt(i - 1)) >= 0)) {
                        i++; // 0.99, 1e9, 1e+9, 5m, 1h30m
                    }
                } else if (Character.isLetter(c) || c == '_' || c == ':') {
                    int start = i;
                    while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'
                            || s.charAt(i) == ':')) {
                        i++;
                    }
                    String word = s.substring(start, i);
                    int next = skipSpace(s, i);
                    boolean call = next < n && s.charAt(next) == '(';
                    if (LABEL_LISTS.contains(word.toLowerCase(Locale.ROOT)) && call) {
                        i = s.indexOf(')', next) + 1; // by (le, instance)
                        for (String l : s.substring(next + 1, i - 1).split(",")) {
                            if (!l.isBlank()) {
                                grouping.add(l.strip());
                            }
                        }
                    } else if (!call && !KEYWORDS.contains(word.toLowerCase(Locale.ROOT))) {
                        List<Matcher> matchers = new ArrayList<>();
                        if (next < n && s.charAt(next) == '{') {
                            i = matchers(s, next, matchers, expr);
                        }
                        out.add(new Selector(word, matchers));
                    }
                } else {
                    i++;
                }
            }
            return new Query(out, grouping);
        }

        private static final Pattern MATCHER = Pattern.compile(
                "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");

        private static int matchers(String s, int open, List<Matcher> into, String expr) {
            int close = open + 1;
            while (close < s.length() && s.charAt(close) != '}') {
                close = s.charAt(close) == '"' ? skipString(s, close) : close + 1;
            }
            java.util.regex.Matcher m = MATCHER.matcher(s.substring(open + 1, close));
            int end = 0;
            while (m.lookingAt()) {
                into.add(new Matcher(m.group(1), m.group(2), m.group(3).replace("\\\\", "\\")));
                end = m.end();
                m.region(end, m.regionEnd());
            }
            if (!s.substring(open + 1 + end, close).isBlank()) {
                throw new AssertionError("cannot read the label matchers " + s.substring(open, close + 1) + " of "
                        + expr);
            }
            return close + 1;
        }

        private static int skipString(String s, int open) {
            char q = s.charAt(open);
            int i = open + 1;
            while (i < s.length() && s.charAt(i) != q) {
                i += s.charAt(i) == '\\' && q != '`' ? 2 : 1;
            }
            return i + 1;
        }

        private static int skipSpace(String s, int i) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            return i;
        }
    }

    // ---------------------------------------------------------------------------------------------- rules file

    /**
     * The rules of a Prometheus rule file, each as flat keys ({@code alert}, {@code expr}, {@code for},
     * {@code labels.severity}, {@code annotations.summary}...). Reads the block YAML that rule files are written in
     * (mappings by indentation, plain and quoted scalars, {@code |} and {@code >} blocks); promtool checks the
     * syntax itself.
     */
    static final class RuleFile {
        static List<Map<String, String>> rules(String text) {
            List<String> lines = text.lines().map(l -> l.replaceFirst("\\s+#.*$", "")).toList();
            List<Map<String, String>> out = new ArrayList<>();
            Pattern start = Pattern.compile("^(\\s*)- (alert|record):.*");
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = start.matcher(lines.get(i));
                if (!m.matches()) {
                    continue;
                }
                int indent = m.group(1).length() + 2;
                List<String> block = new ArrayList<>();
                block.add(" ".repeat(indent) + lines.get(i).substring(indent));
                int j = i + 1;
                while (j < lines.size() && (lines.get(j).isBlank() || indent(lines.get(j)) >= indent)) {
                    block.add(lines.get(j));
                    j++;
                }
                Map<String, String> rule = new LinkedHashMap<>();
                map(block, 0, block.size(), indent, "", rule);
                out.add(rule);
            }
            return out;
        }

        private static void map(List<String> lines, int from, int to, int indent, String prefix,
                                Map<String, String> into) {
            int i = from;
            while (i < to) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    i++;
                    continue;
                }
                if (indent(line) != indent) {
                    throw new AssertionError("unexpected indentation: " + line);
                }
                int colon = line.indexOf(':');
                String key = line.substring(indent, colon).trim();
                String rest = line.substring(colon + 1).trim();
                int j = i + 1;
                while (j < to && (lines.get(j).isBlank() || indent(lines.get(j)) > indent)) {
                    j++;
                }
                if (rest.isEmpty()) {
                    int first = i + 1;
                    while (first < j && lines.get(first).isBlank()) {
                        first++;
                    }
                    if (first < j) {
                        map(lines, first, j, indent(lines.get(first)), prefix + key + ".", into);
                    }
                } else if (rest.startsWith("|") || rest.startsWith(">")) {
                    List<String> body = lines.subList(i + 1, j).stream().map(String::strip).toList();
                    into.put(prefix + key, String.join(rest.startsWith("|") ? "\n" : " ", body).strip());
                } else {
                    into.put(prefix + key, unquote(String.join(" ", lines.subList(i, j)).substring(colon + 1).strip()));
                }
                i = j;
            }
        }

        private static String unquote(String v) {
            if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
                return v.substring(1, v.length() - 1).replace("''", "'");
            }
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            return v;
        }

        private static int indent(String line) {
            int i = 0;
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            return i;
        }
    }

    // ---------------------------------------------------------------------------------------------- JSON

    /** A small JSON reader for the dashboard: objects as maps, arrays as lists, numbers as doubles. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json j = new Json(text);
            Object v = j.value();
            j.space();
            if (j.i != text.length()) {
                throw j.error("trailing text");
            }
            return v;
        }

        private Object value() {
            space();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    if (start == i) {
                        throw error("unexpected '" + c + "'");
                    }
                    return Double.parseDouble(s.substring(start, i));
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            space();
            if (s.charAt(i) == '}') {
                i++;
                return m;
            }
            while (true) {
                space();
                String key = string();
                space();
                expect(':');
                if (m.put(key, value()) != null) {
                    throw error("duplicate key " + key);
                }
                space();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                expect(',');
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            i++;
            space();
            if (s.charAt(i) == ']') {
                i++;
                return l;
            }
            while (true) {
                l.add(value());
                space();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                expect(',');
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            }
            i++;
            return b.toString();
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, i)) {
                throw error("expected " + word);
            }
            i += word.length();
            return v;
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private AssertionError error(String what) {
            int line = (int) s.substring(0, Math.min(i, s.length())).chars().filter(ch -> ch == '\n').count() + 1;
            return new AssertionError("dashboard JSON, line " + line + ": " + what);
        }
    }
}
