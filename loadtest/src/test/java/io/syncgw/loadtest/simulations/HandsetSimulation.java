package io.syncgw.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.exitHereIfFailed;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.syncgw.codec.model.AlertCode;
import io.syncgw.loadtest.handset.Handset;
import io.syncgw.loadtest.handset.ProtocolException;
import io.syncgw.loadtest.handset.SyncRun;
import io.syncgw.loadtest.handset.WireFormat;
import io.syncgw.loadtest.harness.Db;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every handset simulation shares: the population (accounts created by JDBC before the run), the pool of idle
 * handsets (a handset runs one session at a time), the chain that runs one SyncML session of a handset through
 * Gatling's HTTP client, the counters of the measured phase, and the final check of the server's data.
 *
 * <p>One session is: take an idle handset; let the scenario change its data; then, as long as the {@link SyncRun}
 * has a message, POST it (Gatling request named after the session phase), hand the reply to the run (a protocol
 * error fails the request), think; finally return the handset. A failed exchange ends the virtual user.
 */
abstract class HandsetSimulation extends Simulation {
    protected final String url = Knobs.url();
    protected final String runId = Knobs.runId();
    protected final String prefix = "lt" + runId + "-";
    protected final RunStats stats = new RunStats(true);
    /**
     * Where the sessions of the set-up and warm-up phases count, thrown away: they run the very code the measured
     * ones run. With a branch on "measured" instead, the JIT compiled the warm-up without the measuring code, and at
     * the start of the measured phase deoptimized and compiled again while the load ran: the load generator took
     * twice its CPU for five seconds and those seconds' exchanges made the run's p99.
     */
    private final RunStats unmeasured = new RunStats(false);
    protected final List<Device> devices = new ArrayList<>();
    protected final Queue<Device> idle = new ConcurrentLinkedQueue<>();
    private volatile String verdict = "not checked";

    protected final HttpProtocolBuilder protocol = http
            .disableWarmUp()
            .disableCaching()
            .disableFollowRedirect()
            .userAgentHeader("syncgw-loadtest handset")
            .maxConnectionsPerHost(1);

    protected String login(int account) {
        return String.format("%s%06d", prefix, account);
    }

    /**
     * Creates {@code accounts} accounts with {@code devicesOf(account)} handsets each, shaped by {@code shape}.
     * Accounts go into the database right away (the simulation's constructor runs before any user).
     */
    protected void populate(int accounts, Function<Integer, Integer> devicesOf, DeviceShape shape) {
        List<String> logins = new ArrayList<>();
        long seed = runId.hashCode() & 0xFFFFL;
        for (int a = 0; a < accounts; a++) {
            String login = login(a);
            logins.add(login);
            int n = devicesOf.apply(a);
            for (int d = 0; d < n; d++) {
                long s = (seed << 40) ^ ((long) a << 8) ^ d;
                Device dev = shape.make(login, a, d, prefix + "dev-" + a + "-" + d, (long) a * 16 + d + 1, s);
                devices.add(dev);
            }
        }
        try (Db db = new Db(Knobs.jdbc())) {
            long t = System.nanoTime();
            int created = db.createAccounts(logins, Device.PASSWORD, Knobs.integer("hashIterations", 1000));
            System.out.printf("loadtest: %d accounts created (%s*), %d handsets, in %.1f s%n", created, prefix,
                    devices.size(), (System.nanoTime() - t) / 1e9);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot create the accounts: " + e.getMessage(), e);
        }
        idle.addAll(devices);
    }

    /** Makes one device of the population. */
    @FunctionalInterface
    protected interface DeviceShape {
        Device make(String login, int account, int deviceNo, String deviceUri, long key, long seed);
    }

