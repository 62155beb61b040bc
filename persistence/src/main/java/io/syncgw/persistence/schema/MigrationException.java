package io.syncgw.persistence.schema;

/** The schema cannot be brought up to date; start-up must stop. The message says why and what to do. */
public final class MigrationException extends RuntimeException {
    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
