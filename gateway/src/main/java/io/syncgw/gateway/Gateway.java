package io.syncgw.gateway;

import io.syncgw.codec.DecoderLimits;
import io.syncgw.codec.SyncMlEncoder;
import io.syncgw.codec.wbxml.SyncMlWbxmlDecoder;
import io.syncgw.codec.wbxml.SyncMlWbxmlEncoder;
import io.syncgw.codec.xml.SyncMlXmlDecoder;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import io.syncgw.engine.EngineConfig;
import io.syncgw.engine.SyncEngine;
import io.syncgw.engine.auth.CredentialCipher;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.engine.auth.PasswordHasher;
import io.syncgw.engine.sync.ConflictPolicy;
import io.syncgw.gateway.cli.Args;
import io.syncgw.gateway.cluster.ClusterRouter;
import io.syncgw.gateway.http.GatewayServer;
import io.syncgw.gateway.http.SyncHandler;
import io.syncgw.gateway.ops.AdminApi;
import io.syncgw.gateway.ops.AdminServer;
import io.syncgw.gateway.ops.GatewayMetrics;
import io.syncgw.gateway.session.SessionRegistry;
import io.syncgw.gateway.web.AccountPage;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.cluster.NodeDirectory;
import io.syncgw.persistence.account.AccountAdmin;
import io.syncgw.persistence.account.AdminTokens;
import io.syncgw.persistence.account.DeviceAdmin;
import io.syncgw.persistence.account.WebSessions;
import io.syncgw.persistence.secret.ServerSecrets;
import io.syncgw.persistence.store.R2dbcSyncStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A running gateway: engine over the PostgreSQL store, session registry, the sync port and the admin port. Assembled
 * here once, for {@code serve} and for the tests that run the whole stack.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** A self-service session ends after this long without a request, and this long after sign-in. */
    static final Duration WEB_SESSION_IDLE = Duration.ofMinutes(30);
    static final Duration WEB_SESSION_MAX_AGE = Duration.ofHours(12);

    private final SessionRegistry sessions;
    private final GatewayServer server;
    private final AdminServer admin;
    private final GatewayMetrics metrics;
    private final Disposable housekeeping;
    private final AtomicBoolean draining;
    private final ClusterRouter router;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * What {@code serve} is told by options and environment.
     *
     * @param adminPort      0 picks a free port; -1 disables the admin port (tests)
     * @param maxDevices     device slots of an account that sets no limit of its own
     * @param conflictPolicy who wins conflicts on devices whose policy does not say
     * @param nodeId         this node's id in a cluster; null: a random one
     * @param advertiseUrl   how the other nodes reach this node's sync port; null: on 127.0.0.1 at the port
     */
    public record Settings(String bind, int port, Duration sessionTimeout, long maxMessageBytes, int maxSessions,
                           String publicUrl, String adminBind, int adminPort, Duration drainGrace,
                           java.nio.file.Path tlsCert, java.nio.file.Path tlsKey, int maxDevices,
                           ConflictPolicy conflictPolicy, String nodeId, String advertiseUrl) {
        public Settings {
            java.util.Objects.requireNonNull(conflictPolicy, "conflictPolicy");
            if (maxDevices < 1 || maxDevices > 64) {
                throw new Args.UsageException("--max-devices must be 1 to 64: " + maxDevices);
            }
            if (nodeId != null && !nodeId.matches("[A-Za-z0-9_-]{1,40}")) {
                throw new Args.UsageException("--node-id must be 1-40 letters, digits, '-' or '_': " + nodeId);
            }
            if (tlsCert == null != (tlsKey == null)) {
                throw new Args.UsageException("--tls-cert and --tls-key go together");
            }
            if (tlsCert != null && (!java.nio.file.Files.isReadable(tlsCert) || !java.nio.file.Files.isReadable(tlsKey))) {
                throw new Args.UsageException("cannot read --tls-cert " + tlsCert + " or --tls-key " + tlsKey);
            }
            if (port < 0 || port > 65_535 || maxMessageBytes < 16_384 || maxSessions < 1 || sessionTimeout.isNegative()
                    || sessionTimeout.isZero() || adminPort < -1 || adminPort > 65_535 || drainGrace.isNegative()) {
                throw new Args.UsageException("implausible --port, --admin-port, --max-message-size, --max-sessions, "
                        + "--session-timeout or --drain-grace");
            }
        }

        public static Settings from(Args args) {
            return new Settings(args.get("bind", "0.0.0.0"), args.intValue("port", 8080),
                    args.duration("session-timeout", Duration.ofMinutes(5)), args.bytes("max-message-size", 4L << 20),
                    args.intValue("max-sessions", 50_000), args.get("public-url"), args.get("admin-bind", "127.0.0.1"),
                    args.intValue("admin-port", 8081), args.duration("drain-grace", Duration.ofSeconds(30)),
                    path(args.get("tls-cert")), path(args.get("tls-key")),
                    args.intValue("max-devices", EngineConfig.DEFAULT_MAX_DEVICES),
                    conflictPolicy(args.get("conflict-policy", "server-wins")), args.get("node-id"),
                    args.get("advertise-url"));
        }

        private static ConflictPolicy conflictPolicy(String name) {
            return ConflictPolicy.of(name).orElseThrow(() -> new Args.UsageException(
                    "--conflict-policy must be server-wins, client-wins, newest-wins or duplicate: " + name));
        }

        private static java.nio.file.Path path(String s) {
            return s == null ? null : java.nio.file.Path.of(s);
        }

        /** On 127.0.0.1, sync port as given, no admin port: for tests. */
        public static Settings loopback(int port) {
            return new Settings("127.0.0.1", port, Duration.ofMinutes(5), 4L << 20, 50_000, null, "127.0.0.1", -1,
                    Duration.ofSeconds(5), null, null, EngineConfig.DEFAULT_MAX_DEVICES, ConflictPolicy.SERVER_WINS,
                    null, null);
        }

        public Settings withAdminPort(int p) {
            return new Settings(bind, port, sessionTimeout, maxMessageBytes, maxSessions, publicUrl, adminBind, p,
                    drainGrace, tlsCert, tlsKey, maxDevices, conflictPolicy, nodeId, advertiseUrl);
        }

        public Settings withTls(java.nio.file.Path cert, java.nio.file.Path key) {
            return new Settings(bind, port, sessionTimeout, maxMessageBytes, maxSessions, publicUrl, adminBind, adminPort,
                    drainGrace, cert, key, maxDevices, conflictPolicy, nodeId, advertiseUrl);
        }

        /** A cluster node: its id and the URL its peers reach it at. */
        public Settings withNode(String id, String url) {
            return new Settings(bind, port, sessionTimeout, maxMessageBytes, maxSessions, publicUrl, adminBind, adminPort,
                    drainGrace, tlsCert, tlsKey, maxDevices, conflictPolicy, id, url);
        }
    }

    private Gateway(SessionRegistry sessions, GatewayServer server, AdminServer admin, GatewayMetrics metrics,
                    Disposable housekeeping, AtomicBoolean draining, ClusterRouter router) {
        this.router = router;
        this.sessions = sessions;
        this.server = server;
        this.admin = admin;
        this.metrics = metrics;
        this.housekeeping = housekeeping;
        this.draining = draining;
    }

    public static Gateway start(Settings s, Database database) {
        return start(s, database, null);
    }

    /**
     * Starts serving on {@code database} (migrated). Blocks until the ports are bound.
     *
     * @param credentials opens the sealed passwords of SyncML 1.0 MD5 logins; null disables those logins
     */
    public static Gateway start(Settings s, Database database, CredentialCipher credentials) {
        return start(s, database, credentials, null);
    }

    /**
     * Starts serving on {@code database} (migrated). Blocks until the ports are bound.
     *
     * @param credentials opens the sealed passwords of SyncML 1.0 MD5 logins; null disables those logins
     * @param adminToken  the admin API's bearer token; null: the one stored in the database (generated there by
     *                    the first node that needs it, see {@link AdminTokens})
     */
    public static Gateway start(Settings s, Database database, CredentialCipher credentials, String adminToken) {
        byte[] nonceSecret = new ServerSecrets(database).getOrCreate("md5-nonce").block(Duration.ofMinutes(1));
        // the announced MaxMsgSize leaves room under the decoder's limit for what clients add on top
        long announced = Math.min(1_000_000, s.maxMessageBytes() - 8_192);
        EngineConfig config = new EngineConfig(announced, EngineConfig.DEFAULT.maxObjSize(),
                EngineConfig.DEFAULT.defaultClientMaxMsgSize(), s.conflictPolicy(),
                EngineConfig.DEFAULT.maxAuthAttempts(), Version.current(), Clock.systemUTC(), s.maxDevices());
        Map<String, SyncHandler.WireFormat> formats = wireFormats();
        List<SyncMlEncoder> encoders = new ArrayList<>();
        formats.values().forEach(f -> encoders.add(f.encoder()));
        R2dbcSyncStore store = new R2dbcSyncStore(database);
        SyncEngine engine = new SyncEngine(config, store, encoders, NonceSource.create(nonceSecret), credentials,
                Schedulers.parallel());
        AtomicBoolean draining = new AtomicBoolean();
        // every node is a cluster node: alone, it only renews its heartbeat; with peers, sessions route by token
        ClusterRouter router = new ClusterRouter(s.nodeId() != null ? s.nodeId() : ClusterRouter.randomNodeId(),
                s.advertiseUrl() != null ? s.advertiseUrl() : (s.tlsCert() != null ? "https" : "http")
                        + "://127.0.0.1:" + s.port(), new NodeDirectory(database), draining::get,
                s.sessionTimeout());
        SessionRegistry registry = new SessionRegistry(engine, s.sessionTimeout(), s.maxSessions(), Clock.systemUTC(),
                router.tokenPrefix());
        GatewayMetrics metrics = new GatewayMetrics(config.conflictPolicy().wireName(), registry::live,
                registry::retained, registry::expiredCount);
        metrics.bindPool(database);
        DecoderLimits limits = new DecoderLimits(s.maxMessageBytes(), DecoderLimits.DEFAULT.maxDepth(),
                DecoderLimits.DEFAULT.maxElements(), (int) Math.min(Integer.MAX_VALUE, s.maxMessageBytes()),
                DecoderLimits.DEFAULT.maxCommands(), DecoderLimits.DEFAULT.maxItems());
        SyncHandler handler = new SyncHandler(registry, formats, limits, s.publicUrl(), metrics, draining::get,
                router);
        // the self-service page (/account/ on the sync port) and the admin API share the slots' administration
        DeviceAdmin deviceAdmin = new DeviceAdmin(database.connectionFactory(), config.maxDevices());
        AccountPage accountPage = new AccountPage(new WebSessions(database.connectionFactory(), WEB_SESSION_IDLE,
                WEB_SESSION_MAX_AGE), deviceAdmin, s.tlsCert() != null
                || s.publicUrl() != null && s.publicUrl().regionMatches(true, 0, "https:", 0, 6));
        GatewayServer server = null;
        AdminServer admin = null;
        try {
            server = new GatewayServer(s.bind(), s.port(), handler, () -> true,
                    () -> draining.get() ? Mono.just(false)
                            : database.ping().timeout(Duration.ofSeconds(2)).thenReturn(true),
                    Duration.ofMinutes(2), s.tlsCert(), s.tlsKey(), accountPage);
            if (s.adminPort() >= 0) {
                String token = adminToken != null ? adminToken
                        : new AdminTokens(database.connectionFactory()).getOrCreate().block(Duration.ofMinutes(1))
                                .token();
                AdminApi api = new AdminApi(new AccountAdmin(database.connectionFactory(), new PasswordHasher(),
                        credentials), deviceAdmin, token);
                admin = new AdminServer(s.adminBind(), s.adminPort(), metrics, api);
            }
            return new Gateway(registry, server, admin, metrics, housekeeping(store, s.sessionTimeout()), draining,
                    router);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            router.close();
            registry.close();
            metrics.close();
            throw new IllegalStateException("cannot listen on " + s.bind() + ":" + s.port()
                    + (s.adminPort() >= 0 ? " / " + s.adminBind() + ":" + s.adminPort() : "") + ": " + e.getMessage(), e);
        }
    }

    /** The wire encodings served, by MIME type: XML always; WBXML when the codec provides it. */
    static Map<String, SyncHandler.WireFormat> wireFormats() {
        Map<String, SyncHandler.WireFormat> f = new LinkedHashMap<>();
        f.put(SyncMlXmlEncoder.CONTENT_TYPE, new SyncHandler.WireFormat(SyncMlXmlDecoder::new, new SyncMlXmlEncoder()));
        f.put(SyncMlWbxmlEncoder.CONTENT_TYPE, new SyncHandler.WireFormat(SyncMlWbxmlDecoder::new,
                new SyncMlWbxmlEncoder()));
        return f;
    }

    /**
     * Every minute: drop the spooled chunks of large objects whose session ended without the last chunk (older than
     * twice the session timeout, at least an hour). Any node may do it; doing it twice is harmless.
     */
    private static Disposable housekeeping(R2dbcSyncStore store, Duration sessionTimeout) {
        Duration keep = sessionTimeout.multipliedBy(2).compareTo(Duration.ofHours(1)) < 0 ? Duration.ofHours(1)
                : sessionTimeout.multipliedBy(2);
        return Flux.interval(Duration.ofMinutes(1), Duration.ofMinutes(1))
                .concatMap(t -> store.purgeChunksBefore(Instant.now().minus(keep))
                        .doOnNext(n -> {
                            if (n > 0) {
                                LOG.info("dropped {} chunks of large objects that never ended", n);
                            }
                        })
                        .onErrorResume(e -> {
                            LOG.warn("housekeeping failed: {}", e.toString());
                            return Mono.empty();
                        }))
                .subscribe();
    }

    /**
     * Stops taking new sessions ({@code /readyz} turns 503, new sessions get "retry later"), then waits until the
     * sessions in flight have ended or {@code grace} has passed. Blocks: for the shutdown path only.
     *
     * @return the sessions still unfinished when the grace period ended
     */
    public int drain(Duration grace) {
        draining.set(true);
        Instant deadline = Instant.now().plus(grace);
        int left = sessions.unfinished();
        LOG.info("draining: {} session(s) in flight, waiting up to {}", left, grace);
        while (left > 0 && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = sessions.unfinished();
        }
        if (left > 0) {
            LOG.warn("draining: {} session(s) still unfinished after {}; their clients resume or redo them", left,
                    grace);
        }
        return left;
    }

    public boolean draining() {
        return draining.get();
    }

    public int port() {
        return server.port();
    }

    /** The admin port, or -1 when it is disabled. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        housekeeping.dispose();
        router.close(); // peers stop routing this node's sessions here; they answer them 408 (the clients restart)
        server.close();
        if (admin != null) {
            admin.close();
        }
        sessions.close();
        metrics.close();
    }
}
