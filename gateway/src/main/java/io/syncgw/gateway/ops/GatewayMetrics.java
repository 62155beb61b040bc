package io.syncgw.gateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.syncgw.engine.session.Effect;
import io.syncgw.engine.session.MessageReport;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.StoreStatistics;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The gateway's metrics, in a Prometheus registry scraped at {@code GET /metrics} on the admin port. Names follow
 * Prometheus conventions ({@code syncgw_..._total}, {@code _seconds}); labels are small closed sets (reason, status
 * code, datastore, operation, direction, policy) — never a user, device or session id.
 */
public final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter started;
    private final Counter completed;
    private final Counter authFailures;
    private final Counter resent;
    private final Counter slotsRefused;
    private final Timer decode;
    private final Timer process;
    private final Timer encode;
    private final Map<String, Counter> cache = new ConcurrentHashMap<>();
    private final String conflictPolicy;

    /**
     * @param activeSessions live sessions of this node
     * @param retainedSessions finished sessions kept for replaying their last reply
     * @param expiredSessions sessions dropped after the idle timeout, since start
     */
    public GatewayMetrics(String conflictPolicy, IntSupplier activeSessions, IntSupplier retainedSessions,
                          LongSupplier expiredSessions) {
        this.conflictPolicy = conflictPolicy;
        registry.config().meterFilter(PROMETHEUS_CONVENTIONS);
        // Reactor Netty reports its HTTP server metrics to the global registry
        Metrics.globalRegistry.add(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        started = Counter.builder("syncgw.sessions.started").description("SyncML sessions started").register(registry);
        completed = Counter.builder("syncgw.sessions.completed")
                .description("SyncML sessions completed, anchors committed").register(registry);
        authFailures = Counter.builder("syncgw.auth.failures")
                .description("Messages refused for wrong or missing credentials").register(registry);
        resent = Counter.builder("syncgw.messages.resent")
                .description("Resent messages answered by replaying the reply").register(registry);
        Gauge.builder("syncgw.sessions.active", activeSessions::getAsInt)
                .description("Live SyncML sessions on this node").register(registry);
        Gauge.builder("syncgw.sessions.retained", retainedSessions::getAsInt)
                .description("Finished SyncML sessions kept a minute for replaying their last reply")
                .register(registry);
        FunctionCounter.builder("syncgw.sessions.failed", expiredSessions, s -> s.getAsLong())
                .tags("reason", "expired", "status", "0")
                .description("SyncML sessions that ended without completing").register(registry);
        FunctionCounter.builder("syncgw.db.statements", StoreStatistics.class, c -> StoreStatistics.statements())
                .description("Statements (and BEGIN/COMMIT) sent to PostgreSQL on the request path")
                .register(registry);
        decode = timer("syncgw.message.decode", "Decoding a SyncML message (CPU time of the decoder)");
        process = timer("syncgw.message.process", "Handling a decoded message: engine and store");
        encode = timer("syncgw.message.encode", "Encoding a reply");
        slotsRefused = Counter.builder("syncgw.slots.refused")
                .description("Sessions refused because every device slot of the account is taken").register(registry);
    }

    /** Descriptions of meters created on first use, by name. */
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "syncgw.items", "Items applied from devices (from_client) and sent to them (to_client)",
            "syncgw.conflicts", "Items changed on device and server since the last sync, by conflict policy",
            "syncgw.sessions.failed", "SyncML sessions that ended without completing, by reason and header status",
            "syncgw.http.rejected", "HTTP requests refused before reaching a session, by status");

    /**
     * What {@code promtool check metrics} asks for: every family has help text, no abbreviated units in names,
     * no {@code _count} suffix on a gauge.
     */
    private static final io.micrometer.core.instrument.config.MeterFilter PROMETHEUS_CONVENTIONS =
            new io.micrometer.core.instrument.config.MeterFilter() {
                @Override
                public io.micrometer.core.instrument.config.MeterFilterReply accept(io.micrometer.core.instrument.Meter.Id id) {
                    // process.cpu.time is exported in nanoseconds ("_ns_"); process_cpu_usage says the same
                    return id.getName().equals("process.cpu.time")
                            ? io.micrometer.core.instrument.config.MeterFilterReply.DENY
                            : io.micrometer.core.instrument.config.MeterFilterReply.NEUTRAL;
                }

                /**
                 * The /sync response time as Reactor Netty measures it (request received to reply written) gets
                 * buckets: a dashboard's p99 per exchange, and the load test's server-side figure beside the
                 * client-seen one, come from them.
                 */
                @Override
                public io.micrometer.core.instrument.distribution.DistributionStatisticConfig configure(
                        io.micrometer.core.instrument.Meter.Id id,
                        io.micrometer.core.instrument.distribution.DistributionStatisticConfig config) {
                    if (!id.getName().equals("reactor.netty.http.server.response.time")) {
                        return config;
                    }
                    return io.micrometer.core.instrument.distribution.DistributionStatisticConfig.builder()
                            .percentilesHistogram(true)
                            .minimumExpectedValue((double) Duration.ofNanos(100_000).toNanos())
                            .maximumExpectedValue((double) Duration.ofSeconds(30).toNanos())
                            .build().merge(config);
                }

                @Override
                public io.micrometer.core.instrument.Meter.Id map(io.micrometer.core.instrument.Meter.Id id) {
                    String name = id.getName().equals("system.cpu.count") ? "system.cpus" : id.getName();
                    String description = id.getDescription();
                    if (description == null || description.isBlank()) {
                        description = DESCRIPTIONS.getOrDefault(name, name.startsWith("reactor.netty")
                                ? "Reactor Netty: " + name.substring("reactor.netty.".length()).replace('.', ' ')
                                : name.replace('.', ' '));
                    }
                    return new io.micrometer.core.instrument.Meter.Id(name, io.micrometer.core.instrument.Tags.of(
                            id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType());
                }
            };

    private Timer timer(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** Pool gauges of the database connection pool. */
    public void bindPool(Database database) {
        for (String state : new String[] {"acquired", "allocated", "idle", "pending"}) {
            Gauge.builder("syncgw.db.pool.connections", database, d -> d.poolMetrics().map(m -> switch (state) {
                case "acquired" -> (double) m.acquiredSize();
                case "allocated" -> (double) m.allocatedSize();
                case "idle" -> (double) m.idleSize();
                default -> (double) m.pendingAcquireSize();
            }).orElse(Double.NaN)).tag("state", state).description("Connections of the database pool by state")
                    .register(registry);
        }
        Gauge.builder("syncgw.db.pool.max", database, d -> d.poolMetrics().map(m -> (double) m.getMaxAllocatedSize())
                .orElse(Double.NaN)).description("Most connections the pool opens").register(registry);
    }

    public void sessionStarted() {
        started.increment();
    }

    /** A message of another node's session, passed to that node (several nodes behind a load balancer). */
    public void forwarded() {
        counter("syncgw.cluster.forwarded").increment();
    }

    /** After each reply; {@code ended} is true for the reply that ended its session. */
    public void replied(Effect.Reply reply, boolean ended) {
        MessageReport r = reply.report();
        if (r.replayed()) {
            resent.increment();
            return;
        }
        if (r.failure() == MessageReport.Failure.AUTH) {
            authFailures.increment();
        } else if (r.failure() == MessageReport.Failure.NO_FREE_SLOT) {
            slotsRefused.increment();
        }
        r.items().forEach((k, n) -> counter("syncgw.items", "datastore", k.datastore(), "operation", k.operation(),
                "direction", k.direction().name().toLowerCase(Locale.ROOT)).increment(n));
        if (r.conflicts() > 0) {
            // the device's own policy (from the admin API), else the server's default
            counter("syncgw.conflicts", "policy", r.conflictPolicy() != null ? r.conflictPolicy() : conflictPolicy)
                    .increment(r.conflicts());
        }
        if (ended) {
            if (reply.outcome() == Effect.Outcome.COMPLETED) {
                completed.increment();
            } else {
                String reason = r.failure() == null ? "protocol" : r.failure().name().toLowerCase(Locale.ROOT);
                counter("syncgw.sessions.failed", "reason", reason, "status", Integer.toString(r.headerStatus()))
                        .increment();
            }
        }
    }

    /** An HTTP request refused before it reached a session (400, 413, 415, 503...). */
    public void rejected(int httpStatus) {
        counter("syncgw.http.rejected", "status", Integer.toString(httpStatus)).increment();
    }

    public void decoded(long nanos) {
        decode.record(Duration.ofNanos(nanos));
    }

    public void processed(long nanos) {
        process.record(Duration.ofNanos(nanos));
    }

    public void encoded(long nanos) {
        encode.record(Duration.ofNanos(nanos));
    }

    private Counter counter(String name, String... tags) {
        return cache.computeIfAbsent(name + String.join("\u0000", tags), k -> Counter.builder(name).tags(tags)
                .register(registry));
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void close() {
        Metrics.globalRegistry.remove(registry);
        registry.close();
    }
}
