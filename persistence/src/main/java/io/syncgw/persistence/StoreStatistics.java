package io.syncgw.persistence;

import java.util.concurrent.atomic.LongAdder;

/**
 * Round trips the store makes to PostgreSQL on the request path: every statement of the sync store and every
 * BEGIN/COMMIT/ROLLBACK. The figure that dominates a session's cost (README, "what a session costs"); exported as a
 * metric and read by the load test.
 */
public final class StoreStatistics {
    private static final LongAdder STATEMENTS = new LongAdder();

    private StoreStatistics() {
    }

    /** Statements sent since the process started. */
    public static long statements() {
        return STATEMENTS.sum();
    }

    static void statement() {
        STATEMENTS.increment();
    }

    /** For the store's own statement helpers in sub-packages. */
    public static void count() {
        STATEMENTS.increment();
    }
}
