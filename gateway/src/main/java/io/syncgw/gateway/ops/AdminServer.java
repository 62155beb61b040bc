package io.syncgw.gateway.ops;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The admin port ({@code --admin-port}, default 8081, bound to 127.0.0.1 unless {@code --admin-bind} says
 * otherwise): {@code GET /metrics} (Prometheus text format, open like any scrape target) and the JSON admin API
 * under {@code /api/}, which requires {@code Authorization: Bearer <admin token>}.
 */
public final class AdminServer implements AutoCloseable {
    private final DisposableServer server;

    /**
     * @param api extra routes of the admin API (registered under /api/, behind the token check by the caller's
     *            handlers through {@link #authorized})
     */
    public AdminServer(String bind, int port, GatewayMetrics metrics, Consumer<HttpServerRoutes> api) {
        this.server = HttpServer.create()
                .host(bind)
                .port(port)
                .route(r -> {
                    r.get("/metrics", (req, res) -> res.status(HttpResponseStatus.OK)
                            .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                            .sendString(Mono.fromSupplier(metrics::scrape)));
                    api.accept(r);
                })
                .bindNow(Duration.ofSeconds(30));
    }

    /** Constant-time check of an {@code Authorization: Bearer} header against the admin token. */
    public static boolean authorized(String authorizationHeader, String token) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }
}
