package io.syncgw.engine.sync;

import io.syncgw.codec.model.StatusCode;
import io.syncgw.engine.port.StoredAnchor;
import java.util.Objects;

/**
 * The answer to a client's sync Alert for one datastore (OMA-TS-DS_Protocol-V1_2 §5.2.1, §6.2): the mode the server
 * agrees to and the status of the Alert.
 */
public record Negotiation(SyncMode mode, int status) {

    /**
     * Decides the mode. Two-way and one-way syncs need the client's Last anchor to match what the last completed
     * session committed (the previous one is accepted as well: the client may have missed the final reply of that
     * session, which the server cannot detect); otherwise 508 and a slow sync, so nothing is lost or duplicated.
     *
     * @param stored null when the device never completed a sync of this datastore
     */
    public static Negotiation negotiate(SyncMode requested, String clientLast, StoredAnchor stored) {
        Objects.requireNonNull(requested, "requested");
        if (!requested.needsAnchors()) {
            return new Negotiation(requested, StatusCode.OK);
        }
        if (stored != null && clientLast != null
                && (clientLast.equals(stored.clientNext()) || clientLast.equals(stored.clientPrev()))) {
            return new Negotiation(requested, StatusCode.OK);
        }
        return new Negotiation(SyncMode.SLOW, StatusCode.REFRESH_REQUIRED);
    }
}
