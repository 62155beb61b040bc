package io.syncgw.loadtest.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of the gateway ({@code run.sh --jfr}): CPU samples by top frame (where the time is
 * spent), by the first syncgw frame on the stack (which of our code paths causes it), and by thread; plus the
 * allocation pressure by top frame.
 *
 * <pre>java -cp ... io.syncgw.loadtest.harness.JfrTop gateway.jfr [N]</pre>
 */
public final class JfrTop {
    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> top = new HashMap<>();
        Map<String, Integer> ours = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Long> alloc = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = st.getFrames();
            if (type.equals("jdk.ExecutionSample")) {
                samples++;
                top.merge(name(frames.get(0)), 1, Integer::sum);
                for (RecordedFrame f : frames) {
                    String cls = f.getMethod().getType().getName();
                    if (cls.startsWith("io.syncgw.")) {
                        ours.merge(name(f), 1, Integer::sum);
                        break;
                    }
                }
                if (e.getThread("sampledThread") != null) {
                    threads.merge(e.getThread("sampledThread").getJavaName().replaceAll("-\\d+$", "-N"), 1,
                            Integer::sum);
                }
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                alloc.merge(name(frames.get(0)), e.getLong("weight"), Long::sum);
            }
        }
        System.out.println("CPU samples: " + samples);
        print("top frames (self time)", top, samples, n);
        print("first syncgw frame on the stack (inclusive)", ours, samples, n);
        print("threads", threads, samples, n);
        long totalAlloc = alloc.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("%nallocation by top frame (%d MB sampled weight)%n", totalAlloc >> 20);
        alloc.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(n)
                .forEach(x -> System.out.printf("  %5.1f%%  %s%n", 100.0 * x.getValue() / Math.max(1, totalAlloc),
                        x.getKey()));
    }

    private static void print(String title, Map<String, Integer> m, int total, int n) {
        System.out.printf("%n%s%n", title);
        m.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(n)
                .forEach(x -> System.out.printf("  %5.1f%%  %s%n", 100.0 * x.getValue() / Math.max(1, total),
                        x.getKey()));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
