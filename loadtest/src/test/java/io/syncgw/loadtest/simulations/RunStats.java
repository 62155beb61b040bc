package io.syncgw.loadtest.simulations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import io.syncgw.loadtest.harness.Db;
import io.syncgw.loadtest.harness.ProcCpu;
import io.syncgw.loadtest.harness.PromHistogram;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the measured phase of a simulation did, counted by the simulation itself (the set-up and check phases are
 * left out, which Gatling's own report cannot do): sessions, exchanges, latency per exchange in a 1 ms histogram
 * (all exchanges, and per kind: INIT, CLIENT_SYNC, ...), the gateway's own /sync response time and message
 * handling time in the window (from its {@code /metrics} histograms, when {@code syncgw.metrics} names the URL),
 * live sessions and their peak, the measured window, and the load generator's own CPU time. Written to
 * {@code OUT/sim-stats.properties} at the end for run.sh's summary.
 */
final class RunStats {
    private static final int MAX_MS = 120_000;

    private final Histogram histogram = new Histogram();
    /** False for the set-up and warm-up phases' counts: they start no measurement and are not reported. */
    private final boolean measures;
    /** By the message's place in the session (SyncRun.Phase): which exchange makes a tail. */
    private final Map<String, Histogram> byPhase = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final String metricsUrl = System.getProperty("syncgw.metrics");
    /**
     * Per second of the measured window (up to an hour): exchanges, those over 20 and over 50 ms, the slowest. Whether
     * a tail comes in bursts (a pause, a checkpoint, another process) or evenly (queueing) shows here, and the
     * seconds line up with the gateway's gc.log by wall-clock time.
     */
    private static final int TIMELINE_S = 3600;
    private final AtomicLongArray perSecond = new AtomicLongArray(TIMELINE_S * 4);
    private volatile long timelineEpochMs = -1;
    private volatile String scrape0;
    private volatile String scrape1;
    final AtomicLong exchanges = new AtomicLong();
    final AtomicLong sessionsStarted = new AtomicLong();
    final AtomicLong sessionsCompleted = new AtomicLong();
    final AtomicLong sessionsFailed = new AtomicLong();
    final AtomicLong itemsUp = new AtomicLong();
    final AtomicLong itemsDown = new AtomicLong();
    final AtomicLong bytesUp = new AtomicLong();
    final AtomicLong bytesDown = new AtomicLong();
    final AtomicLong chunks = new AtomicLong();
    final AtomicLong noHandset = new AtomicLong();
    final AtomicInteger live = new AtomicInteger();
    final AtomicInteger peakLive = new AtomicInteger();
    private final AtomicLong firstNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);
    private volatile long cpuAtStart = -1;
    private volatile boolean plateauWritten;
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final AtomicBoolean measured = new AtomicBoolean();
    private final long gatewayPid = Long.getLong("syncgw.gatewayPid", -1L);
    private final long pgPid = Long.getLong("syncgw.pgPid", -1L);
    private double gatewayCpu0 = -1;
    private double pgCpu0 = -1;
    private double[] gatewayService0;
    private double[] ownService0;
    private double[] machine0;
    private final StringBuilder measurement = new StringBuilder();
    private volatile Map<String, Long> wal0 = Map.of();

    RunStats(boolean measures) {
        this.measures = measures;
    }

    /**
     * The readings {@link #measureStart} takes, taken once before the warm-up and overwritten at the start: the load
     * generator's JIT then compiles the warm-up's hot code with these paths already in the profiles. Taken first at
     * the start of the measured phase, they deoptimized some 60 compiled methods (JDK streams, collections and locks
     * the simulator shares), whose compiling again took the load generator's CPU from 11 to 30 % of the machine for
     * five seconds, and the gateway's scrape ran for the first time: the first seconds of the window were slow.
     */
    void rehearse() {
        readStart(false);
    }

    /**
     * The measured phase begins (called by the phase before it, or else by its first session): resets
     * pg_stat_statements and takes the CPU times of the gateway, PostgreSQL and this load generator.
     */
    void measureStart() {
        if (!measures || !measuring.compareAndSet(false, true)) {
            return;
        }
        readStart(true);
        long at = System.currentTimeMillis();
        timelineEpochMs = at - at % 1000;
        write("measure-start", "at=" + at + "\n");
    }

    /** The figures the window starts from; {@code report}: a database error goes into the summary (not rehearsing). */
    private void readStart(boolean report) {
        String jdbc = System.getProperty("syncgw.jdbc");
        if (jdbc != null) {
            try (Db db = new Db(jdbc)) {
                if (db.statementsAvailable()) {
                    db.resetStatements();
                }
                wal0 = db.walCounters();
            } catch (SQLException e) {
                if (report) {
                    measurement.append("measure_start_error=").append(e.getMessage().replace('\n', ' ')).append('\n');
                }
            }
        }
        gatewayCpu0 = gatewayPid > 0 ? ProcCpu.seconds(gatewayPid) : -1;
        pgCpu0 = pgPid > 0 ? ProcCpu.postgresSeconds(pgPid) : -1;
        gatewayService0 = gatewayPid > 0 ? ProcCpu.jvmServiceSeconds(gatewayPid) : null;
        ownService0 = ProcCpu.jvmServiceSeconds(ProcessHandle.current().pid());
        cpuAtStart = processCpuNanos();
        machine0 = ProcCpu.machineSeconds();
        scrape0 = metricsUrl == null ? null : PromHistogram.scrape(metricsUrl);
    }

    /**
     * The measured phase is over (called by the phase after it): CPU times and the statements PostgreSQL ran for
     * the sessions of the phase.
     */
    void measureEnd() {
        if (!measuring.get() || !measured.compareAndSet(false, true)) {
            return;
        }
        long done = sessionsCompleted.get();
        scrape1 = metricsUrl == null ? null : PromHistogram.scrape(metricsUrl);
        double gw = gatewayPid > 0 ? ProcCpu.seconds(gatewayPid) - gatewayCpu0 : -1;
        double pg = pgPid > 0 ? ProcCpu.postgresSeconds(pgPid) - pgCpu0 : -1;
        double own = (processCpuNanos() - cpuAtStart) / 1e9;
        StringBuilder m = measurement;
        double[] machine1 = ProcCpu.machineSeconds();
        if (machine0 != null && machine1 != null) {
            double busy = machine1[0] - machine0[0];
            double all = machine1[1] - machine0[1];
            m.append("machine_busy_share=").append(fmt(all > 0 ? busy / all : 0)).append('\n');
            m.append("machine_busy_cpu_s=").append(fmt(busy)).append('\n');
            m.append("others_cpu_s=").append(fmt(busy - own - Math.max(0, gw) - Math.max(0, pg))).append('\n');
        }
        m.append("loadgen_cpu_s=").append(fmt(own)).append('\n');
        m.append("loadgen_cpu_ms_per_session=").append(fmt(done > 0 ? own * 1000 / done : 0)).append('\n');
        serviceShares(m, "loadgen", ownService0, ProcCpu.jvmServiceSeconds(ProcessHandle.current().pid()), done);
        if (gw >= 0) {
            m.append("gateway_cpu_s=").append(fmt(gw)).append('\n');
            m.append("gateway_cpu_ms_per_session=").append(fmt(done > 0 ? gw * 1000 / done : 0)).append('\n');
            serviceShares(m, "gateway", gatewayService0, ProcCpu.jvmServiceSeconds(gatewayPid), done);
            m.append("gateway_rss_end_mb=").append(ProcCpu.rssBytes(gatewayPid) >> 20).append('\n');
        }
        if (pg >= 0) {
            m.append("postgres_cpu_s=").append(fmt(pg)).append('\n');
            m.append("postgres_cpu_ms_per_session=").append(fmt(done > 0 ? pg * 1000 / done : 0)).append('\n');
        }
        String jdbc = System.getProperty("syncgw.jdbc");
        if (jdbc != null) {
            try (Db db = new Db(jdbc)) {
                Map<String, Long> wal1 = db.walCounters();
                if (!wal0.isEmpty() && !wal1.isEmpty() && done > 0) {
                    // the harness's own statements (a few) count too: negligible against thousands of sessions
                    for (String k : List.of("wal_sync", "wal_write", "wal_records", "xact_commit")) {
                        m.append(k).append("_per_session=")
                                .append(fmt((double) (wal1.get(k) - wal0.get(k)) / done)).append('\n');
                    }
                    m.append("wal_kb_per_session=")
                            .append(fmt((wal1.get("wal_bytes") - wal0.get("wal_bytes")) / 1024.0 / done)).append('\n');
                }
                if (db.statementsAvailable()) {
                    List<Db.StatementStats> st = db.statements();
                    long all = 0;
                    long tx = 0;
                    long nested = 0;
                    StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                            "%10s %10s %10s %9s  %s%n", "calls", "/session", "total_ms", "rows",
                            "statement (\"inside:\" run by a database function or a foreign-key trigger: no round trip of its own)"));
                    for (Db.StatementStats x : st) {
                        if (!x.topLevel()) {
                            nested += x.calls();
                            text.append(String.format(Locale.ROOT, "%10d %10.2f %10.1f %9d  inside: %s%n", x.calls(),
                                    done > 0 ? (double) x.calls() / done : 0, x.totalMs(), x.rows(),
                                    x.query().replaceAll("\\s+", " ")));
                            continue;
                        }
                        all += x.calls();
                        String q = x.query().trim().toLowerCase(Locale.ROOT);
                        if (q.equals("begin") || q.equals("commit") || q.equals("rollback")
                                || q.startsWith("start transaction")) {
                            tx += x.calls();
                        }
                        text.append(String.format(Locale.ROOT, "%10d %10.2f %10.1f %9d  %s%n", x.calls(),
                                done > 0 ? (double) x.calls() / done : 0, x.totalMs(), x.rows(),
                                x.query().replaceAll("\\s+", " ")));
                    }
                    write("statements.txt", text.toString());
                    m.append("sql_statements=").append(all).append('\n');
                    m.append("sql_per_session=").append(fmt(done > 0 ? (double) all / done : 0)).append('\n');
                    m.append("sql_per_session_without_begin_commit=")
                            .append(fmt(done > 0 ? (double) (all - tx) / done : 0)).append('\n');
                    m.append("sql_inside_functions_per_session=")
                            .append(fmt(done > 0 ? (double) nested / done : 0)).append('\n');
                }
            } catch (SQLException e) {
                m.append("measure_end_error=").append(e.getMessage().replace('\n', ' ')).append('\n');
            }
        }
        write("measure-end", "at=" + System.currentTimeMillis() + "\n");
    }

    /**
     * The JVM's own work in the window, per session: the JIT compilers (still busy when the warm-up was too short
     * for the code the measured phase runs) and the garbage collector.
     */
    private static void serviceShares(StringBuilder m, String who, double[] start, double[] end, long done) {
        if (start == null || end == null || done <= 0) {
            return;
        }
        m.append(who).append("_jit_cpu_ms_per_session=").append(fmt((end[0] - start[0]) * 1000 / done)).append('\n');
        m.append(who).append("_gc_cpu_ms_per_session=").append(fmt((end[1] - start[1]) * 1000 / done)).append('\n');
    }

    /** A session of the measured phase starts. */
    void sessionStarted() {
        measureStart();
        long now = System.nanoTime();
        firstNanos.accumulateAndGet(now, Math::min);
        sessionsStarted.incrementAndGet();
        int n = live.incrementAndGet();
        peakLive.accumulateAndGet(n, Math::max);
    }

    void sessionEnded(boolean completed) {
        live.decrementAndGet();
        (completed ? sessionsCompleted : sessionsFailed).incrementAndGet();
        lastNanos.accumulateAndGet(System.nanoTime(), Math::max);
    }

    /** An exchange of the measured phase took {@code millis}, as Gatling timed it; {@code phase}: its kind. */
    void exchange(String phase, long millis) {
        exchanges.incrementAndGet();
        histogram.add(millis);
        byPhase.computeIfAbsent(phase, k -> new Histogram()).add(millis);
        long t0 = timelineEpochMs;
        long second = t0 < 0 ? -1 : (System.currentTimeMillis() - t0) / 1000;
        if (second >= 0 && second < TIMELINE_S) {
            int i = (int) second * 4;
            perSecond.incrementAndGet(i);
            if (millis > 20) {
                perSecond.incrementAndGet(i + 1);
            }
            if (millis > 50) {
                perSecond.incrementAndGet(i + 2);
            }
            perSecond.accumulateAndGet(i + 3, millis, Math::max);
        }
        lastNanos.accumulateAndGet(System.nanoTime(), Math::max);
    }

    /** Marks (once) the moment every handset of the population is mid-session: run.sh then samples the heap. */
    void plateau(int target) {
        if (!plateauWritten && live.get() >= target) {
            plateauWritten = true;
            write("plateau", "live=" + live.get() + "\nat=" + System.currentTimeMillis() + "\n");
        }
    }

    long percentile(double p) {
        return histogram.percentile(p);
    }

    /** {@code timeline.txt}: the per-second counts of the window, the wall-clock time of each second first. */
    private void writeTimeline() {
        long t0 = timelineEpochMs;
        if (t0 < 0) {
            return;
        }
        StringBuilder t = new StringBuilder("# time (UTC)    second  exchanges  over_20ms  over_50ms  max_ms\n");
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
                .withZone(java.time.ZoneOffset.UTC);
        for (int sec = 0; sec < TIMELINE_S; sec++) {
            long n = perSecond.get(sec * 4);
            if (n == 0) {
                continue;
            }
            t.append(String.format(Locale.ROOT, "%-15s %6d %10d %10d %10d %7d%n",
                    f.format(java.time.Instant.ofEpochMilli(t0 + sec * 1000L)), sec, n, perSecond.get(sec * 4 + 1),
                    perSecond.get(sec * 4 + 2), perSecond.get(sec * 4 + 3)));
        }
        write("timeline.txt", t.toString());
    }

    /** Response times in 1 ms steps up to {@value #MAX_MS} ms (longer ones count there). */
    private static final class Histogram {
        private final AtomicLongArray counts = new AtomicLongArray(MAX_MS + 1);

        void add(long millis) {
            counts.incrementAndGet((int) Math.max(0, Math.min(MAX_MS, millis)));
        }

        long total() {
            long total = 0;
            for (int i = 0; i <= MAX_MS; i++) {
                total += counts.get(i);
            }
            return total;
        }

        /** The smallest time at or below which {@code p} % of the exchanges took; -1 when there were none. */
        long percentile(double p) {
            long total = total();
            if (total == 0) {
                return -1;
            }
            long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
            long seen = 0;
            for (int i = 0; i <= MAX_MS; i++) {
                seen += counts.get(i);
                if (seen >= rank) {
                    return i;
                }
            }
            return MAX_MS;
        }
    }

    /**
     * The gateway's own figures for the window, from the two scrapes: the /sync response time as Reactor Netty
     * measures it (request received to reply written) and the message handling (engine and store). Their gap to
     * the load generator's figure is time spent outside the gateway's handling: queues, the connection, the
     * scheduler of a machine the load generator shares.
     */
    private void gatewayTimes(StringBuilder sb) {
        if (scrape0 == null || scrape1 == null) {
            return;
        }
        String[][] families = {
            {"gw_response", "reactor_netty_http_server_response_time_seconds", "uri=\"/sync\""},
            {"gw_process", "syncgw_message_process_seconds", ""},
        };
        for (String[] f : families) {
            PromHistogram h = PromHistogram.parse(scrape1, f[1], f[2]).minus(PromHistogram.parse(scrape0, f[1], f[2]));
            if (h.count() == 0) {
                continue;
            }
            sb.append(f[0]).append("_count=").append(h.count()).append('\n');
            for (int p : new int[] {50, 95, 99}) {
                sb.append(f[0]).append("_p").append(p).append("_ms=").append(fmt(h.quantile(p / 100.0) * 1000))
                        .append('\n');
            }
        }
    }

    double windowSeconds() {
        long a = firstNanos.get();
        long b = lastNanos.get();
        return a == Long.MAX_VALUE || b < a ? 0 : (b - a) / 1e9;
    }

    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : -1;
    }

    /** Writes the counters and {@code extra} lines (key=value) for the summary. */
    void writeSummary(String simulation, String extra) {
        double w = windowSeconds();
        // the rehearsal's readings are no start: without a measured phase there is no window to count in
        long cpu = !measuring.get() || cpuAtStart < 0 ? -1 : processCpuNanos() - cpuAtStart;
        StringBuilder sb = new StringBuilder();
        sb.append("simulation=").append(simulation).append('\n');
        sb.append("window_s=").append(fmt(w)).append('\n');
        sb.append("sessions_started=").append(sessionsStarted.get()).append('\n');
        sb.append("sessions_completed=").append(sessionsCompleted.get()).append('\n');
        sb.append("sessions_failed=").append(sessionsFailed.get()).append('\n');
        sb.append("exchanges=").append(exchanges.get()).append('\n');
        sb.append("sessions_per_s=").append(fmt(w > 0 ? sessionsCompleted.get() / w : 0)).append('\n');
        sb.append("exchanges_per_s=").append(fmt(w > 0 ? exchanges.get() / w : 0)).append('\n');
        sb.append("p50_ms=").append(percentile(50)).append('\n');
        sb.append("p95_ms=").append(percentile(95)).append('\n');
        sb.append("p99_ms=").append(percentile(99)).append('\n');
        sb.append("max_ms=").append(percentile(100)).append('\n');
        for (var e : byPhase.entrySet()) {
            Histogram h = e.getValue();
            sb.append("phase.").append(e.getKey()).append('=').append(h.total()).append(' ')
                    .append(h.percentile(50)).append(' ').append(h.percentile(95)).append(' ')
                    .append(h.percentile(99)).append(' ').append(h.percentile(100)).append('\n');
        }
        gatewayTimes(sb);
        writeTimeline();
        sb.append("items_up=").append(itemsUp.get()).append('\n');
        sb.append("items_down=").append(itemsDown.get()).append('\n');
        sb.append("bytes_up=").append(bytesUp.get()).append('\n');
        sb.append("bytes_down=").append(bytesDown.get()).append('\n');
        sb.append("chunks=").append(chunks.get()).append('\n');
        sb.append("peak_live_sessions=").append(peakLive.get()).append('\n');
        sb.append("no_free_handset=").append(noHandset.get()).append('\n');
        if (!measured.get()) {
            sb.append("loadgen_cpu_s=").append(fmt(cpu / 1e9)).append('\n');
        }
        sb.append(measurement);
        sb.append(extra);
        write("sim-stats.properties", sb.toString());
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    private static void write(String name, String text) {
        try {
            Path dir = Path.of(Knobs.outDir());
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
