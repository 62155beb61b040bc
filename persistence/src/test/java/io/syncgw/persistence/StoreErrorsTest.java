package io.syncgw.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcRollbackException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import io.syncgw.engine.port.StoreUnavailableException;
import java.lang.reflect.Constructor;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.pool.PoolAcquirePendingLimitException;
import reactor.pool.PoolAcquireTimeoutException;
import reactor.pool.PoolShutdownException;

/** One test per mapping of {@link StoreErrors}: what becomes "unavailable" and what is passed on. */
class StoreErrorsTest {

    private static void unavailable(Throwable t) {
        Throwable mapped = StoreErrors.map(t);
        assertThat(mapped).isInstanceOf(StoreUnavailableException.class).hasCause(t)
                .hasMessageStartingWith("database unavailable");
    }

    private static void passedOn(Throwable t) {
        assertThat(StoreErrors.map(t)).isSameAs(t);
    }

    private static R2dbcNonTransientResourceException state(String sqlState) {
        return new R2dbcNonTransientResourceException("server said no", sqlState);
    }

    @Test
    void transientResourceException() {
        unavailable(new R2dbcTransientResourceException("too busy"));
    }

    @Test
    void connectionFailureSqlStates() {
        unavailable(state("08001")); // cannot establish
        unavailable(state("08003")); // r2dbc-postgresql: connection does not exist / refused
        unavailable(state("08006")); // connection failure, I/O error
        unavailable(state("08P01")); // protocol violation
    }

    @Test
    void r2dbcPostgresqlConnectionClosedException() throws Exception {
        // package-private in the driver; what a query on a connection the server closed gets
        Class<?> type = Class.forName(
                "io.r2dbc.postgresql.client.ReactorNettyClient$PostgresConnectionClosedException");
        Constructor<?> ctor = type.getDeclaredConstructor(String.class);
        ctor.setAccessible(true);
        unavailable((Throwable) ctor.newInstance("Cannot exchange messages because the connection is closed"));
    }

    @Test
    void r2dbcPostgresqlIoFailure() throws Exception {
        Class<?> type = Class.forName("io.r2dbc.postgresql.client.ReactorNettyClient$PostgresConnectionException");
        Class<?> context = Class.forName("io.r2dbc.postgresql.client.ConnectionContext");
        Constructor<?> ctor = type.getDeclaredConstructor(context, Throwable.class);
        ctor.setAccessible(true);
        Object ctx = context.getConstructor().newInstance();
        unavailable((Throwable) ctor.newInstance(ctx, new java.io.IOException("Connection reset by peer")));
    }

    @Test
    void serverShuttingDownOrStarting() {
        unavailable(state("57P01")); // admin shutdown
        unavailable(state("57P02")); // crash shutdown
        unavailable(state("57P03")); // cannot connect now
    }

    @Test
    void insufficientResources() {
        unavailable(state("53300")); // too many connections
        unavailable(state("53100")); // disk full
        unavailable(state("53200")); // out of memory
    }

    @Test
    void poolAcquireTimeout() {
        // r2dbc-pool's maxAcquireTime
        unavailable(new R2dbcTimeoutException("Connection acquisition timed out after 5000ms"));
        // reactor-pool's own
        unavailable(new PoolAcquireTimeoutException(java.time.Duration.ofSeconds(5)));
        unavailable(new PoolAcquirePendingLimitException(100));
        unavailable(new PoolShutdownException());
    }

    @Test
    void retryableRollbacks() {
        unavailable(new R2dbcRollbackException("could not serialize access", "40001"));
        unavailable(new R2dbcTransientResourceException("deadlock detected", "40P01"));
    }

    @Test
    void ioFailuresAndTimeoutsBelowTheDriver() {
        unavailable(new ConnectException("Connection refused"));
        unavailable(new TimeoutException("no answer"));
        unavailable(new R2dbcNonTransientResourceException("wrapped", (String) null,
                new ConnectException("Connection refused")));
    }

    @Test
    void clientSideResourceFailuresWithoutSqlState() {
        // r2dbc-pool, when the connection it was about to hand out turns out closed
        unavailable(new R2dbcNonTransientResourceException("Connection validation failed"));
    }

    @Test
    void alreadyMappedStaysAsIs() {
        StoreUnavailableException e = new StoreUnavailableException("down", null);
        assertThat(StoreErrors.map(e)).isSameAs(e);
    }

    @Test
    void dataAndProgrammingErrorsArePassedOn() {
        passedOn(new R2dbcDataIntegrityViolationException("duplicate key", "23505"));
        passedOn(new R2dbcBadGrammarException("syntax error", "42601"));
        passedOn(state("XX000")); // internal error: not "retry later"
        passedOn(state("57014")); // query cancelled (statement timeout)
        passedOn(new IllegalStateException("bug"));
    }
}
