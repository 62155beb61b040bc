package io.syncgw.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.syncgw.codec.model.AlertCode;
import io.syncgw.codec.model.Command;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.engine.testing.Cards;
import io.syncgw.engine.testing.TestClient;
import io.syncgw.gateway.http.HttpTransport;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.DatabaseConfig;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.schema.Migrator;
import io.syncgw.persistence.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Issue 8, acceptance point 2: hostile input while normal clients keep syncing. One gateway on a real PostgreSQL;
 * six normal SyncML clients (the project's test client, over HTTP from 127.0.0.1) sync round after round while,
 * at the same time, from other loopback addresses:
 * <ul>
 *   <li>billion-laughs documents (entity declarations in an internal DTD subset): HTTP 400;</li>
 *   <li>XXE documents (external entities to file:///etc/passwd, to http://127.0.0.1:1/ and to a listening canary
 *       port, as a general and as a parameter entity, and an external DTD): HTTP 400, nothing read, nothing
 *       fetched;</li>
 *   <li>WBXML messages declaring a 2 GB string table: HTTP 413 from the declared length alone;</li>
 *   <li>100 MB bodies, streamed (never built in memory), with and without Content-Length, and a gzip bomb: HTTP 413
 *       long before the body ends;</li>
 *   <li>1,000 slow connections trickling a byte a second (half in the headers, half in the body): the normal
 *       clients are not starved, and the gateway times the slow requests out;</li>
 *   <li>10,000 wrong passwords (basic and MD5, one account and a thousand made-up logins): SyncML 401, then 503
 *       with Retry-After once throttled.</li>
 * </ul>
 * Every normal session must complete and the store must hold exactly what the clients sent; the heap, measured
 * after a forced GC before and after, must not grow by more than 200 MB. Every check is soft: a run reports every
 * failed one, with a summary of what was observed on standard output.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class HostileInputIT {
    private static final String XML = "application/vnd.syncml+xml";
    private static final String WBXML = "application/vnd.syncml+wbxml";
    /** The normal clients' accounts (two devices each). */
    private static final List<String> ACCOUNTS = List.of("norma", "norbert", "nora");
    private static final String VICTIM = "victim";
    /** How long the attacks last at least; the normal clients sync throughout. */
    private static final Duration ATTACK_WINDOW = Duration.ofSeconds(45);
    /** A request that has not arrived completely this long after its connection opened must have been cut off. */
    static final Duration SLOW_REQUEST_DEADLINE = io.syncgw.gateway.http.GatewayServer.REQUEST_TIMEOUT
            .plusSeconds(30); // the gateway's limit, and slack for a loaded machine and this test's 1 s polling
    private static final int SLOW_CONNECTIONS = 1_000;
    private static final int WRONG_PASSWORDS = 10_000;
    private static final long HUNDRED_MB = 100L << 20;
    private static final long MAX_HEAP_GROWTH = 200L << 20;

    private static DatabaseConfig config;
    private static Database database;
    private static Gateway gateway;
    private static String url;

    private final Map<String, String> observed = Collections.synchronizedMap(new LinkedHashMap<>());

    @BeforeAll
    static void start() {
        config = TestPostgres.freshDatabase();
        database = Database.open(config);
        new Migrator(database.connectionFactory()).migrate().block(Duration.ofMinutes(1));
        AccountAdmin accounts = new AccountAdmin(database);
        for (String login : ACCOUNTS) {
            accounts.add(login, "pw-" + login).block(Duration.ofSeconds(30));
        }
        accounts.add(VICTIM, "victim-secret").block(Duration.ofSeconds(30));
        gateway = Gateway.start(Gateway.Settings.loopback(0), database);
        url = "http://127.0.0.1:" + gateway.port() + "/sync";
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

    // ---- the normal clients -----------------------------------------------------------------------------------

    /** One device of a normal account: syncs round after round, adding contacts, until told to stop. */
    private static final class NormalDevice {
        final TestClient client;
        final String account;
        final int base;
        int added;
        int sessions;
        final List<String> failures = new ArrayList<>();

        NormalDevice(String account, int device, int base) {
            this.account = account;
            this.client = new TestClient("normal-" + account + "-" + device, account, "pw-" + account);
            this.client.auth = device % 2 == 0 ? TestClient.Auth.MD5 : TestClient.Auth.BASIC;
            this.base = base;
        }

        void round(boolean first) {
            for (int i = 0; i < 5; i++) {
                added++;
                client.addLocal(client.deviceUri + "-" + added, Cards.v30(base + added, 1));
            }
            TestClient.Result r = client.syncOver(first ? AlertCode.SLOW_SYNC : AlertCode.TWO_WAY,
                    new HttpTransport(url));
            sessions++;
            if (!r.completed || r.statusesForMyChanges.stream().anyMatch(s -> s != 200 && s != 201)) {
                failures.add("session " + sessions + ": " + r);
            }
        }
    }

    private static long count(String sql, Object... args) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + config.port() + "/"
                + config.database() + "?user=postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long liveContacts(String login) {
        return count("select count(*) from item i join account a on a.id = i.account_id "
                + "where a.login = ? and i.datastore = 'contacts' and not i.deleted", login);
    }

    // ---- HTTP helpers -----------------------------------------------------------------------------------------

    private record Answer(int status, String retryAfter, byte[] body, long millis) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The SyncML status of the reply's header, or -1 when the body is no SyncML reply. */
        int headerStatus() {
            try {
                SyncMessage m = TestClient.roundTrip(body);
                for (Command c : m.commands()) {
                    if (c instanceof Status s && s.cmd().equals("SyncHdr")) {
                        return s.code();
                    }
                }
            } catch (AssertionError e) {
                return -1;
            }
            return -1;
        }
    }

    /** A client whose connections come from {@code localAddress} (any 127.x.y.z reaches the gateway). */
    private static HttpClient from(String localAddress, String poolName, int maxConnections) {
        return HttpClient.create(ConnectionProvider.builder(poolName).maxConnections(maxConnections)
                        .pendingAcquireMaxCount(-1).build())
                .bindAddress(() -> new InetSocketAddress(localAddress, 0));
    }

    private static Mono<Answer> post(HttpClient http, String contentType, String encoding, Flux<ByteBuf> body,
                                     long contentLength) {
        long t0 = System.nanoTime();
        return http.headers(h -> {
                    h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
                    if (encoding != null) {
                        h.set(HttpHeaderNames.CONTENT_ENCODING, encoding);
                    }
                    if (contentLength >= 0) {
                        h.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(contentLength));
                    }
                })
                .post().uri(url).send(body)
                .responseSingle((res, b) -> b.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(res.status().code(), res.responseHeaders().get("Retry-After"), bytes,
                                (System.nanoTime() - t0) / 1_000_000)));
    }

    private static Answer post(HttpClient http, String contentType, byte[] body) {
        return post(http, contentType, null, ByteBufFlux.fromInbound(Mono.just(body)), body.length)
                .block(Duration.ofSeconds(60));
    }

    /** The first message of a session of {@code client}, as sent (the test client's own encoder). */
    private static byte[] firstMessage(TestClient client) {
        byte[][] first = new byte[1][];
        try {
            client.syncOver(AlertCode.SLOW_SYNC, m -> {
                first[0] = m;
                throw new IllegalStateException("only the first message");
            });
        } catch (IllegalStateException expected) {
            // stopped after the first message
        }
        return first[0];
    }

    // ---- the hostile documents --------------------------------------------------------------------------------

    private static final String HDR = "<SyncHdr><VerDTD>1.2</VerDTD><VerProto>SyncML/1.2</VerProto>"
            + "<SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>http://127.0.0.1/sync</LocURI></Target>"
            + "<Source><LocURI>evil-device</LocURI></Source></SyncHdr>";

    private static byte[] withDoctype(String doctype, String data) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doctype + "\n<SyncML xmlns=\"SYNCML:SYNCML1.2\">" + HDR
                + "<SyncBody><Alert><CmdID>1</CmdID><Data>200</Data><Item><Target><LocURI>contacts</LocURI></Target>"
                + "<Source><LocURI>" + data + "</LocURI></Source></Item></Alert><Final/></SyncBody></SyncML>")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] billionLaughs() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE SyncML [\n <!ENTITY lol \"lol\">\n");
        dtd.append(" <!ENTITY lol1 \"").append("&lol;".repeat(10)).append("\">\n");
        for (int i = 2; i <= 9; i++) {
            dtd.append(" <!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10))
                    .append("\">\n");
        }
        dtd.append("]>");
        return withDoctype(dtd.toString(), "&lol9;");
    }

    static List<byte[]> xxe(int canaryPort) {
        String canary = "http://127.0.0.1:" + canaryPort + "/xxe";
        return List.of(
                withDoctype("<!DOCTYPE SyncML [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "&xxe;"),
                withDoctype("<!DOCTYPE SyncML [<!ENTITY xxe SYSTEM \"http://127.0.0.1:1/\">]>", "&xxe;"),
                withDoctype("<!DOCTYPE SyncML [<!ENTITY xxe SYSTEM \"" + canary + "\">]>", "&xxe;"),
                withDoctype("<!DOCTYPE SyncML [<!ENTITY % p SYSTEM \"" + canary + "-param\"> %p;]>", "x"),
                withDoctype("<!DOCTYPE SyncML SYSTEM \"" + canary + "-dtd\">", "&xxe;"),
                withDoctype("<!DOCTYPE SyncML SYSTEM \"file:///etc/passwd\">", "x"));
    }

    /** WBXML 1.2, SyncML 1.2 public id, UTF-8, and a string table of 2 GB that never comes. */
    static byte[] wbxmlHugeStringTable() {
        long len = 2L << 30;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x02, (byte) 0xA4, 0x01, 0x6A});
        // mb_u_int32 of 2^31: 7 bits per byte, most significant first, continuation bit on all but the last
        int[] groups = new int[5];
        int n = 0;
        for (long v = len; v > 0 || n == 0; v >>>= 7) {
            groups[n++] = (int) (v & 0x7F);
        }
        for (int i = n - 1; i >= 0; i--) {
            b.write(groups[i] | (i > 0 ? 0x80 : 0));
        }
        b.writeBytes("-//SYNCML//DTD SyncML 1.2//EN".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    /** {@code total} bytes of an XML document that never ends, produced 64 KB at a time as they are requested. */
    private static Flux<ByteBuf> streamed(long total, AtomicLong produced) {
        byte[] head = ("<?xml version=\"1.0\"?><SyncML>" + HDR + "<SyncBody><Alert><CmdID>1</CmdID><Data>")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] filler = new byte[64 << 10];
        java.util.Arrays.fill(filler, (byte) '7');
        return Flux.generate(sink -> {
            long sent = produced.get();
            if (sent >= total) {
                sink.complete();
                return;
            }
            byte[] chunk = sent == 0 ? head : filler;
            int n = (int) Math.min(chunk.length, total - sent);
            produced.addAndGet(n);
            sink.next(Unpooled.wrappedBuffer(chunk, 0, n));
        });
    }

    private static byte[] gzipBomb() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(("<?xml version=\"1.0\"?><SyncML>" + HDR + "<SyncBody><Alert><CmdID>1</CmdID><Data>")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] zeros = new byte[1 << 20];
            java.util.Arrays.fill(zeros, (byte) '0');
            for (int i = 0; i < 1024; i++) {
                gz.write(zeros); // 1 GB inflated
            }
        }
        return bos.toByteArray();
    }

    // ---- heap -------------------------------------------------------------------------------------------------

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    // ---- the test ---------------------------------------------------------------------------------------------

    @Test
    void hostileInputIsRefusedWhileNormalClientsKeepSyncing() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        // every refusal is logged once as a warning: an ERROR line under attack would page an operator for nothing
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        root.addAppender(logged);
        List<NormalDevice> devices = new ArrayList<>();
        int base = 0;
        for (String account : ACCOUNTS) {
            for (int d = 0; d < 2; d++) {
                devices.add(new NormalDevice(account, d, base += 100_000));
            }
        }
        // warm up (class loading, pools) before the heap is measured: every device's first, slow sync
        for (NormalDevice d : devices) {
            d.round(true);
        }
        long heapBefore = usedHeapAfterGc();

        AtomicBoolean attacking = new AtomicBoolean(true);
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<?>> normal = new ArrayList<>();
        for (NormalDevice d : devices) {
            normal.add(pool.submit(() -> {
                while (attacking.get()) {
                    d.round(false);
                }
                return null;
            }));
        }

        long t0 = System.nanoTime();
        try (ServerSocket canary = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            canary.setSoTimeout(200);
            AtomicInteger canaryHits = new AtomicInteger();
            AtomicBoolean listening = new AtomicBoolean(true);
            Future<?> canaryWatch = pool.submit(() -> {
                while (listening.get()) {
                    try {
                        canary.accept().close();
                        canaryHits.incrementAndGet();
                    } catch (SocketTimeoutException e) {
                        // nobody came
                    }
                }
                return null;
            });

            List<Future<?>> attacks = new ArrayList<>();
            attacks.add(pool.submit(() -> slowloris(soft)));
            attacks.add(pool.submit(() -> wrongPasswords(soft)));
            attacks.add(pool.submit(() -> documents(soft, canary.getLocalPort())));
            attacks.add(pool.submit(() -> hugeBodies(soft)));
            for (Future<?> a : attacks) {
                a.get(5, TimeUnit.MINUTES);
            }
            listening.set(false);
            canaryWatch.get(10, TimeUnit.SECONDS);
            soft.assertThat(canaryHits.get()).as("connections to the XXE canary port (external entities fetched)")
                    .isZero();
        }
        attacking.set(false);
        for (Future<?> f : normal) {
            f.get(2, TimeUnit.MINUTES);
        }
        observed.put("attack window", (System.nanoTime() - t0) / 1_000_000_000 + " s");

        // every normal session completed, and the store holds exactly what the clients added
        int sessions = 0;
        for (NormalDevice d : devices) {
            sessions += d.sessions;
            soft.assertThat(d.failures).as("failed sessions of %s", d.client.deviceUri).isEmpty();
        }
        observed.put("normal sessions", Integer.toString(sessions));
        soft.assertThat(sessions).as("normal sessions during the attacks").isGreaterThanOrEqualTo(devices.size() * 3);
        for (NormalDevice d : devices) { // a last sync each: every device gets the other's contacts
            d.round(false);
            soft.assertThat(d.failures).as("final session of %s", d.client.deviceUri).isEmpty();
        }
        for (NormalDevice d : devices) {
            TestClient.Result r = d.client.syncOver(AlertCode.TWO_WAY, new HttpTransport(url));
            soft.assertThat(r.completed).as("settling session of %s: %s", d.client.deviceUri, r).isTrue();
        }
        for (String account : ACCOUNTS) {
            long expected = devices.stream().filter(d -> d.account.equals(account)).mapToLong(d -> d.added).sum();
            soft.assertThat(liveContacts(account)).as("contacts of %s in the store", account).isEqualTo(expected);
            for (NormalDevice d : devices) {
                if (d.account.equals(account)) {
                    soft.assertThat((long) d.client.items.size()).as("contacts on %s", d.client.deviceUri)
                            .isEqualTo(expected);
                    soft.assertThat(new HashSet<>(d.client.items.values())).hasSize((int) expected);
                }
            }
        }
        soft.assertThat(count("select count(*) from account a join device d on d.account_id = a.id where a.login = ?",
                VICTIM)).as("devices registered for the attacked account").isZero();
        soft.assertThat(count("select count(*) from device d where d.device_uri like 'evil%' or d.device_uri like "
                + "'guess%'")).as("devices registered by attackers").isZero();

        long heapAfter = usedHeapAfterGc();
        observed.put("heap after GC", (heapBefore >> 20) + " MB before, " + (heapAfter >> 20) + " MB after");
        soft.assertThat(heapAfter - heapBefore).as("heap growth (bytes) after a forced GC").isLessThan(MAX_HEAP_GROWTH);
        pool.shutdownNow();
        root.detachAppender(logged);
        List<String> errors;
        synchronized (logged) {
            errors = logged.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR)
                    .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
                            + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getClassName()))
                    .distinct().toList();
        }
        soft.assertThat(errors).as("ERROR lines logged while under attack").isEmpty();
        observed.forEach((k, v) -> System.out.println("[HostileInputIT] " + k + ": " + v));
        soft.assertAll();
    }

    /** Billion laughs, XXE and a 2 GB WBXML string table, repeated through the attack window. */
    private Void documents(SoftAssertions soft, int canaryPort) {
        HttpClient http = from("127.0.0.4", "documents", 8);
        List<byte[]> xxe = xxe(canaryPort);
        Map<String, List<Integer>> statuses = new ConcurrentHashMap<>();
        long end = System.nanoTime() + ATTACK_WINDOW.toNanos();
        int rounds = 0;
        while (System.nanoTime() < end || rounds < 5) {
            rounds++;
            Answer laughs = post(http, XML, billionLaughs());
            statuses.computeIfAbsent("billion laughs", k -> new ArrayList<>()).add(laughs.status());
            soft.assertThat(laughs.text()).as("billion laughs answer").doesNotContain("lollol");
            for (int i = 0; i < xxe.size(); i++) {
                Answer a = post(http, XML, xxe.get(i));
                statuses.computeIfAbsent("XXE #" + (i + 1), k -> new ArrayList<>()).add(a.status());
                soft.assertThat(a.text()).as("XXE #%d answer", i + 1).doesNotContain("root:", "/bin/");
            }
            Answer wbxml = post(http, WBXML, wbxmlHugeStringTable());
            statuses.computeIfAbsent("WBXML 2 GB string table", k -> new ArrayList<>()).add(wbxml.status());
            soft.assertThat(wbxml.millis()).as("WBXML 2 GB string table answered at once (ms)").isLessThan(10_000);
            sleep(500);
        }
        statuses.forEach((what, codes) -> {
            observed.put(what, codes.size() + "x HTTP " + new java.util.TreeSet<>(codes));
            // #6 only names an external DTD, as phones name the SyncML DTD in their DOCTYPE: it is never fetched
            // (nothing read, the canary never called) and the message is answered as SyncML
            int expected = what.startsWith("WBXML") ? 413 : what.equals("XXE #6") ? 200 : 400;
            soft.assertThat(codes).as(what).isNotEmpty().allMatch(c -> c == expected);
        });
        return null;
    }

    /** 100 MB bodies, streamed: declared, chunked, and a gzip bomb of 1 GB inflated. */
    private Void hugeBodies(SoftAssertions soft) throws IOException {
        HttpClient http = from("127.0.0.5", "bodies", 4);
        for (int i = 0; i < 3; i++) {
            AtomicLong declaredSent = new AtomicLong();
            Answer declared = post(http, XML, null, streamed(HUNDRED_MB, declaredSent), HUNDRED_MB)
                    .block(Duration.ofSeconds(120));
            observed.put("100 MB, Content-Length declared", "HTTP " + declared.status() + " after "
                    + declared.millis() + " ms, " + (declaredSent.get() >> 10) + " KB produced by the client");
            soft.assertThat(declared.status()).as("100 MB body with Content-Length").isEqualTo(413);
            soft.assertThat(declaredSent.get()).as("bytes the client had produced at the 413 (declared)")
                    .isLessThan(HUNDRED_MB / 2);

            AtomicLong chunkedSent = new AtomicLong();
            Answer chunked = post(http, XML, null, streamed(HUNDRED_MB, chunkedSent), -1)
                    .block(Duration.ofSeconds(120));
            observed.put("100 MB, chunked", "HTTP " + chunked.status() + " after " + chunked.millis() + " ms, "
                    + (chunkedSent.get() >> 10) + " KB produced by the client");
            soft.assertThat(chunked.status()).as("100 MB chunked body").isEqualTo(413);
            soft.assertThat(chunkedSent.get()).as("bytes the client had produced at the 413 (chunked)")
                    .isLessThan(HUNDRED_MB / 2);
        }
        byte[] bomb = gzipBomb();
        Answer gz = post(http, XML, "gzip", ByteBufFlux.fromInbound(Mono.just(bomb)), bomb.length)
                .block(Duration.ofSeconds(120));
        observed.put("gzip bomb (" + (bomb.length >> 10) + " KB -> 1 GB)", "HTTP " + gz.status() + " after "
                + gz.millis() + " ms");
        soft.assertThat(gz.status()).as("gzip bomb").isEqualTo(413);
        return null;
    }

    /** 10,000 wrong passwords from one address: basic and MD5, the victim's login and made-up ones. */
    private Void wrongPasswords(SoftAssertions soft) {
        HttpClient http = from("127.0.0.2", "guesses", 32);
        Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        AtomicInteger withoutRetryAfter = new AtomicInteger();
        AtomicInteger badAnswers = new AtomicInteger();
        long t0 = System.nanoTime();
        Flux.range(0, WRONG_PASSWORDS)
                .publishOn(Schedulers.boundedElastic(), 64) // messages are built off the event loops
                .map(i -> {
                    String login = i % 10 == 9 ? "nobody" + i : VICTIM;
                    TestClient guess = new TestClient("guess-" + (i % 50), login, "guess-" + i);
                    guess.auth = i % 2 == 0 ? TestClient.Auth.BASIC : TestClient.Auth.MD5;
                    return firstMessage(guess);
                })
                .flatMap(msg -> {
                    return post(http, XML, null, ByteBufFlux.fromInbound(Mono.just(msg)), msg.length)
                            .doOnNext(a -> {
                                int st = a.status() == 200 ? a.headerStatus() : -a.status();
                                byStatus.computeIfAbsent(st, k -> new AtomicInteger()).incrementAndGet();
                                if (st == 503 && a.retryAfter() == null) {
                                    withoutRetryAfter.incrementAndGet();
                                }
                            })
                            .onErrorResume(e -> {
                                badAnswers.incrementAndGet();
                                return Mono.empty();
                            });
                }, 32)
                .blockLast(Duration.ofMinutes(4));
        observed.put("10,000 wrong passwords", "SyncML statuses " + new java.util.TreeMap<>(byStatus) + " in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms, " + badAnswers.get() + " without an answer");
        soft.assertThat(badAnswers.get()).as("wrong-password requests without an answer").isZero();
        soft.assertThat(byStatus.keySet()).as("answers to wrong passwords (SyncML header status)")
                .allMatch(s -> s == 401 || s == 503);
        int total = byStatus.values().stream().mapToInt(AtomicInteger::get).sum();
        soft.assertThat(total).isEqualTo(WRONG_PASSWORDS);
        soft.assertThat(byStatus.getOrDefault(503, new AtomicInteger()).get()).as("throttled answers")
                .isGreaterThan(WRONG_PASSWORDS * 9 / 10);
        soft.assertThat(withoutRetryAfter.get()).as("503 answers without Retry-After").isZero();
        // the throttled login stays refused even with the right password, from anywhere; other logins are not
        TestClient right = new TestClient("victim-phone", VICTIM, "victim-secret");
        right.auth = TestClient.Auth.BASIC;
        Answer a = post(http, XML, firstMessage(right));
        soft.assertThat(a.headerStatus()).as("the victim's right password from the guessing address").isEqualTo(503);
        soft.assertThat(a.retryAfter()).as("Retry-After").isNotNull();
        return null;
    }

    /**
     * 1,000 connections from 127.0.0.3, each sending one byte a second: half never finish their headers, half
     * declare a body of 100,000 bytes and trickle it. Records when the gateway closes each.
     */
    private Void slowloris(SoftAssertions soft) throws IOException {
        InetSocketAddress gw = new InetSocketAddress("127.0.0.1", gateway.port());
        // sent at once when the connection opens, then the rest a byte a second
        byte[][] burst = {
            ("POST /sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + XML + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII),
            ("POST /sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + XML + "\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)};
        byte[][] trickle = {("X-Slow: " + "a".repeat(4_000)).getBytes(StandardCharsets.US_ASCII),
            ("<SyncML>" + " ".repeat(99_000)).getBytes(StandardCharsets.US_ASCII)};
        List<SocketChannel> conns = new ArrayList<>();
        long[] opened = new long[SLOW_CONNECTIONS];
        long[] closedAfter = new long[SLOW_CONNECTIONS];
        int[] sent = new int[SLOW_CONNECTIONS];
        String[] firstAnswer = new String[SLOW_CONNECTIONS];
        try {
            for (int i = 0; i < SLOW_CONNECTIONS; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.bind(new InetSocketAddress("127.0.0.3", 0));
                ch.connect(gw);
                ch.write(ByteBuffer.wrap(burst[i % 2]));
                ch.configureBlocking(false);
                conns.add(ch);
                opened[i] = System.nanoTime();
                closedAfter[i] = -1;
            }
            observed.put("slow connections opened", Integer.toString(conns.size()));
            ByteBuffer in = ByteBuffer.allocate(4096);
            long start = System.nanoTime();
            long end = start + Math.max(ATTACK_WINDOW.toNanos(), SLOW_REQUEST_DEADLINE.toNanos() + 10_000_000_000L);
            int open = SLOW_CONNECTIONS;
            while (System.nanoTime() < end && open > 0) {
                open = 0;
                for (int i = 0; i < conns.size(); i++) {
                    if (closedAfter[i] >= 0) {
                        continue;
                    }
                    SocketChannel ch = conns.get(i);
                    byte[] script = trickle[i % 2];
                    boolean closed = false;
                    try {
                        in.clear();
                        int r = ch.read(in);
                        if (r > 0 && firstAnswer[i] == null) {
                            String s = new String(in.array(), 0, r, StandardCharsets.ISO_8859_1);
                            firstAnswer[i] = s.substring(0, Math.max(0, s.indexOf('\r')));
                        }
                        if (r < 0) {
                            closed = true;
                        } else if (sent[i] < script.length) {
                            ch.write(ByteBuffer.wrap(script, sent[i]++, 1));
                        }
                    } catch (IOException e) {
                        closed = true; // reset by the gateway
                    }
                    if (closed) {
                        closedAfter[i] = System.nanoTime() - opened[i];
                    } else {
                        open++;
                    }
                }
                sleep(1_000);
            }
        } finally {
            for (SocketChannel ch : conns) {
                ch.close();
            }
        }
        int stillOpen = 0;
        long slowest = 0;
        Map<String, Integer> answers = new java.util.TreeMap<>();
        for (int i = 0; i < conns.size(); i++) {
            if (closedAfter[i] < 0) {
                stillOpen++;
            } else {
                slowest = Math.max(slowest, closedAfter[i]);
            }
            answers.merge((i % 2 == 0 ? "headers: " : "body: ") + (firstAnswer[i] == null ? "(closed without an answer)"
                    : firstAnswer[i]), 1, Integer::sum);
        }
        observed.put("slow connections", stillOpen + " of " + conns.size() + " still open after "
                + (SLOW_REQUEST_DEADLINE.toSeconds() + 10) + " s; the gateway closed the others after at most "
                + slowest / 1_000_000_000 + " s; answers " + answers);
        soft.assertThat(stillOpen).as("slow connections the gateway had not cut off %s s after they opened",
                SLOW_REQUEST_DEADLINE.toSeconds() + 10).isZero();
        soft.assertThat(slowest).as("longest a slow connection was kept (ns)")
                .isLessThanOrEqualTo(SLOW_REQUEST_DEADLINE.toNanos());
        return null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