    /** A common mix: a share of old phones at MaxMsgSize 10240, MD5 or basic auth, vCard 2.1 or 3.0. */
    protected static DeviceShape mix(double smallPhones, double basicAuth, boolean calendar) {
        return (login, account, no, uri, key, seed) -> {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
            boolean small = r.nextDouble() < smallPhones;
            Handset.Auth auth = r.nextDouble() < basicAuth ? Handset.Auth.BASIC : Handset.Auth.MD5;
            boolean v21 = small || r.nextBoolean();
            WireFormat wire = r.nextDouble() < Knobs.real("wbxmlShare", 0.0) ? WireFormat.WBXML : WireFormat.XML;
            Device d = new Device(login, account, uri, auth, small ? 10_240 : 150_000, wire, v21, calendar, seed);
            if (r.nextDouble() < Knobs.real("combinedShare", 0.0)) {
                // a phone that sends its changes with package 1 and does not acknowledge package 6: an idle
                // session is two exchanges
                d.handset.combinedInit = true;
                d.handset.trailingAck = false;
            }
            return d;
        };
    }

    // ------------------------------------------------------------------------------------------ one session

    private static SyncRun run(Session s) {
        return (SyncRun) s.get("run");
    }

    private static Device device(Session s) {
        return (Device) s.get("device");
    }

    /**
     * The chain of one session: take a handset (from {@code pool}), {@code prepare} it (local changes), sync with
     * {@code mode}, think {@code think(run)} between exchanges, return it.
     *
     * @param measured whether the session counts in the run's figures (set-up and check phases do not)
     */
    protected ChainBuilder syncSession(Queue<Device> pool, Consumer<Device> prepare, int mode, boolean measured,
                                       Function<SyncRun, Duration> think) {
        return syncSession(pool, pool, prepare, mode, measured, think);
    }

    /** As above, returning the handset to {@code returnTo} instead of the pool it came from. */
    protected ChainBuilder syncSession(Queue<Device> pool, Queue<Device> returnTo, Consumer<Device> prepare, int mode,
                                       boolean measured, Function<SyncRun, Duration> think) {
        return syncSession(s -> pool.poll(), returnTo::add, prepare, mode, measured, think);
    }

    /**
     * The general form: {@code take} picks the handset (null: none free), {@code give} gets it back after the
     * session.
     */
    protected ChainBuilder syncSession(Function<Session, Device> take, Consumer<Device> give,
                                       Consumer<Device> prepare, int mode, boolean measured,
                                       Function<SyncRun, Duration> think) {
        RunStats counts = measured ? stats : unmeasured;
        String phasePrefix = measured ? "" : "setup ";
        ChainBuilder exchange = exec(http("#{phase}")
                .post(s -> run(s).request().url())
                .header("Content-Type", s -> run(s).request().contentType())
                .body(ByteArrayBody(s -> run(s).request().body()))
                .check(status().is(200))
                .check(responseTimeInMillis().saveAs("rt"))
                .check(bodyBytes().transformWithSession((bytes, s) -> {
                    try {
                        run(s).onReply(200, bytes);
                        return "ok";
                    } catch (ProtocolException e) {
                        return device(s).handset.deviceUri + ": " + e.getMessage();
                    }
                }).is("ok")))
                .exitHereIfFailed()
                .exec(s -> {
                    counts.exchange(s.getString("phase"), s.getInt("rt"));
                    SyncRun r = run(s);
                    return r.done() ? s : s.set("phase", phasePrefix + r.request().phase().name());
                });
        return exec(s -> {
            Device d = take.apply(s);
            return d == null ? s.set("device", "none") : s.set("device", d);
        }).doIfOrElse(s -> s.get("device") instanceof Device).then(
                exec(s -> {
                    Device d = device(s);
                    prepare.accept(d);
                    SyncRun r = d.handset.startSync(url, mode);
                    counts.sessionStarted();
                    return s.set("run", r).set("phase", phasePrefix + r.request().phase().name());
                })
                .asLongAs(s -> !run(s).done()).on(
                        exchange.doIf(s -> !run(s).done()).then(pause(s -> think.apply(run(s)))))
                .exec(s -> {
                    SyncRun r = run(s);
                    counts.sessionEnded(r.completed());
                    counts.itemsUp.addAndGet(r.itemsSent());
                    counts.itemsDown.addAndGet(r.itemsReceived());
                    counts.bytesUp.addAndGet(r.bytesOut());
                    counts.bytesDown.addAndGet(r.bytesIn());
                    counts.chunks.addAndGet(r.chunksSent() + r.chunksReceived());
                    give.accept(device(s));
                    return s.remove("run");
                })
        ).orElse(exec(s -> {
            counts.noHandset.incrementAndGet();
            return s;
        }).pause(Duration.ofMillis(500)));
    }

