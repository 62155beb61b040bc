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
import io.syncgw.persistence.secret.ServerSecrets;
import io.syncgw.persistence.store.R2dbcSyncStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;

/** {@code serve}: opens the database, wires the engine and the HTTP server, runs until SIGTERM/SIGINT. */
final class Serve {
    private static final Logger LOG = LoggerFactory.getLogger(Serve.class);

    private Serve() {
    }

    static int run(Args args) {
        int port = args.intValue("port", 8080);
        String bind = args.get("bind", "0.0.0.0");
        Duration sessionTimeout = args.duration("session-timeout", Duration.ofMinutes(5));
        long maxMessage = args.bytes("max-message-size", 4L << 20);
        int maxSessions = args.intValue("max-sessions", 50_000);
        if (port < 0 || port > 65_535 || maxMessage < 16_384 || maxSessions < 1 || sessionTimeout.isNegative()
                || sessionTimeout.isZero()) {
            throw new Args.UsageException("implausible --port, --max-message-size, --max-sessions or "
                    + "--session-timeout");
        }
        Storage storage = Storage.open(args);
        byte[] nonceSecret = new ServerSecrets(storage.database).getOrCreate("md5-nonce").block(Duration.ofMinutes(1));
        // the announced MaxMsgSize leaves room under the decoder's limit for what clients add on top
        long announced = Math.min(1_000_000, maxMessage - 8_192);
        EngineConfig config = new EngineConfig(announced, EngineConfig.DEFAULT.maxObjSize(),
                EngineConfig.DEFAULT.defaultClientMaxMsgSize(), EngineConfig.DEFAULT.conflictPolicy(),
                EngineConfig.DEFAULT.maxAuthAttempts(), Version.current(), Clock.systemUTC());
        SyncMlXmlEncoder encoder = new SyncMlXmlEncoder();
        SyncEngine engine = new SyncEngine(config, new R2dbcSyncStore(storage.database), encoder,
                NonceSource.create(nonceSecret), Schedulers.parallel());
        SessionRegistry registry = new SessionRegistry(engine, sessionTimeout, maxSessions, Clock.systemUTC());
        DecoderLimits limits = new DecoderLimits(maxMessage, DecoderLimits.DEFAULT.maxDepth(),
                DecoderLimits.DEFAULT.maxElements(), (int) Math.min(Integer.MAX_VALUE, maxMessage),
                DecoderLimits.DEFAULT.maxCommands(), DecoderLimits.DEFAULT.maxItems());
        SyncHandler handler = new SyncHandler(registry, encoder, limits, args.get("public-url"));
        GatewayServer server;
        try {
            server = new GatewayServer(bind, port, handler, () -> true, Duration.ofMinutes(2));
        } catch (RuntimeException e) {
            registry.close();
            storage.close();
            throw new IllegalStateException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("syncgw stopping");
            server.close();
            registry.close();
            storage.close();
            LOG.info("syncgw stopped");
            stopped.countDown();
        }, "syncgw-shutdown"));
        LOG.info("syncgw ready: listening on http://{}:{}/sync (database: {}, version {})", bind, server.port(),
                storage.description, Version.current());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
