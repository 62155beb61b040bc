package io.syncgw.persistence.testing;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Wraps a connection factory and records what is sent through its connections: each statement's SQL,
 * "BEGIN"/"COMMIT"/"ROLLBACK" for transaction calls. Each entry is one round trip to the server.
 */
public final class CountingConnectionFactory implements ConnectionFactory {

    private static final Set<String> TRANSACTION_CALLS = Set.of("beginTransaction", "commitTransaction",
            "rollbackTransaction");

    private final ConnectionFactory delegate;
    private final List<String> sent = new ArrayList<>();

    public CountingConnectionFactory(ConnectionFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public Publisher<? extends Connection> create() {
        return Mono.from(delegate.create()).map(this::wrap);
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return delegate.getMetadata();
    }

    /** What was sent since the last {@link #reset()}. */
    public synchronized List<String> sent() {
        return List.copyOf(sent);
    }

    public synchronized void reset() {
        sent.clear();
    }

    private synchronized void record(String what) {
        sent.add(what);
    }

    private Connection wrap(Connection c) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createStatement") || method.getName().equals("createBatch")) {
                        record(args == null ? "BATCH" : (String) args[0]);
                    } else if (TRANSACTION_CALLS.contains(method.getName())) {
                        record(method.getName().replace("Transaction", "").toUpperCase());
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
