package io.syncgw.persistence;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * The pooled R2DBC connection factory of one gateway node, built from a {@link DatabaseConfig}. Creating it opens
 * nothing; connections are made on first use (or by {@link #warmup()}). Everything that talks to the database
 * takes {@link #connectionFactory()}; {@link #close()} at shutdown closes the pool.
 */
public final class Database implements AutoCloseable {

    private final DatabaseConfig config;
    private final ConnectionPool pool;

    private Database(DatabaseConfig config, ConnectionPool pool) {
        this.config = config;
        this.pool = pool;
    }

    /** A pool for {@code config}; no connection is opened yet. */
    public static Database open(DatabaseConfig config) {
        Objects.requireNonNull(config, "config");
        PostgresqlConnectionConfiguration.Builder pg = PostgresqlConnectionConfiguration.builder()
                .host(config.host())
                .port(config.port())
                .database(config.database())
                .username(config.user())
                .applicationName(config.applicationName())
                .connectTimeout(config.connectTimeout())
                .sslMode(SSLMode.fromValue(config.sslMode()))
                .tcpKeepAlive(true);
        if (config.password() != null) {
            pg.password(config.password());
        }
        if (config.schema() != null) {
            pg.schema(config.schema());
        }
        DatabaseConfig.Pool p = config.pool();
        ConnectionPoolConfiguration.Builder pool = ConnectionPoolConfiguration
                .builder(new PostgresqlConnectionFactory(pg.build()))
                .name("syncgw")
                .initialSize(p.initialSize())
                .maxSize(p.maxSize())
                .maxIdleTime(p.maxIdleTime())
                .maxLifeTime(p.maxLifeTime())
                .maxAcquireTime(p.acquireTimeout())
                // after a database restart every pooled connection is dead: one acquisition may have to discard
                // them all before it opens a new one (bounded by maxAcquireTime)
                .acquireRetry(p.maxSize())
                .maxCreateConnectionTime(config.connectTimeout())
                .backgroundEvictionInterval(Duration.ofSeconds(30))
                // LOCAL: the socket must be open; a dead server is noticed without a round trip per acquire
                .validationDepth(ValidationDepth.LOCAL);
        if (p.validationQuery() != null) {
            pool.validationQuery(p.validationQuery());
        }
        return new Database(config, new ConnectionPool(pool.build()));
    }

    /** The pool's current figures (acquired, idle, pending...), for metrics. */
    public java.util.Optional<io.r2dbc.pool.PoolMetrics> poolMetrics() {
        return pool.getMetrics();
    }

    /** The pooled connection factory. */
    public ConnectionFactory connectionFactory() {
        return pool;
    }

    public DatabaseConfig config() {
        return config;
    }

    /** Opens the pool's initial connections; fails with a {@code StoreUnavailableException} when it cannot. */
    public Mono<Void> warmup() {
        return pool.warmup().then().onErrorMap(StoreErrors::map);
    }

    /** One round trip ({@code select 1}): for health checks. */
    public Mono<Void> ping() {
        return Connections.withConnection(pool,
                c -> Mono.from(c.createStatement("select 1").execute()).flatMap(r -> Mono.from(r.getRowsUpdated()))
                        .then());
    }

    /** Closes the pool and its connections, waiting at most a few seconds. For shutdown only: this blocks. */
    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(10));
    }
}
