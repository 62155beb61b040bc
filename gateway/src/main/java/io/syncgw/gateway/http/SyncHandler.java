package io.syncgw.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.syncgw.codec.DecodeResult;
import io.syncgw.codec.DecoderLimits;
import io.syncgw.codec.SyncMlDecoder;
import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.model.Meta;
import io.syncgw.codec.model.StatusCode;
import io.syncgw.codec.model.SyncMessage;
import io.syncgw.engine.session.Refusal;
import io.syncgw.gateway.ops.GatewayMetrics;
import io.syncgw.gateway.session.SessionRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /sync}: decodes the body while it arrives, hands the message to its session (a new one without a
 * token), and answers in the client's encoding (SyncML HTTP binding: the reply has the request's content type).
 *
 * <p>Answers other than a SyncML reply, each logged once:
 * <ul>
 *   <li>415 for a content type no wire encoding is registered for (parameters such as charset allowed), or a
 *       Content-Encoding other than gzip and deflate;</li>
 *   <li>413 for a body over the limit (announced by Content-Length or found while reading, counted after
 *       inflating a gzip/deflate body);</li>
 *   <li>400 for a body that is not a SyncML message (truncated, not XML, no header...);</li>
 *   <li>408 for a request that does not arrive in time (headers within 20 s of their first byte, the whole request
 *       within 60 s, no pause over 20 s in the body: {@link GatewayServer}), the connection closed;</li>
 *   <li>a SyncML reply with status 408 on the header for a token of no live session (expired, or another node's),
 *       unless the message starts a session (MsgID 1), which then gets a new one;</li>
 *   <li>503 when this node already serves its maximum number of live sessions ({@code --max-sessions});</li>
 *   <li>a SyncML reply with status 417 (retry later) on the header for a new session while the node drains.</li>
 * </ul>
 */
public final class SyncHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SyncHandler.class);
    private static final java.util.Set<String> SUPPORTED_ENCODINGS = java.util.Set.of("gzip", "x-gzip", "deflate",
            "x-deflate", "identity");

    /** A wire encoding: its decoder (one per message) and its encoder. */
    public record WireFormat(Function<DecoderLimits, SyncMlDecoder> decoders, SyncMlEncoder encoder) {
    }

    private final SessionRegistry sessions;
    private final Map<String, WireFormat> formats;
    private final DecoderLimits limits;
    private final String publicUrl;
    private final GatewayMetrics metrics;
    private final java.util.function.BooleanSupplier draining;
    /** Failed logins per login and address: new sessions refused for a while after too many. */
    private final LoginThrottle throttle = new LoginThrottle(java.time.Clock.systemUTC());
    /** Routes messages of other nodes' sessions to them; null on a single node. */
    private final io.syncgw.gateway.cluster.ClusterRouter router;

    /**
     * @param formats   the wire encodings served, by MIME type
     * @param publicUrl the URL clients reach this service at (for RespURI), or null to derive it from the request's
     *                  Host header
     * @param draining  true while the node shuts down: sessions in flight go on, new ones get "retry later"
     */
    public SyncHandler(SessionRegistry sessions, Map<String, WireFormat> formats, DecoderLimits limits,
                       String publicUrl, GatewayMetrics metrics, java.util.function.BooleanSupplier draining) {
        this(sessions, formats, limits, publicUrl, metrics, draining, null);
    }

    /** @param router the cluster's message routing, or null on a single node */
    public SyncHandler(SessionRegistry sessions, Map<String, WireFormat> formats, DecoderLimits limits,
                       String publicUrl, GatewayMetrics metrics, java.util.function.BooleanSupplier draining,
                       io.syncgw.gateway.cluster.ClusterRouter router) {
        this.router = router;
        this.sessions = sessions;
        this.formats = Map.copyOf(formats);
        this.limits = limits;
        this.publicUrl = publicUrl;
        this.metrics = metrics;
        this.draining = draining;
    }

    public Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        if (router != null) {
            return router.route(req).flatMap(node -> {
                if (node.isPresent()) {
                    metrics.forwarded();
                    return router.forward(req, res, node.get(), () -> Mono.from(handleHere(req, res)));
                }
                return Mono.from(handleHere(req, res));
            });
        }
        return handleHere(req, res);
    }

    private Publisher<Void> handleHere(HttpServerRequest req, HttpServerResponse res) {
        String type = req.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        WireFormat format = formats.get(mime);
        if (format == null) {
            return plain(req, res, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported content type '" + type
                    + "' (served: " + String.join(", ", formats.keySet()) + ")");
        }
        String encoding = req.requestHeaders().get(HttpHeaderNames.CONTENT_ENCODING);
        if (encoding != null && !SUPPORTED_ENCODINGS.contains(encoding.trim().toLowerCase(Locale.ROOT))) {
            return plain(req, res, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported Content-Encoding '" + encoding + "' (gzip and deflate are)");
        }
        long declared = req.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
        if (declared > limits.maxMessageBytes()) {
            return plain(req, res, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "body of " + declared + " bytes exceeds " + limits.maxMessageBytes());
        }
        SyncMlDecoder decoder = format.decoders().apply(limits);
        byte[] scratch = new byte[8192];
        String enc = encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT);
        BodyInflater inflater = enc.equals("identity") ? null : new BodyInflater(enc);
        long[] decodeNanos = {0};
        return req.receive()
                .map(buf -> {
                    long t0 = System.nanoTime();
                    DecodeResult r = inflater == null ? feed(decoder, buf, scratch) : inflater.feed(buf, decoder);
                    decodeNanos[0] += System.nanoTime() - t0;
                    return r;
                })
                .takeUntil(r -> !(r instanceof DecodeResult.NeedMoreInput))
                .last(DecodeResult.NEED_MORE_INPUT)
                .map(r -> !(r instanceof DecodeResult.NeedMoreInput) ? r
                        : inflater == null ? decoder.endOfInput() : inflater.finish(decoder))
                .doFinally(signal -> {
                    if (inflater != null) {
                        inflater.close();
                    }
                })
                .flatMap(r -> {
                    if (r instanceof DecodeResult.Malformed m) {
                        HttpResponseStatus st = m.problem() == DecodeResult.Problem.LIMIT
                                ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
                        return plain(req, res, st, "malformed SyncML (" + m.problem() + "): " + m.reason());
                    }
                    metrics.decoded(decodeNanos[0]);
                    return dispatch(req, res, ((DecodeResult.Complete) r).message(), mime, format);
                })
                .onErrorResume(DroppedErrors::isTimeout, e -> {
                    // a body trickling in (slowloris) or stalled: nothing of it was applied
                    res.keepAlive(false);
                    return plain(req, res, HttpResponseStatus.REQUEST_TIMEOUT, "request body not received in time");
                });
    }

    private static DecodeResult feed(SyncMlDecoder decoder, ByteBuf buf, byte[] scratch) {
        // the decoder reads the bytes during the call only, so a heap buffer's array is fed as is and a direct
        // buffer goes through one reusable scratch array
        int n = buf.readableBytes();
        if (buf.hasArray()) {
            return decoder.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
        }
        DecodeResult r = DecodeResult.NEED_MORE_INPUT;
        int idx = buf.readerIndex();
        while (n > 0 && r instanceof DecodeResult.NeedMoreInput) {
            int k = Math.min(n, scratch.length);
            buf.getBytes(idx, scratch, 0, k);
            r = decoder.feed(scratch, 0, k);
            idx += k;
            n -= k;
        }
        return r;
    }

    private Mono<Void> dispatch(HttpServerRequest req, HttpServerResponse res, SyncMessage msg, String mime,
                                WireFormat format) {
        String token = new QueryStringDecoder(req.uri()).parameters().getOrDefault("s", List.of()).stream()
                .findFirst().orElse(null);
        var existing = sessions.find(token);
        String useToken = token;
        var session = existing.orElse(null);
        if (session == null && "1".equals(msg.header().msgId())) {
            // a client that missed the reply to its first message posts it again to the URL without a token: the
            // session it started replays that reply (nothing is applied twice, the nonce it used still counts)
            var resent = sessions.findStartedBy(msg);
            if (resent.isPresent()) {
                session = resent.get().session();
                useToken = resent.get().token();
            }
        }
        if (session == null) {
            if (token != null && !"1".equals(msg.header().msgId())) {
                LOG.info("unknown or expired session token from {} (device '{}', msg {})", remote(req),
                        msg.header().source().locUri(), msg.header().msgId());
                // 408 on header and commands: the client ends this session and starts a new one
                return syncml(res, Refusal.of(msg, StatusCode.REQUEST_TIMEOUT, "1", null, Meta.EMPTY), mime, format);
            }
            String login = loginOf(msg);
            String address = ClientAddress.of(req);
            Optional<Duration> wait = throttle.blocked(login, address);
            if (wait.isPresent()) {
                long seconds = Math.max(1, wait.get().toSeconds());
                LOG.info("login '{}' from {} throttled after failed logins: retry in {} s", login, address, seconds);
                metrics.rejected(StatusCode.SERVICE_UNAVAILABLE);
                res.header(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
                return syncml(res, Refusal.of(msg, StatusCode.SERVICE_UNAVAILABLE, "1", null, Meta.EMPTY), mime,
                        format);
            }
            if (draining.getAsBoolean()) {
                // shutting down: the client retries later (and is balanced to another node)
                LOG.info("draining: new session of device '{}' asked to retry later", msg.header().source().locUri());
                metrics.rejected(StatusCode.RETRY_LATER);
                res.header(HttpHeaderNames.RETRY_AFTER, "30");
                return syncml(res, Refusal.of(msg, StatusCode.RETRY_LATER, "1", null, Meta.EMPTY), mime, format);
            }
            Optional<SessionRegistry.Created> created = sessions.create(respUriBase(req), mime);
            if (created.isEmpty()) {
                return plain(req, res, HttpResponseStatus.SERVICE_UNAVAILABLE, "too many sessions on this node");
            }
            session = created.get().session();
            useToken = created.get().token();
            sessions.started(useToken, msg);
            metrics.sessionStarted();
        }
        String finalToken = useToken;
        long t0 = System.nanoTime();
        return session.handle(msg).flatMap(reply -> onLoopOf(res, reply)).flatMap(reply -> {
            metrics.processed(System.nanoTime() - t0);
            if (msg.header().cred() != null) {
                if (reply.outcome() == io.syncgw.engine.session.Effect.Outcome.AUTH_FAILED) {
                    throttle.failed(loginOf(msg), ClientAddress.of(req));
                } else if (reply.report().headerStatus() == StatusCode.AUTHENTICATION_ACCEPTED) {
                    throttle.succeeded(loginOf(msg));
                }
            }
            if (reply.report().failure() == io.syncgw.engine.session.MessageReport.Failure.DEVICE_BUSY) {
                res.header(HttpHeaderNames.RETRY_AFTER, "3"); // the other session's hold lapses within seconds
            }
            boolean ended = sessions.replied(finalToken, reply.outcome());
            metrics.replied(reply, ended);
            return syncml(res, reply.message(), mime, format);
        });
    }

    /**
     * {@code value}, on the event loop of the response's connection. The engine's reply arrives on the thread that
     * ran its last database call; sending from there raced the loop's own changes of the connection's pipeline:
     * when it sends the headers, Reactor Netty adds the compression handler after its read-timeout handler, which
     * the loop removes when the request has been read ({@code NoSuchElementException: reactor.left.readTimeoutHandler},
     * about once in a million exchanges under load). On the loop, the send also writes directly instead of through
     * a task per write.
     */
    static <T> Mono<T> onLoopOf(HttpServerResponse res, T value) {
        io.netty.channel.EventLoop[] loop = new io.netty.channel.EventLoop[1];
        res.withConnection(c -> loop[0] = c.channel().eventLoop());
        if (loop[0] == null || loop[0].inEventLoop()) {
            return Mono.just(value);
        }
        return Mono.create(sink -> {
            try {
                loop[0].execute(() -> sink.success(value));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                sink.error(e); // the loop is shutting down: the connection goes with it
            }
        });
    }

    private Mono<Void> syncml(HttpServerResponse res, SyncMessage reply, String mime, WireFormat format) {
        long t0 = System.nanoTime();
        byte[] body = format.encoder().encode(reply);
        metrics.encoded(System.nanoTime() - t0);
        return res.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, mime + "; charset=UTF-8")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                .sendByteArray(Mono.just(body))
                .then();
    }

    /** The login a message claims (basic: from its credentials, MD5: the header's LocName); "" when none. */
    private static String loginOf(SyncMessage msg) {
        io.syncgw.engine.auth.Credentials c = io.syncgw.engine.auth.Credentials.parse(msg.header().cred(),
                msg.header().source().locName());
        if (c instanceof io.syncgw.engine.auth.Credentials.Basic b) {
            return b.login();
        }
        if (c instanceof io.syncgw.engine.auth.Credentials.Md5 m) {
            return m.login();
        }
        return msg.header().source().locName() == null ? "" : msg.header().source().locName();
    }

    private String respUriBase(HttpServerRequest req) {
        if (publicUrl != null) {
            return publicUrl;
        }
        String host = req.requestHeaders().get(HttpHeaderNames.HOST);
        if (host == null || host.isBlank()) {
            host = req.hostAddress() == null ? "localhost" : req.hostAddress().getHostString() + ":"
                    + req.hostAddress().getPort();
        }
        return req.scheme() + "://" + host + req.fullPath();
    }

    private Mono<Void> plain(HttpServerRequest req, HttpServerResponse res, HttpResponseStatus status, String why) {
        LOG.warn("{} {} from {}: {} {}", req.method(), req.uri(), remote(req), status.code(), why);
        metrics.rejected(status.code());
        byte[] body = (status.code() + " " + status.reasonPhrase() + ": " + why + "\n").getBytes(StandardCharsets.UTF_8);
        return res.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                .sendByteArray(Mono.just(body))
                .then();
    }

    private static String remote(HttpServerRequest req) {
        return req.remoteAddress() == null ? "?" : req.remoteAddress().getHostString();
    }
}
