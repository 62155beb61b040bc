package io.syncgw.persistence;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import io.syncgw.engine.port.StoreUnavailableException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import reactor.pool.PoolAcquirePendingLimitException;
import reactor.pool.PoolAcquireTimeoutException;
import reactor.pool.PoolShutdownException;

/**
 * The one place that decides whether a database failure means "the store cannot serve now, retry later"
 * ({@link StoreUnavailableException}) or is a bug or data error that is passed on unchanged. Every R2DBC call of
 * this module goes through {@link #map}.
 *
 * <p>Unavailable, looked up along the cause chain:
 * <ul>
 *   <li>{@link R2dbcTransientResourceException}, {@link R2dbcTimeoutException} (r2dbc-pool's acquire timeout is one),
 *       reactor-pool's acquire timeout, pending-limit and shutdown exceptions</li>
 *   <li>SQLSTATE class 08 (connection exception; r2dbc-postgresql also reports a refused connection, an I/O error
 *       and a closed connection as 08xxx), class 53 (insufficient resources: too many connections, disk full, out of
 *       memory), 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up, recovering)</li>
 *   <li>40001 serialization failure and 40P01 deadlock: the transaction was rolled back and succeeds when retried</li>
 *   <li>{@link R2dbcNonTransientResourceException} without SQLSTATE: raised by the client side, not the server
 *       (every server error has one), e.g. r2dbc-pool's "Connection validation failed" for a connection the server
 *       closed</li>
 *   <li>{@link IOException} (connection refused or reset below the driver) and {@link TimeoutException}</li>
 * </ul>
 * Everything else (constraint violations, bad SQL, other SQLSTATEs) is returned as is.
 */
public final class StoreErrors {

    private static final int MAX_DEPTH = 16;

    private StoreErrors() {
    }

    /** {@code error} as a {@link StoreUnavailableException} when it means "unavailable", else {@code error} itself. */
    public static Throwable map(Throwable error) {
        if (error instanceof StoreUnavailableException || !isUnavailable(error)) {
            return error;
        }
        return new StoreUnavailableException("database unavailable: " + describe(error), error);
    }

    /** True when {@code error}, or one of its causes, means the database cannot be reached or cannot serve now. */
    public static boolean isUnavailable(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof StoreUnavailableException
                    || t instanceof R2dbcTransientResourceException
                    || t instanceof R2dbcTimeoutException
                    || t instanceof PoolAcquireTimeoutException
                    || t instanceof PoolAcquirePendingLimitException
                    || t instanceof PoolShutdownException
                    || t instanceof IOException
                    || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof R2dbcException && unavailableState(((R2dbcException) t).getSqlState())) {
                return true;
            }
            if (t instanceof R2dbcNonTransientResourceException
                    && ((R2dbcNonTransientResourceException) t).getSqlState() == null) {
                return true;
            }
        }
        return false;
    }

    /** True for the SQLSTATEs listed in the class comment. */
    static boolean unavailableState(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) {
            return false;
        }
        return sqlState.startsWith("08") || sqlState.startsWith("53")
                || sqlState.equals("57P01") || sqlState.equals("57P02") || sqlState.equals("57P03")
                || sqlState.equals("40001") || sqlState.equals("40P01");
    }

    private static String describe(Throwable error) {
        String state = error instanceof R2dbcException ? ((R2dbcException) error).getSqlState() : null;
        String msg = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
        return state == null ? msg : msg + " [SQLSTATE " + state + "]";
    }
}
