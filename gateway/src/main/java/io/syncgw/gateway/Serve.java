package io.syncgw.gateway;

import io.syncgw.gateway.cli.Args;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve}: opens the database, starts the {@link Gateway}, runs until SIGTERM or SIGINT. Then it drains:
 * {@code /readyz} turns 503, new sessions are told to retry later, sessions in flight get {@code --drain-grace}
 * (default 30 s) to finish; then everything stops in order and the process exits 0.
 */
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
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            LOG.info("syncgw stopping");
            quietly("drain", () -> gateway.drain(settings.drainGrace()));
            // in this order: no new requests, sessions closed, connections closed, then the database itself
            quietly("HTTP servers and sessions", gateway::close);
            quietly("database", storage::close);
            LOG.info("syncgw stopped");
            stopped.countDown();
        };
        // SIGTERM/SIGINT: drain and exit 0 (a JVM shutdown hook could not choose the exit status)
        for (String sig : new String[] {"TERM", "INT"}) {
            Signals.handle(sig, () -> {
                stop.run();
                System.exit(0);
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "syncgw-shutdown"));
        LOG.info("syncgw ready: listening on http://{}:{}/sync (database: {}, admin {}, version {})",
                settings.bind(), gateway.port(), storage.description,
                gateway.adminPort() < 0 ? "off" : "http://" + settings.adminBind() + ":" + gateway.adminPort(),
                Version.current());
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
