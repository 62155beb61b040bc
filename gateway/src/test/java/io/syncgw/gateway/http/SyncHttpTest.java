package io.syncgw.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.syncgw.codec.DecoderLimits;
import io.syncgw.codec.model.AlertCode;
import io.syncgw.codec.model.Status;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.engine.EngineConfig;
import io.syncgw.engine.SyncEngine;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.testing.Cards;
import io.syncgw.engine.testing.InMemorySyncStore;
import io.syncgw.engine.testing.TestClient;
import io.syncgw.gateway.session.SessionRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/**
 * The HTTP contract of {@code /sync} over a real socket, with BlockHound failing any blocking call on an event loop.
 * The store is the engine's in-memory one: what is tested here is the transport; the PostgreSQL store has its own
 * integration tests and the whole stack runs against PostgreSQL in {@code GatewayIT}.
 */
class SyncHttpTest {
    private InMemorySyncStore store;
    private SessionRegistry registry;
    private GatewayServer server;
    private String url;
    private io.syncgw.gateway.ops.GatewayMetrics metrics;
    private volatile boolean draining;

    @BeforeEach
    void start() {
        store = new InMemorySyncStore();
        store.addAccount("alice", "secret");
        SyncEngine engine = new SyncEngine(EngineConfig.DEFAULT, store, io.syncgw.gateway.GatewayFormats.all()
                .values().stream().map(SyncHandler.WireFormat::encoder).toList(), NonceSource.create(new byte[32]),
                null, Schedulers.parallel());
        registry = new SessionRegistry(engine, Duration.ofMinutes(5), 1000, Clock.systemUTC());
        metrics = new io.syncgw.gateway.ops.GatewayMetrics("server_wins", registry::live, registry::retained,
                registry::expiredCount);
        SyncHandler handler = new SyncHandler(registry, io.syncgw.gateway.GatewayFormats.all(),
                new DecoderLimits(200_000, 32, 100_000, 200_000, 5_000, 5_000), null, metrics, () -> draining);
        server = new GatewayServer("127.0.0.1", 0, handler, () -> true, Duration.ofMinutes(2));
        url = "http://127.0.0.1:" + server.port() + "/sync";
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
        metrics.close();
    }

    private record Answer(int status, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Answer post(String uri, String contentType, byte[] body) {
        return HttpClient.create()
                .headers(h -> {
                    if (contentType != null) {
                        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
                    }
                })
                .post().uri(uri).send(ByteBufFlux.fromInbound(Mono.just(body)))
                .responseSingle((res, b) -> b.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(res.status().code(), res.responseHeaders().get("Content-Type"), bytes)))
                .block(Duration.ofSeconds(30));
    }

    private TestClient.Result sync(TestClient c, int mode) {
        return c.syncOver(mode, new HttpTransport(url));
    }

    @Test
    void wholeSessionsOverHttpFollowingRespUri() {
        TestClient a = new TestClient("dev-a", "alice", "secret");
        for (int i = 1; i <= 60; i++) {
            a.addLocal("a" + i, Cards.v30(i, 1));
        }
        TestClient.Result r = sync(a, AlertCode.SLOW_SYNC);
        assertThat(r.completed).as(r.toString()).isTrue();
        assertThat(r.replies.get(0).header().respUri()).startsWith(url + "?s=").hasSizeGreaterThan(url.length() + 20);
        TestClient b = new TestClient("dev-b", "alice", "secret");
        b.maxMsgSize = 10_240;
        TestClient.Result rb = sync(b, AlertCode.REFRESH_FROM_SERVER);
        assertThat(rb.receivedAdds).isEqualTo(60);
        assertThat(rb.maxReplyBytes).isLessThanOrEqualTo(10_240);
    }

    @Test
    void garbageIs400AndTheNextClientStillSyncs() {
        Answer a = post(url, "application/vnd.syncml+xml", "this is not SyncML <<<".getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.text()).contains("malformed");
        Answer truncated = post(url, "application/vnd.syncml+xml", "<SyncML><SyncHdr><VerDTD>1.2".getBytes());
        assertThat(truncated.status()).isEqualTo(400);
        Answer empty = post(url, "application/vnd.syncml+xml", new byte[0]);
        assertThat(empty.status()).isEqualTo(400);
        TestClient c = new TestClient("dev-c", "alice", "secret");
        c.addLocal("x", Cards.v30(1, 1));
        assertThat(sync(c, AlertCode.SLOW_SYNC).completed).isTrue();
    }

