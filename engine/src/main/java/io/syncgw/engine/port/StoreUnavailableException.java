package io.syncgw.engine.port;

/**
 * The store cannot serve now (database down, pool exhausted, transient failure): the client should retry later.
 * Stackless: it is an expected operating condition, logged once by whoever turns it into a status.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
