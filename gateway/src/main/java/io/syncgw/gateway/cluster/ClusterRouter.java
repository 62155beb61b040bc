package io.syncgw.gateway.cluster;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.syncgw.persistence.cluster.NodeDirectory;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * Several gateway nodes on one database behind any load balancer, round-robin included. A session lives on the node
 * that started it: its token begins with that node's id ({@code s=<node>.<random>}). A node receiving a message of
 * another node's session forwards the HTTP request there unchanged (headers and body streamed through, the reply
 * streamed back) and marks it, so a forwarded request is never forwarded again. A draining node hands new sessions
 * to a live peer that is not draining. When the owner is gone (no heartbeat for {@link #MAX_SILENCE}) the message
 * is handled here, which answers 408: the client starts a new session, and nothing committed is lost.
 *
 * <p>Nodes find each other in {@code gateway_node} ({@link NodeDirectory}): each renews a heartbeat every
 * {@link #BEAT}, with the URL its peers reach it at ({@code --advertise-url}).
 */
public final class ClusterRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRouter.class);
    /** Marks a forwarded request (value: the forwarding node). */
    public static final String FORWARDED_BY = "X-Syncgw-Forwarded-By";
    static final Duration BEAT = Duration.ofSeconds(5);
    static final Duration MAX_SILENCE = Duration.ofSeconds(20);
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    private final String nodeId;
    private final String internalUrl;
    private final NodeDirectory directory;
    private final BooleanSupplier draining;
    private final AtomicReference<Map<String, NodeDirectory.Node>> nodes = new AtomicReference<>(Map.of());
    private final AtomicReference<Instant> lastRefresh = new AtomicReference<>();
    private final HttpClient client;
    private final ConnectionProvider pool;
    private final Disposable beats;

    /**
     * @param nodeId      this node's id (letters and digits)
     * @param internalUrl how peers reach this node's sync port, e.g. {@code http://10.0.0.5:8080}
     */
    public ClusterRouter(String nodeId, String internalUrl, NodeDirectory directory, BooleanSupplier draining,
                         Duration forwardTimeout) {
        if (!nodeId.matches("[A-Za-z0-9_-]{1,40}")) {
            throw new IllegalArgumentException("node id must be 1-40 letters, digits, '-' or '_': " + nodeId);
        }
        this.nodeId = nodeId;
        this.internalUrl = internalUrl.endsWith("/") ? internalUrl.substring(0, internalUrl.length() - 1)
                : internalUrl;
        this.directory = directory;
        this.draining = draining;
        this.pool = ConnectionProvider.builder("syncgw-forward").maxConnections(500)
                .pendingAcquireTimeout(Duration.ofSeconds(10)).maxIdleTime(Duration.ofSeconds(30)).build();
        this.client = HttpClient.create(pool).responseTimeout(forwardTimeout);
        directory.register(nodeId, this.internalUrl).block(Duration.ofMinutes(1));
        refresh().block(Duration.ofMinutes(1));
        this.beats = Flux.interval(BEAT, BEAT, Schedulers.parallel())
                .concatMap(t -> refresh().onErrorResume(e -> {
                    LOG.warn("cluster heartbeat failed: {}", e.toString());
                    return Mono.empty();
                }))
                .subscribe();
        LOG.info("cluster node '{}' reachable at {}", nodeId, this.internalUrl);
    }

    /** A node id for a node started without {@code --node-id}: 8 random letters and digits. */
    public static String randomNodeId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private Mono<Void> refresh() {
        return directory.heartbeat(nodeId, internalUrl, draining.getAsBoolean())
                .doOnNext(list -> {
                    nodes.set(list.stream().collect(Collectors.toUnmodifiableMap(NodeDirectory.Node::nodeId,
                            n -> n)));
                    lastRefresh.set(Instant.now());
                })
                .then();
    }

    public String nodeId() {
        return nodeId;
    }

    /** What session tokens of this node start with. */
    public String tokenPrefix() {
        return nodeId + ".";
    }

    /**
     * Where a request must go instead of being handled here: the live owner of its session, or (while this node
     * drains) a live peer for a new session. Empty: handle it here. An owner this node does not see alive is looked
     * up again first (at most once a second): it may have restarted since the last heartbeat, and its new process
     * holds the sessions it started since; taking it for gone would answer them "unknown session".
     */
    public Mono<Optional<NodeDirectory.Node>> route(HttpServerRequest req) {
        if (req.requestHeaders().contains(FORWARDED_BY)) {
            return Mono.just(Optional.empty());
        }
        String token = new QueryStringDecoder(req.uri()).parameters().getOrDefault("s", List.of()).stream()
                .findFirst().orElse(null);
        if (token == null) {
            return Mono.just(draining.getAsBoolean() ? peerForNewSession(Instant.now()) : Optional.empty());
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Mono.just(Optional.empty());
        }
        String owner = token.substring(0, dot);
        if (owner.equals(nodeId)) {
            return Mono.just(Optional.empty());
        }
        NodeDirectory.Node n = nodes.get().get(owner);
        if (n != null && n.alive(Instant.now(), MAX_SILENCE)) {
            return Mono.just(Optional.of(n));
        }
        return freshNodes().map(m -> {
            NodeDirectory.Node now = m.get(owner);
            if (now == null || !now.alive(Instant.now(), MAX_SILENCE)) {
                LOG.info("session of node '{}', which is gone: handled here", owner);
                return Optional.empty();
            }
            return Optional.of(now);
        });
    }

    /** The directory as the database has it now, unless it was read less than a second ago. */
    private Mono<Map<String, NodeDirectory.Node>> freshNodes() {
        Instant last = lastRefresh.get();
        if (last != null && last.plus(Duration.ofSeconds(1)).isAfter(Instant.now())) {
            return Mono.just(nodes.get());
        }
        return refresh().onErrorResume(e -> Mono.empty()).then(Mono.fromSupplier(nodes::get));
    }

    private Optional<NodeDirectory.Node> peerForNewSession(Instant now) {
        List<NodeDirectory.Node> live = new ArrayList<>();
        for (NodeDirectory.Node n : nodes.get().values()) {
            if (!n.nodeId().equals(nodeId) && !n.draining() && n.alive(now, MAX_SILENCE)) {
                live.add(n);
            }
        }
        return live.isEmpty() ? Optional.empty() : Optional.of(live.get(ThreadLocalRandom.current()
                .nextInt(live.size())));
    }

    /**
     * Passes the request to {@code node} and its reply back, both streamed. When the node cannot be reached at all
     * (nothing of the body read yet), it is taken for gone and the request goes to {@code here} instead.
     */
    public Mono<Void> forward(HttpServerRequest req, HttpServerResponse res, NodeDirectory.Node node,
                              java.util.function.Supplier<Mono<Void>> here) {
        java.util.concurrent.atomic.AtomicBoolean bodyRead = new java.util.concurrent.atomic.AtomicBoolean();
        return client
                .headers(h -> {
                    req.requestHeaders().forEach(e -> {
                        if (!HOP_BY_HOP.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                            h.add(e.getKey(), e.getValue());
                        }
                    });
                    h.set(FORWARDED_BY, nodeId);
                })
                .post()
                .uri(node.internalUrl() + req.uri())
                .send((creq, out) -> out.send(req.receive().retain().doOnSubscribe(x -> bodyRead.set(true))))
                .response((cres, body) -> {
                    res.status(cres.status());
                    cres.responseHeaders().forEach(e -> {
                        if (!HOP_BY_HOP.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                            res.header(e.getKey(), e.getValue());
                        }
                    });
                    return res.send(body.retain());
                })
                .then()
                .onErrorResume(e -> {
                    if (!bodyRead.get() && !res.hasSentHeaders()) {
                        // the node may have restarted at another address since the last heartbeat (its new
                        // process holds the sessions it started since): look again before taking it for gone
                        return refresh().onErrorResume(x -> Mono.empty()).then(Mono.defer(() -> {
                            NodeDirectory.Node now = nodes.get().get(node.nodeId());
                            if (now != null && !now.internalUrl().equals(node.internalUrl())) {
                                LOG.info("node '{}' moved to {}: request forwarded there", node.nodeId(),
                                        now.internalUrl());
                                return forward(req, res, now, here);
                            }
                            LOG.warn("node '{}' unreachable ({}): taken for gone, request handled here",
                                    node.nodeId(), e.toString());
                            markGone(node.nodeId());
                            return here.get();
                        }));
                    }
                    LOG.warn("forwarding {} to node '{}' failed: {}", req.uri(), node.nodeId(), e.toString());
                    if (res.hasSentHeaders()) {
                        return Mono.empty();
                    }
                    byte[] msg = ("502 Bad Gateway: node " + node.nodeId() + " did not answer; retry\n")
                            .getBytes(StandardCharsets.UTF_8);
                    return res.status(HttpResponseStatus.BAD_GATEWAY)
                            .header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
                            .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(msg.length))
                            .sendByteArray(Mono.just(msg)).then();
                });
    }

    /** Until its next heartbeat shows it again, a node that refused a connection is not routed to. */
    private void markGone(String id) {
        nodes.updateAndGet(m -> m.entrySet().stream().filter(e -> !e.getKey().equals(id))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /** Leaves the directory (peers stop routing here) and stops the heartbeat. */
    @Override
    public void close() {
        beats.dispose();
        try {
            directory.leave(nodeId).block(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warn("could not leave the node directory: {}", e.toString());
        }
        pool.disposeLater().block(Duration.ofSeconds(10));
    }
}
