package io.syncgw.gateway;

import io.syncgw.codec.DecoderLimits;
import io.syncgw.codec.xml.SyncMlXmlEncoder;
import io.syncgw.engine.EngineConfig;
import io.syncgw.engine.SyncEngine;
import io.syncgw.engine.auth.NonceSource;
import io.syncgw.gateway.cli.Args;
import io.syncgw.gateway.http.GatewayServer;
import io.syncgw.gateway.http.SyncHandler;
import io.syncgw.gateway.session.SessionRegistry;
import io.syncgw.persistence.Database;
import io.syncgw.persistence.secret.ServerSecrets;
import io.syncgw.persistence.store.R2dbcSyncStore;
import java.time.Clock;
import java.time.Duration;
import reactor.core.scheduler.Schedulers;

/**
 * A running gateway: engine over the PostgreSQL store, session registry, HTTP server. Assembled here once, for
 * {@code serve} and for the tests that run the whole stack.
 */
public final class Gateway implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gateway.class);

    private final SessionRegistry sessions;
    private final GatewayServer server;
    private final reactor.core.Disposable housekeeping;

    /** What {@code serve} is told by options and environment. */
    public record Settings(String bind, int port, Duration sessionTimeout, long maxMessageBytes, int maxSessions,
                           String publicUrl) {
        public Settings {
            if (port < 0 || port > 65_535 || maxMessageBytes < 16_384 || maxSessions < 1 || sessionTimeout.isNegative()
                    || sessionTimeout.isZero()) {
                throw new Args.UsageException("implausible --port, --max-message-size, --max-sessions or "
                        + "--session-timeout");
            }
        }

        public static Settings from(Args args) {
            return new Settings(args.get("bind", "0.0.0.0"), args.intValue("port", 8080),
                    args.duration("session-timeout", Duration.ofMinutes(5)), args.bytes("max-message-size", 4L << 20),
                    args.intValue("max-sessions", 50_000), args.get("public-url"));
        }

        public static Settings loopback(int port) {
            return new Settings("127.0.0.1", port, Duration.ofMinutes(5), 4L << 20, 50_000, null);
        }
    }

    private Gateway(SessionRegistry sessions, GatewayServer server, reactor.core.Disposable housekeeping) {
        this.sessions = sessions;
        this.server = server;
        this.housekeeping = housekeeping;
    }

    /**
     * Every minute: drop the spooled chunks of large objects whose session ended without the last chunk (older than
     * twice the session timeout, at least an hour). Any node may do it; doing it twice is harmless.
     */
    private static reactor.core.Disposable housekeeping(R2dbcSyncStore store, Duration sessionTimeout) {
        Duration keep = sessionTimeout.multipliedBy(2).compareTo(Duration.ofHours(1)) < 0 ? Duration.ofHours(1)
                : sessionTimeout.multipliedBy(2);
        return reactor.core.publisher.Flux.interval(Duration.ofMinutes(1), Duration.ofMinutes(1))
                .concatMap(t -> store.purgeChunksBefore(java.time.Instant.now().minus(keep))
                        .doOnNext(n -> {
                            if (n > 0) {
                                LOG.info("dropped {} chunks of large objects that never ended", n);
                            }
                        })
                        .onErrorResume(e -> {
                            LOG.warn("housekeeping failed: {}", e.toString());
                            return reactor.core.publisher.Mono.empty();
                        }))
                .subscribe();
    }

    /** Starts serving on {@code database} (migrated). Blocks until the port is bound. */
    public static Gateway start(Settings s, Database database) {
        return start(s, database, null);
    }

    /**
     * @param credentials opens the sealed passwords of SyncML 1.0 MD5 logins; null disables those logins
     */
    public static Gateway start(Settings s, Database database, io.syncgw.engine.auth.CredentialCipher credentials) {
        byte[] nonceSecret = new ServerSecrets(database).getOrCreate("md5-nonce").block(Duration.ofMinutes(1));
        // the announced MaxMsgSize leaves room under the decoder's limit for what clients add on top
        long announced = Math.min(1_000_000, s.maxMessageBytes() - 8_192);
        EngineConfig config = new EngineConfig(announced, EngineConfig.DEFAULT.maxObjSize(),
                EngineConfig.DEFAULT.defaultClientMaxMsgSize(), EngineConfig.DEFAULT.conflictPolicy(),
                EngineConfig.DEFAULT.maxAuthAttempts(), Version.current(), Clock.systemUTC());
        SyncMlXmlEncoder encoder = new SyncMlXmlEncoder();
        R2dbcSyncStore store = new R2dbcSyncStore(database);
        SyncEngine engine = new SyncEngine(config, store, encoder, NonceSource.create(nonceSecret), credentials,
                Schedulers.parallel());
        SessionRegistry registry = new SessionRegistry(engine, s.sessionTimeout(), s.maxSessions(), Clock.systemUTC());
        DecoderLimits limits = new DecoderLimits(s.maxMessageBytes(), DecoderLimits.DEFAULT.maxDepth(),
                DecoderLimits.DEFAULT.maxElements(), (int) Math.min(Integer.MAX_VALUE, s.maxMessageBytes()),
                DecoderLimits.DEFAULT.maxCommands(), DecoderLimits.DEFAULT.maxItems());
        SyncHandler handler = new SyncHandler(registry, encoder, limits, s.publicUrl());
        try {
            GatewayServer server = new GatewayServer(s.bind(), s.port(), handler, () -> true, Duration.ofMinutes(2));
            return new Gateway(registry, server, housekeeping(store, s.sessionTimeout()));
        } catch (RuntimeException e) {
            registry.close();
            throw new IllegalStateException("cannot listen on " + s.bind() + ":" + s.port() + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.port();
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    @Override
    public void close() {
        housekeeping.dispose();
        server.close();
        sessions.close();
    }
}
