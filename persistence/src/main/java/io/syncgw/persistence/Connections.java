package io.syncgw.persistence;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a unit of work on a connection taken from a (pooled) factory and gives it back, whatever happens, with
 * failures passed through {@link StoreErrors#map}. Shared by the store, the migrator and the admin classes so that
 * transaction handling is written once.
 */
public final class Connections {

    private Connections() {
    }

    /** {@code work} on one connection in auto-commit mode: each statement is its own transaction. */
    public static <T> Mono<T> withConnection(ConnectionFactory factory, Function<Connection, Mono<T>> work) {
        return Mono.usingWhen(factory.create(), work, Connection::close).onErrorMap(StoreErrors::map);
    }

    /** Like {@link #withConnection} for work that yields many values. */
    public static <T> Flux<T> manyWithConnection(ConnectionFactory factory, Function<Connection, Flux<T>> work) {
        return Flux.usingWhen(factory.create(), work, Connection::close).onErrorMap(StoreErrors::map);
    }

    /**
     * {@code work} in one transaction: committed when it completes, rolled back when it fails. When the subscriber
     * cancels, the pool rolls back the open transaction as the connection is given back.
     */
    public static <T> Mono<T> inTransaction(ConnectionFactory factory, Function<Connection, Mono<T>> work) {
        return withConnection(factory, c -> Mono.defer(() -> {
                    StoreStatistics.statement();
                    return Mono.from(c.beginTransaction());
                })
                .then(Mono.defer(() -> work.apply(c)))
                .singleOptional()
                .flatMap(result -> Mono.defer(() -> {
                    StoreStatistics.statement();
                    return Mono.from(c.commitTransaction());
                }).then(Mono.justOrEmpty(result)))
                .onErrorResume(e -> Mono.from(c.rollbackTransaction())
                        .onErrorResume(rollbackFailure -> {
                            e.addSuppressed(rollbackFailure);
                            return Mono.empty();
                        })
                        .then(Mono.error(e))));
    }

    /** {@code work} alone when it is a single statement (atomic anyway), else {@link #inTransaction}. */
    public static <T> Mono<T> inTransactionIf(boolean needed, ConnectionFactory factory,
                                              Function<Connection, Mono<T>> work) {
        return needed ? inTransaction(factory, work) : withConnection(factory, work);
    }
}
