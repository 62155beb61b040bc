package io.syncgw.loadtest.harness;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary run.sh prints at the end of a run, from the files in the run's folder: {@code sim-stats.properties}
 * (the simulation's own counts of the measured phase, CPU times, statements, latency per kind of exchange and the
 * gateway's own response times), {@code monitor.properties} (RSS
 * samples, written by run.sh), {@code gc.log} (the gateway's heap at each GC), {@code heap-plateau.txt} (the heap
 * after a full GC while every handset was mid-session, IdleHandsets only) and {@code gatling.log} (failed
 * requests, all phases). Writes {@code summary.txt}; exits 1 when a request failed or the server's data did not
 * match.
 *
 * <pre>java -cp ... io.syncgw.loadtest.harness.Summary RUN_DIR</pre>
 */
public final class Summary {
    private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern GATLING_COUNT = Pattern.compile(
            "> request count\\s*\\|\\s*([\\d,]+)\\s*\\|\\s*([\\d,]+)\\s*\\|\\s*([\\d,-]+)");

    private Summary() {
    }

    public static void main(String[] args) throws IOException {
        int code = summarize(Path.of(args[0]), System.out);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Prints the summary of the run in {@code dir} and writes it to {@code summary.txt}; 1 when the run failed. */
    public static int summarize(Path dir, java.io.PrintStream print) throws IOException {
        Properties sim = load(dir.resolve("sim-stats.properties"));
        Properties mon = load(dir.resolve("monitor.properties"));
        StringBuilder out = new StringBuilder();
        String name = sim.getProperty("simulation", "?");
        out.append("== syncgw load test summary: ").append(name).append(" (").append(dir.getFileName()).append(")\n");
        line(out, "measured window", sim.getProperty("window_s", "?") + " s");
        line(out, "sessions", sim.getProperty("sessions_completed", "?") + " completed, "
                + sim.getProperty("sessions_failed", "?") + " failed, peak " + sim.getProperty("peak_live_sessions",
                "?") + " at once");
        line(out, "sessions/s", sim.getProperty("sessions_per_s", "?"));
        line(out, "HTTP exchanges/s", sim.getProperty("exchanges_per_s", "?") + " (" + sim.getProperty("exchanges",
                "?") + " exchanges)");
        line(out, "per exchange p50/p95/p99/max", sim.getProperty("p50_ms", "?") + " / " + sim.getProperty("p95_ms",
                "?") + " / " + sim.getProperty("p99_ms", "?") + " / " + sim.getProperty("max_ms", "?") + " ms");
        for (String key : sim.stringPropertyNames().stream().filter(k -> k.startsWith("phase.")).sorted().toList()) {
            String[] f = sim.getProperty(key).split(" ");
            if (f.length == 5) {
                line(out, "  " + key.substring("phase.".length()) + " (" + f[0] + ")",
                        f[1] + " / " + f[2] + " / " + f[3] + " / " + f[4] + " ms");
            }
        }
        if (sim.getProperty("gw_response_count") != null) {
            line(out, "gateway's /sync response p50/p95/p99", sim.getProperty("gw_response_p50_ms") + " / "
                    + sim.getProperty("gw_response_p95_ms") + " / " + sim.getProperty("gw_response_p99_ms")
                    + " ms (its /metrics, " + sim.getProperty("gw_response_count") + " responses)");
        }
        if (sim.getProperty("gw_process_count") != null) {
            line(out, "  of which engine and store", sim.getProperty("gw_process_p50_ms") + " / "
                    + sim.getProperty("gw_process_p95_ms") + " / " + sim.getProperty("gw_process_p99_ms") + " ms");
        }
        long ko = -1;
        long total = -1;
        String gatling = read(dir.resolve("gatling.log"));
        Matcher gm = GATLING_COUNT.matcher(gatling);
        while (gm.find()) {
            total = parse(gm.group(1));
            ko = gm.group(3).equals("-") ? 0 : parse(gm.group(3));
        }
        line(out, "failed requests (all phases)", ko < 0 ? "? (no Gatling summary)" : ko + " of " + total);
        line(out, "server data check", sim.getProperty("verdict", "?"));
        line(out, "items up/down, chunks", sim.getProperty("items_up", "?") + " / " + sim.getProperty("items_down",
                "?") + ", " + sim.getProperty("chunks", "?") + " large-object chunks");
        line(out, "gateway CPU per session", opt(sim, "gateway_cpu_ms_per_session", " ms") + " (total "
                + opt(sim, "gateway_cpu_s", " s") + jvmService(sim, "gateway") + ")");
        line(out, "PostgreSQL CPU per session", opt(sim, "postgres_cpu_ms_per_session", " ms") + " (total "
                + opt(sim, "postgres_cpu_s", " s") + ")");
        String loadgenService = jvmService(sim, "loadgen");
        line(out, "load generator CPU per session", opt(sim, "loadgen_cpu_ms_per_session", " ms")
                + (loadgenService.isEmpty() ? "" : " (" + loadgenService.substring(2) + ")"));
        line(out, "machine CPU busy (2 cores)", opt(sim, "machine_busy_share", "") + " of all cores; other "
                + "processes used " + opt(sim, "others_cpu_s", " CPU s") + " in the window");
        line(out, "SQL statements per session", opt(sim, "sql_per_session", "") + " (without BEGIN/COMMIT: "
                + opt(sim, "sql_per_session_without_begin_commit", "") + "; run inside database functions and foreign-key triggers, no round trip of their own: "
                + opt(sim, "sql_inside_functions_per_session", "") + "; statements.txt)");
        line(out, "WAL per session", opt(sim, "wal_sync_per_session", "") + " flushes to disk, "
                + opt(sim, "wal_write_per_session", "") + " writes, " + opt(sim, "wal_kb_per_session", " KB") + " in "
                + opt(sim, "wal_records_per_session", "") + " records; " + opt(sim, "xact_commit_per_session", "")
                + " commits (pg_stat_wal)");
        double peakUsed = 0;
        double peakCommitted = 0;
        double minAfter = Double.MAX_VALUE;
        int gcs = 0;
        Matcher m = GC_PAUSE.matcher(read(dir.resolve("gc.log")));
        while (m.find()) {
            gcs++;
            peakUsed = Math.max(peakUsed, Double.parseDouble(m.group(1)));
            peakCommitted = Math.max(peakCommitted, Double.parseDouble(m.group(3)));
            minAfter = Math.min(minAfter, Double.parseDouble(m.group(2)));
        }
        line(out, "gateway heap at peak", gcs == 0 ? "? (no GC logged)" : String.format(Locale.ROOT,
                "%.0f MB used before a GC, %.0f MB committed (%d GCs)", peakUsed, peakCommitted, gcs));
        String plateau = read(dir.resolve("heap-plateau.txt"));
        Matcher hp = HEAP_USED.matcher(plateau);
        if (hp.find()) {
            long live = Long.parseLong(hp.group(2)) / 1024;
            long sessions = Long.parseLong(mon.getProperty("plateau_live", sim.getProperty("peak_live_sessions", "0")));
            line(out, "heap after full GC, all mid-session", String.format(Locale.ROOT,
                    "%d MB live for %d sessions (%.1f KB per session over the idle baseline of %s MB)", live,
                    sessions, sessions > 0 ? (live - Double.parseDouble(mon.getProperty("baseline_heap_mb", "0")))
                            * 1024.0 / sessions : 0, mon.getProperty("baseline_heap_mb", "?")));
            line(out, "gateway RSS, all mid-session", mon.getProperty("plateau_rss_mb", "?") + " MB");
        }
        line(out, "gateway RSS at peak", mon.getProperty("peak_rss_mb", "?") + " MB");
        print.print(out);
        Files.writeString(dir.resolve("summary.txt"), out);
        boolean ok = ko == 0 && "ok".equals(sim.getProperty("verdict"));
        if (!ok) {
            print.println("== FAILED: " + (ko != 0 ? "failed requests (see gatling.log) " : "")
                    + (!"ok".equals(sim.getProperty("verdict")) ? "server data check" : ""));
            return 1;
        }
        return 0;
    }

    /** "; of which JIT compilers x ms, GC y ms" when the run measured them, else "". */
    private static String jvmService(Properties sim, String who) {
        String jit = sim.getProperty(who + "_jit_cpu_ms_per_session");
        String gc = sim.getProperty(who + "_gc_cpu_ms_per_session");
        return jit == null || gc == null ? "" : "; of which JIT compilers " + jit + " ms, GC " + gc + " ms";
    }

    private static String opt(Properties p, String key, String unit) {
        String v = p.getProperty(key);
        return v == null ? "n/a" : v + unit;
    }

    private static long parse(String s) {
        return Long.parseLong(s.replace(",", ""));
    }

    private static void line(StringBuilder out, String what, String value) {
        out.append(String.format(Locale.ROOT, "  %-38s %s%n", what, value));
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1)
                : "";
    }

    private static Properties load(Path p) throws IOException {
        Properties props = new Properties();
        props.load(new StringReader(read(p)));
        return props;
    }
}
