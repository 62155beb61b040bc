package io.syncgw.engine.session;

import java.util.HashMap;
import java.util.Map;

/**
 * What handling one message did, for metrics and logs: the status given to its header, why the session failed (if
 * it did), items applied from the client and sent to it, conflicts. Built by the machine as a side product of its
 * decisions, reported by the shell: the engine itself records nothing.
 *
 * @param headerStatus  the status the reply gives the client's SyncHdr (0 for a replayed reply)
 * @param failure       why the session ended without completing, or null
 * @param items         item operations by datastore, operation and direction
 * @param conflicts     items changed on both sides, resolved by the conflict policy
 * @param conflictPolicy the wire name of the device's conflict policy that resolved them (null without conflicts)
 * @param replayed      the reply was a replay of a resent message
 */
public record MessageReport(int headerStatus, Failure failure, Map<ItemKey, Integer> items, int conflicts,
                            String conflictPolicy, boolean replayed) {

    public static final MessageReport REPLAYED = new MessageReport(0, null, Map.of(), 0, null, true);

    public MessageReport {
        items = Map.copyOf(items);
    }

    /** Why a session failed: a small closed set, fit for a metric label. */
    public enum Failure {
        AUTH, STORE_UNAVAILABLE, STORE_ERROR, INTERNAL, FOREIGN_MESSAGE, SUSPENDED,
        /** Every device slot of the account holds an active device. */
        NO_FREE_SLOT,
        /** The device's slot is set to non-active. */
        DEVICE_INACTIVE,
        /** Another session of the same device is in progress. */
        DEVICE_BUSY
    }

    /** Which way an item travelled. */
    public enum Direction { FROM_CLIENT, TO_CLIENT }

    /** @param operation "add", "replace" or "delete" */
    public record ItemKey(String datastore, String operation, Direction direction) {
    }

    /** Collects a report while a message is handled. */
    static final class Builder {
        int headerStatus;
        Failure failure;
        final Map<ItemKey, Integer> items = new HashMap<>();
        int conflicts;
        String conflictPolicy;

        /** One conflict, resolved by the device's {@code policy}. */
        void conflict(io.syncgw.engine.sync.ConflictPolicy policy) {
            conflicts++;
            conflictPolicy = policy.wireName();
        }

        void item(String datastore, String operation, Direction direction) {
            items.merge(new ItemKey(datastore, operation, direction), 1, Integer::sum);
        }

        MessageReport build() {
            return new MessageReport(headerStatus, failure, items, conflicts, conflictPolicy, false);
        }
    }
}