    /** Uniform think time between {@code minMs} and {@code maxMs}. */
    protected static Function<SyncRun, Duration> think(int minMs, int maxMs) {
        return r -> Duration.ofMillis(minMs + (maxMs > minMs
                ? java.util.concurrent.ThreadLocalRandom.current().nextInt(maxMs - minMs + 1) : 0));
    }

    // ------------------------------------------------------------------------------------------ set-up phases

    /**
     * Every device's first sync (slow), not measured: registers it and gives it its anchors. A fixed number of users
     * ({@code regUsers}, 16) register handsets one after the other until none is left, so a large population
     * registers as fast as the gateway allows without piling up sessions.
     */
    protected PopulationBuilder registration(Consumer<Device> seed) {
        Queue<Device> fresh = new ConcurrentLinkedQueue<>(devices);
        idle.clear();
        int users = Math.max(1, Math.min(devices.size(), Knobs.integer("regUsers", 16)));
        // registered devices join the pool of the measured phase
        return scenario("registration").asLongAs(s -> !fresh.isEmpty()).on(
                syncSession(fresh, idle, seed, AlertCode.TWO_WAY, false, think(20, 50)))
                .injectOpen(atOnceUsers(users));
    }

    /**
     * One more two-way sync of every device, not measured: afterwards all devices of an account agree. Runs with
     * {@code regUsers} users, each device once.
     */
    protected PopulationBuilder convergence() {
        Queue<Device> todo = new ConcurrentLinkedQueue<>();
        Queue<Device> done = new ConcurrentLinkedQueue<>();
        int users = Math.max(1, Math.min(devices.size(), Knobs.integer("regUsers", 16)));
        return scenario("convergence")
                .exec(s -> {
                    synchronized (todo) {
                        if (todo.isEmpty() && done.isEmpty()) {
                            todo.addAll(idle); // the devices as the measured phase left them
                            idle.clear();
                        }
                    }
                    return s;
                })
                .asLongAs(s -> !todo.isEmpty()).on(syncSession(todo, done, d -> { }, AlertCode.TWO_WAY, false,
                        think(0, 10)))
                .exec(s -> {
                    idle.addAll(done);
                    done.clear();
                    return s;
                })
                .injectOpen(atOnceUsers(users));
    }

    /**
     * The population of the measured phase, after {@code -Dwarmup} seconds of {@code warmUp} (the same sessions, not
     * measured: a gateway that has just started spends its first minute compiling) when the knob is set.
     */
    protected PopulationBuilder afterWarmUp(PopulationBuilder measured, Function<Duration, PopulationBuilder> warmUp) {
        int seconds = Knobs.integer("warmup", 0);
        // the measurement's start (JDBC, /proc, the gateway's /metrics: a few hundred ms of blocking calls) runs as
        // a phase of its own between the two: run by the first measured session, it held up a load-generator thread
        // and its requests, and the first seconds of the window measured that
        PopulationBuilder started = startOfMeasurement().injectOpen(atOnceUsers(1)).andThen(measured);
        return seconds > 0 ? rehearsal().injectOpen(atOnceUsers(1))
                .andThen(warmUp.apply(Duration.ofSeconds(seconds)).andThen(started)) : started;
    }

    /**
     * A duration of at least one second: Gatling's open injection with a duration under a second injects nobody
     * (and a chain of populations after it then never starts).
     */
    protected static Duration atLeastOneSecond(double seconds) {
        return Duration.ofSeconds(Math.max(1, (long) Math.ceil(seconds)));
    }

    protected static ScenarioBuilder scenario(String name) {
        return io.gatling.javaapi.core.CoreDsl.scenario(name);
    }

    /** A one-user phase before the warm-up: {@link RunStats#rehearse}. */
    protected ScenarioBuilder rehearsal() {
        return scenario("measurement rehearsal").exec(s -> {
            stats.rehearse();
            return s;
        });
    }

    /** A one-user phase right before the measured one: takes the figures the measurement starts from. */
    protected ScenarioBuilder startOfMeasurement() {
        return scenario("start of measurement").exec(s -> {
            stats.measureStart();
            return s;
        });
    }

