package io.syncgw.engine.session;

import io.syncgw.engine.port.PendingChange;

/** A server change sent to the client and awaiting its Status (and, for an Add, its Map). */
record Sent(String datastore, PendingChange.Op op, long itemId, long changeSeq, String luid) {
}
