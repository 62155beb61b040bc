package io.syncgw.gateway.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The sync port: {@code POST /sync} (SyncML), {@code GET /healthz} (200 while the process serves),
 * {@code GET /readyz} (200 while the database answers and the node is not draining; 503 otherwise), and the routes
 * given as {@code pages} (the self-service page). Anything else is 404, other methods on /sync 405. HTTP
 * compression: responses are compressed when the client asks for it (Accept-Encoding); compressed request bodies
 * are inflated by {@link SyncHandler}.
 */
public final class GatewayServer implements AutoCloseable {
    /** Smaller responses are not worth compressing. */
    static final int COMPRESS_FROM_BYTES = 1024;

    private final DisposableServer server;

    /**
     * Longest time a request may take to arrive, headers and body: 60 s is a 4 MB message over a slow GPRS link
     * with time to spare; a slower request is answered 408 and its connection closed.
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Longest time a request's headers may take from their first byte (see {@link HeaderTimeout}). */
    public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(20);
    /** Longest pause between two reads of a request's body. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    public GatewayServer(String bind, int port, SyncHandler sync, BooleanSupplier healthy, Duration idleTimeout) {
        this(bind, port, sync, healthy, () -> Mono.just(healthy.getAsBoolean()), idleTimeout);
    }

    /**
     * @param ready answers {@code GET /readyz}: true while the gateway can serve (database reachable, not draining)
     */
    public GatewayServer(String bind, int port, SyncHandler sync, BooleanSupplier healthy,
                         java.util.function.Supplier<Mono<Boolean>> ready, Duration idleTimeout) {
        this(bind, port, sync, healthy, ready, idleTimeout, null, null);
    }

    /**
     * @param tlsCert PEM certificate chain for HTTPS on the sync port, or null for plain HTTP
     * @param tlsKey  PEM (PKCS#8) private key of that certificate
     */
    public GatewayServer(String bind, int port, SyncHandler sync, BooleanSupplier healthy,
                         java.util.function.Supplier<Mono<Boolean>> ready, Duration idleTimeout,
                         java.nio.file.Path tlsCert, java.nio.file.Path tlsKey) {
        this(bind, port, sync, healthy, ready, idleTimeout, tlsCert, tlsKey, routes -> { });
    }

    /**
     * @param pages further routes on the sync port (the self-service page under {@code /account/})
     */
    public GatewayServer(String bind, int port, SyncHandler sync, BooleanSupplier healthy,
                         java.util.function.Supplier<Mono<Boolean>> ready, Duration idleTimeout,
                         java.nio.file.Path tlsCert, java.nio.file.Path tlsKey,
                         java.util.function.Consumer<reactor.netty.http.server.HttpServerRoutes> pages) {
        DroppedErrors.install();
        byte[] ok = "ok\n".getBytes(StandardCharsets.UTF_8);
        byte[] notReady = "not ready\n".getBytes(StandardCharsets.UTF_8);
        HttpServer http = HttpServer.create();
        if (tlsCert != null) {
            reactor.netty.tcp.SslProvider.GenericSslContextSpec<?> tls =
                    reactor.netty.http.Http11SslContextSpec.forServer(tlsCert.toFile(), tlsKey.toFile());
            http = http.secure(spec -> spec.sslContext(tls));
        }
        this.server = http
                .host(bind)
                .port(port)
                .idleTimeout(idleTimeout)
                // a request must arrive whole within REQUEST_TIMEOUT (a connection trickling bytes holds a socket
                // and a buffer: slowloris), and never pause longer than READ_TIMEOUT between reads of its body
                .requestTimeout(REQUEST_TIMEOUT)
                .readTimeout(READ_TIMEOUT)
                .doOnChannelInit((observer, channel, remote) -> HeaderTimeout.install(channel.pipeline(),
                        HEADER_TIMEOUT))
                // Reactor Netty's HTTP server metrics (to the global Micrometer registry), URI tags bounded
                .metrics(true, uri -> uri.startsWith("/sync") ? "/sync" : uri.equals("/healthz") || uri.equals("/readyz")
                        ? uri : uri.startsWith("/account") ? "/account" : "other")
                // responses are compressed for clients that send Accept-Encoding (gzip or deflate)
                .compress(COMPRESS_FROM_BYTES)
                .route(r -> pages.accept(r
                        .post("/sync", sync::handle)
                        .get("/healthz", (req, res) -> healthy.getAsBoolean()
                                ? res.status(HttpResponseStatus.OK)
                                        .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
                                        .sendByteArray(Mono.just(ok))
                                : res.status(HttpResponseStatus.SERVICE_UNAVAILABLE).send())
                        .get("/readyz", (req, res) -> ready.get().onErrorReturn(false)
                                .defaultIfEmpty(false).flatMap(up -> res
                                .status(up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE)
                                .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
                                .sendByteArray(Mono.just(up ? ok : notReady)).then()))
                        .route(req -> req.uri().startsWith("/sync") && !req.method().name().equals("POST"),
                                (req, res) -> res.status(HttpResponseStatus.METHOD_NOT_ALLOWED)
                                        .header(HttpHeaderNames.ALLOW, "POST").send())))
                .bindNow(Duration.ofSeconds(30));
    }

    public int port() {
        return server.port();
    }

    public String host() {
        return server.host();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }
}