    @Test
    void contentTypesAndMethods() {
        byte[] msg = firstMessage();
        assertThat(post(url, "text/plain", msg).status()).isEqualTo(415);
        // the same message in WBXML is answered in WBXML
        byte[] wbxml = new io.syncgw.codec.wbxml.SyncMlWbxmlEncoder().encode(TestClient.roundTrip(msg));
        Answer w = post(url, "application/vnd.syncml+wbxml; charset=UTF-8", wbxml);
        assertThat(w.status()).isEqualTo(200);
        assertThat(w.contentType()).startsWith("application/vnd.syncml+wbxml");
        assertThat(new io.syncgw.codec.wbxml.SyncMlWbxmlDecoder().feed(w.body()))
                .isInstanceOf(io.syncgw.codec.DecodeResult.Complete.class);
        assertThat(post(url, "application/vnd.syncml+xml", wbxml).status()).as("WBXML labelled XML").isEqualTo(400);
        assertThat(post(url, null, msg).status()).isEqualTo(415);
        Answer ok = post(url, "application/vnd.syncml+xml; charset=UTF-8", msg);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.contentType()).startsWith("application/vnd.syncml+xml");
        Answer get = HttpClient.create().get().uri(url).responseSingle((res, b) -> Mono.just(
                new Answer(res.status().code(), null, new byte[0]))).block(Duration.ofSeconds(10));
        assertThat(get.status()).isEqualTo(405);
        Answer health = HttpClient.create().get().uri("http://127.0.0.1:" + server.port() + "/healthz")
                .responseSingle((res, b) -> b.asString().map(s -> new Answer(res.status().code(), null,
                        s.getBytes(StandardCharsets.UTF_8)))).block(Duration.ofSeconds(10));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.text()).isEqualTo("ok\n");
    }

    @Test
    void oversizedBodiesAre413() {
        byte[] big = new byte[300_000];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThat(post(url, "application/vnd.syncml+xml", big).status()).isEqualTo(413);
    }

    @Test
    void afterTenWrongPasswordsTheLoginIsThrottledEvenWithTheRightOneAndOthersStillSync() {
        for (int i = 0; i < 10; i++) {
            TestClient guess = new TestClient("dev-guess", "alice", "guess-" + i);
            guess.auth = TestClient.Auth.BASIC;
            assertThat(sync(guess, AlertCode.SLOW_SYNC).headerStatus).isEqualTo(401);
        }
        TestClient right = new TestClient("dev-right", "alice", "secret");
        right.auth = TestClient.Auth.BASIC;
        TestClient.Result throttled = sync(right, AlertCode.SLOW_SYNC);
        assertThat(throttled.headerStatus).as("throttled: retry later").isEqualTo(503);
        assertThat(store.deviceCount()).isZero();
        store.addAccount("bob", "secret");
        TestClient other = new TestClient("dev-bob", "bob", "secret");
        other.addLocal("x", Cards.v30(1, 1));
        assertThat(sync(other, AlertCode.SLOW_SYNC).completed).isTrue();
    }

    @Test
    void wrongPasswordIs401InSyncMlAndTouchesNothing() {
        TestClient c = new TestClient("dev-x", "alice", "wrong");
        c.addLocal("x", Cards.v30(1, 1));
        TestClient.Result r = sync(c, AlertCode.SLOW_SYNC);
        assertThat(r.headerStatus).isEqualTo(401);
        assertThat(store.writeCount()).isZero();
        assertThat(store.deviceCount()).isZero();
    }

    @Test
    void unknownTokenGets408InSyncMl() {
        byte[] msg = firstMessage();
        String second = new String(msg, StandardCharsets.UTF_8).replace("<MsgID>1</MsgID>", "<MsgID>2</MsgID>");
        Answer a = post(url + "?s=AAAAAAAAAAAAAAAAAAAAAA", "application/vnd.syncml+xml",
                second.getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).isEqualTo(200);
        SyncMessage reply = TestClient.roundTrip(a.body());
        assertThat(reply.commands().get(0)).isInstanceOfSatisfying(Status.class, s -> {
            assertThat(s.cmd()).isEqualTo("SyncHdr");
            assertThat(s.code()).isEqualTo(408);
        });
        // the same message as the start of a session gets a new session
        Answer fresh = post(url + "?s=AAAAAAAAAAAAAAAAAAAAAA", "application/vnd.syncml+xml", msg);
        assertThat(TestClient.roundTrip(fresh.body()).header().respUri()).doesNotContain("AAAAAAAAAAAAAAAAAAAAAA");
    }

    @Test
    void concurrentSessionsOfOneAccountAllComplete() {
        int n = 8;
        store.setMaxDevices("alice", n); // eight devices of one account, all at once
        java.util.List<TestClient.Result> results = reactor.core.publisher.Flux.range(0, n)
                .flatMap(dev -> Mono.fromCallable(() -> {
                    TestClient c = new TestClient("dev-" + dev, "alice", "secret");
                    for (int i = 1; i <= 20; i++) {
                        c.addLocal("i" + i, Cards.v30(dev * 100 + i, 1));
                    }
                    return sync(c, AlertCode.SLOW_SYNC);
                }).subscribeOn(Schedulers.boundedElastic()), n)
                .collectList()
                .block(Duration.ofSeconds(60));
        assertThat(results).hasSize(n).allMatch(r -> r.completed);
        assertThat(store.liveItems("alice", "contacts")).hasSize(n * 20);
    }

    private static byte[] gzip(byte[] in) {
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bos)) {
            gz.write(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    private static byte[] deflate(byte[] in) {
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(bos)) {
            d.write(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    private Answer postEncoded(String encoding, byte[] body, boolean acceptGzip) {
        return HttpClient.create()
                .headers(h -> {
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/vnd.syncml+xml");
                    h.set(HttpHeaderNames.CONTENT_ENCODING, encoding);
                    if (acceptGzip) {
                        h.set(HttpHeaderNames.ACCEPT_ENCODING, "gzip");
                    }
                })
                .post().uri(url).send(ByteBufFlux.fromInbound(Mono.just(body)))
                .responseSingle((res, b) -> b.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(res.status().code(), res.responseHeaders().get("Content-Encoding"),
                                bytes)))
                .block(Duration.ofSeconds(30));
    }

    @Test
    void compressedRequestsAreInflatedAndResponsesCompressedOnRequest() throws java.io.IOException {
        byte[] msg = firstMessage();
        Answer gz = postEncoded("gzip", gzip(msg), true);
        assertThat(gz.status()).isEqualTo(200);
        assertThat(gz.contentType()).as("response Content-Encoding").isEqualTo("gzip");
        byte[] inflated = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body())).readAllBytes();
        assertThat(TestClient.roundTrip(inflated).header().respUri()).contains("?s=");
        Answer df = postEncoded("deflate", deflate(msg), false);
        assertThat(df.status()).isEqualTo(200);
        assertThat(df.contentType()).isNull();
        assertThat(TestClient.roundTrip(df.body()).commands()).isNotEmpty();
        assertThat(postEncoded("br", msg, false).status()).isEqualTo(415);
    }

    @Test
    void aCompressionBombIsCutOffAtTheMessageLimit() {
        // 50 MB of blanks inflate from about 50 KB; the decoder stops at its 200,000-byte limit
        byte[] blanks = new byte[50 << 20];
        java.util.Arrays.fill(blanks, (byte) ' ');
        byte[] bomb = gzip(blanks);
        assertThat(bomb.length).isLessThan(100_000);
        assertThat(postEncoded("gzip", bomb, false).status()).isEqualTo(413);
    }

    @Test
    void aResentFirstMessageIsAnsweredByItsSessionNotApplied() {
        byte[] msg = firstMessage();
        Answer first = post(url, "application/vnd.syncml+xml", msg);
        int writes = store.writeCount();
        int devices = store.deviceCount();
        Answer again = post(url, "application/vnd.syncml+xml", msg);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(store.writeCount()).isEqualTo(writes);
        assertThat(store.deviceCount()).isEqualTo(devices);
        assertThat(registry.size()).isEqualTo(1);
    }

    /** The first message of a slow sync, as bytes. */
    private static byte[] firstMessage() {
        TestClient c = new TestClient("dev-probe", "alice", "secret");
        byte[][] first = new byte[1][];
        try {
            c.syncOver(AlertCode.SLOW_SYNC, m -> {
                first[0] = m;
                throw new IllegalStateException("stop after the first message");
            });
        } catch (IllegalStateException expected) {
            // only the first message was wanted
        }
        return first[0];
    }
}
