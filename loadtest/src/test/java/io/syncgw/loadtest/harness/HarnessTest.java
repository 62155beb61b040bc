package io.syncgw.loadtest.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run harness's readers: /proc figures of this JVM, and the summary of a run folder. */
class HarnessTest {

    @Test
    void procFiguresOfThisProcess() {
        long pid = ProcessHandle.current().pid();
        assertThat(ProcCpu.seconds(pid)).isGreaterThan(0);
        assertThat(ProcCpu.rssBytes(pid)).isGreaterThan(1 << 20);
        assertThat(ProcCpu.machineSeconds()).hasSize(2).satisfies(m -> assertThat(m[1]).isGreaterThan(m[0]));
        assertThat(ProcCpu.seconds(-5)).isEqualTo(-1);
    }

    @Test
    void jitAndGcThreadsOfThisJvm() {
        // the default collector of a machine with 2 cores and 2 GB or more; the serial one has no threads of its own
        assumeTrue(ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(b -> b.getName().startsWith("G1")),
                "G1 collector");
        long pid = ProcessHandle.current().pid();
        double[] before = ProcCpu.jvmServiceSeconds(pid);
        assertThat(before).hasSize(2);
        // hot code for the compilers and garbage for the collector, until both show a clock tick of CPU time
        long sink = 0;
        double[] now = before;
        for (int round = 0; round < 2_000 && (now[0] <= before[0] || now[1] <= before[1]); round++) {
            for (int i = 0; i < 20_000; i++) {
                sink += Integer.toString(i * round).hashCode();
            }
            if (round % 50 == 0) {
                System.gc();
            }
            now = ProcCpu.jvmServiceSeconds(pid);
        }
        assertThat(now[0]).as("JIT compiler threads (sink %d)", sink).isGreaterThan(0);
        assertThat(now[1]).as("GC threads").isGreaterThan(before[1]);
        assertThat(now[0] + now[1]).isLessThanOrEqualTo(ProcCpu.seconds(pid));
        assertThat(ProcCpu.jvmServiceSeconds(-5)).isNull();
    }

    /** Two scrapes of the gateway around a window; the window's quantiles as PromQL's histogram_quantile gives them. */
    @Test
    void theGatewaysHistogramOverAWindow() {
        String before = """
                # TYPE reactor_netty_http_server_response_time_seconds histogram
                reactor_netty_http_server_response_time_seconds_bucket{le="0.001",method="POST",status="200",uri="/sync"} 10
                reactor_netty_http_server_response_time_seconds_bucket{le="0.002",method="POST",status="200",uri="/sync"} 10
                reactor_netty_http_server_response_time_seconds_bucket{le="0.004",method="POST",status="200",uri="/sync"} 10
                reactor_netty_http_server_response_time_seconds_bucket{le="+Inf",method="POST",status="200",uri="/sync"} 10
                reactor_netty_http_server_response_time_seconds_bucket{le="0.001",method="GET",status="200",uri="/healthz"} 500
                reactor_netty_http_server_response_time_seconds_bucket{le="+Inf",method="GET",status="200",uri="/healthz"} 500
                """;
        // in the window: 50 answers under 1 ms, 40 in 1-2 ms, 8 in 2-4 ms, 2 slower; 4 refused (400) under 1 ms
        String after = before.replace("uri=\"/sync\"} 10", "uri=\"/sync\"} X")
                .replaceFirst("X", "60").replaceFirst("X", "100").replaceFirst("X", "108").replaceFirst("X", "110")
                + """
                reactor_netty_http_server_response_time_seconds_bucket{le="0.001",method="POST",status="400",uri="/sync"} 4
                reactor_netty_http_server_response_time_seconds_bucket{le="0.002",method="POST",status="400",uri="/sync"} 4
                reactor_netty_http_server_response_time_seconds_bucket{le="0.004",method="POST",status="400",uri="/sync"} 4
                reactor_netty_http_server_response_time_seconds_bucket{le="+Inf",method="POST",status="400",uri="/sync"} 4
                """;
        String family = "reactor_netty_http_server_response_time_seconds";
        PromHistogram window = PromHistogram.parse(after, family, "uri=\"/sync\"")
                .minus(PromHistogram.parse(before, family, "uri=\"/sync\""));
        assertThat(window.count()).isEqualTo(104);
        // cumulative 54 / 94 / 102 / 104; rank 52 of 104 lies in the first bucket: 52/54 of 1 ms
        assertThat(window.quantile(0.5) * 1000).isCloseTo(52.0 / 54, offset(1e-9));
        // rank 98.8: 4.8 of the 8 in 2-4 ms
        assertThat(window.quantile(0.95) * 1000).isCloseTo(2 + 2 * 4.8 / 8, offset(1e-9));
        // the two slowest answers are past the last finite bound: the quantile says that bound, no more
        assertThat(window.quantile(0.99) * 1000).isCloseTo(4, offset(1e-9));
        assertThat(PromHistogram.parse(after, "syncgw_message_process_seconds", "").count()).isZero();
        assertThat(PromHistogram.parse(after, "syncgw_message_process_seconds", "").quantile(0.5)).isNaN();
    }