    /** A one-user phase right after the measured one: ends the measurement (CPU, statements) before what follows. */
    protected ScenarioBuilder endOfMeasurement() {
        return scenario("end of measurement").exec(s -> {
            stats.measureEnd();
            return s;
        });
    }

    // ------------------------------------------------------------------------------------------ the check

    /**
     * The check of the server's data, as the last phase: one request ("check: server data") that fails unless
     * {@code check} returns "ok". Runs the check itself in the exec before it.
     */
    protected ScenarioBuilder serverCheck(Supplier<String> check) {
        String health = url.replaceFirst("/sync.*$", "/healthz");
        return scenario("check").exec(s -> {
            stats.measureEnd(); // when no phase ended the measurement before
            try {
                verdict = check.get();
            } catch (RuntimeException e) {
                verdict = "check failed: " + e;
            }
            System.out.println("loadtest: server data check: " + verdict);
            return s;
        }).exec(http("check: server data").get(health).check(status().is(200))
                .check(bodyBytes().transform(b -> verdict).is("ok")));
    }

    /** Live items per store of this run's accounts. */
    protected Map<String, Map<String, Integer>> serverItems() {
        try (Db db = new Db(Knobs.jdbc())) {
            return db.liveItems(prefix);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The usual check: per account, the server keeps what its devices created and did not delete (all sessions
     * completed), and, when {@code converged}, every device holds exactly that many contacts.
     */
    protected String contactsCheck(boolean converged) {
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (Device d : devices) {
            expected.merge(d.login, d.contacts().ownItems().size(), Integer::sum);
        }
        Map<String, Map<String, Integer>> server = serverItems();
        List<String> problems = new ArrayList<>();
        for (var e : expected.entrySet()) {
            int got = server.getOrDefault(e.getKey(), Map.of()).getOrDefault("contacts", 0);
            if (got != e.getValue()) {
                problems.add(e.getKey() + ": server has " + got + " contacts, devices created " + e.getValue());
            }
        }
        if (converged) {
            for (Device d : devices) {
                int want = expected.get(d.login);
                if (d.contacts().size() != want || d.contacts().pendingChanges() != 0) {
                    problems.add(d.handset.deviceUri + ": holds " + d.contacts().size() + " contacts ("
                            + d.contacts().pendingChanges() + " unsent changes), the account has " + want);
                    explain(d);
                }
            }
        }
        int total = expected.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("loadtest: %d accounts, %d contacts on the server expected%n", expected.size(), total);
        return problems.isEmpty() ? "ok" : problems.size() + " mismatches, e.g. "
                + String.join("; ", problems.subList(0, Math.min(5, problems.size())));
    }

    /** Prints what the device holds next to what the server maps for it (first few mismatches only). */
    private int explained;

    private void explain(Device d) {
        if (explained++ >= 3) {
            return;
        }
        try (Db db = new Db(Knobs.jdbc())) {
            Map<String, String> server = db.deviceMappings(d.handset.deviceUri);
            StringBuilder sb = new StringBuilder("loadtest: mismatch of " + d.handset.deviceUri + "\n");
            for (String luid : d.contacts().luids()) {
                String m = server.remove(luid);
                String fn = d.contacts().item(luid).lines().filter(l -> l.startsWith("FN")).findFirst().orElse("");
                if (m == null || m.contains(" deleted")) {
                    sb.append("  device LUID ").append(luid).append(" (").append(fn).append("): server ")
                            .append(m == null ? "has no mapping" : m).append('\n');
                }
            }
            server.forEach((luid, m) -> sb.append("  server maps LUID ").append(luid).append(" the device lacks: ")
                    .append(m).append('\n'));
            for (String u : db.unmappedLiveItems(d.login, d.handset.deviceUri)) {
                sb.append("  live and not mapped for the device: ").append(u).append('\n');
            }
            System.out.print(sb);
        } catch (java.sql.SQLException e) {
            System.out.println("loadtest: cannot explain: " + e);
        }
    }

    @Override
    public void after() {
        stats.writeSummary(getClass().getSimpleName(), "verdict=" + verdict.replace('\n', ' ') + "\nhandsets="
                + devices.size() + "\nrun_id=" + runId + "\n");
    }
}
