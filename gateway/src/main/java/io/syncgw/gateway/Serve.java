package io.syncgw.gateway;

import io.syncgw.gateway.cli.Args;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code serve}: opens the database, starts the {@link Gateway}, runs until SIGTERM/SIGINT. */
final class Serve {
    private static final Logger LOG = LoggerFactory.getLogger(Serve.class);

    private Serve() {
    }

    static int run(Args args) {
        Gateway.Settings settings = Gateway.Settings.from(args);
        Storage storage = Storage.open(args);
        Gateway gateway;
        try {
            gateway = Gateway.start(settings, storage.database, CredentialKey.load(args));
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("syncgw stopping");
            // in this order: no new requests, sessions closed, connections closed, then the database itself
            quietly("HTTP server and sessions", gateway::close);
            quietly("database", storage::close);
            LOG.info("syncgw stopped");
            stopped.countDown();
        }, "syncgw-shutdown"));
        LOG.info("syncgw ready: listening on http://{}:{}/sync (database: {}, version {})", settings.bind(),
                gateway.port(), storage.description, Version.current());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void quietly(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("stopping the {} failed: {}", what, e.toString());
        }
    }
}