    @Test
    void summaryOfARunFolder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sim-stats.properties"), """
                simulation=ThroughputSimulation
                window_s=60.000
                sessions_completed=600
                sessions_failed=0
                sessions_per_s=10.000
                exchanges=2400
                exchanges_per_s=40.000
                p50_ms=3
                p95_ms=9
                p99_ms=20
                max_ms=40
                gateway_cpu_ms_per_session=6.000
                gateway_cpu_s=3600.000
                gateway_jit_cpu_ms_per_session=0.750
                gateway_gc_cpu_ms_per_session=0.125
                loadgen_cpu_ms_per_session=2.000
                loadgen_jit_cpu_ms_per_session=0.500
                loadgen_gc_cpu_ms_per_session=0.010
                sql_per_session=6.000
                wal_sync_per_session=2.500
                wal_write_per_session=2.600
                wal_kb_per_session=4.125
                wal_records_per_session=31.000
                xact_commit_per_session=3.000
                phase.INIT=1200 2 8 19 40
                phase.MAP=1200 4 10 21 33
                gw_response_count=2400
                gw_response_p50_ms=0.700
                gw_response_p95_ms=2.100
                gw_response_p99_ms=6.500
                verdict=ok
                """);
        Files.writeString(dir.resolve("gatling.log"), """
                > request count                                  |     2,401 |     2,401 |         -
                """);
        Files.writeString(dir.resolve("gc.log"), "[1.2s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->6M(256M) 3.1ms\n"
                + "[2.2s] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 130M->20M(256M) 2.0ms\n");
        Files.writeString(dir.resolve("monitor.properties"), "peak_rss_mb=300\nbaseline_heap_mb=10\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Summary.summarize(dir, new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("sessions/s                             10.000", "3 / 9 / 20 / 40 ms",
                "0 of 2401", "130 MB used before a GC",
                "6.000 ms (total 3600.000 s; of which JIT compilers 0.750 ms, GC 0.125 ms)",
                "2.000 ms (of which JIT compilers 0.500 ms, GC 0.010 ms)",
                "2.500 flushes to disk, 2.600 writes, 4.125 KB in 31.000 records; 3.000 commits", "peak 300 MB".replace("peak ", ""),
                "INIT (1200)                          2 / 8 / 19 / 40 ms", "MAP (1200)                           4 / 10 / 21 / 33 ms",
                "0.700 / 2.100 / 6.500 ms (its /metrics, 2400 responses)");
        assertThat(dir.resolve("summary.txt")).exists();

        Files.writeString(dir.resolve("gatling.log"), "> request count |  10 |  9 |  1\n");
        assertThat(Summary.summarize(dir, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8))).isEqualTo(1);
    }
}
