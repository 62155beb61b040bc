package io.syncgw.engine.session;

import io.syncgw.engine.port.PendingChange;

/**
 * A server change sent to the client and awaiting its Status (and, for an Add, its Map).
 *
 * @param chunk a chunk of a large object before the last one: the client answers 213
 */
record Sent(String datastore, PendingChange.Op op, long itemId, long changeSeq, String luid, boolean chunk) {
    Sent(String datastore, PendingChange.Op op, long itemId, long changeSeq, String luid) {
        this(datastore, op, itemId, changeSeq, luid, false);
    }
}
