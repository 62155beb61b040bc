package io.syncgw.engine.port;

import java.util.List;

/**
 * What the store knows of a device's datastore between sessions: the anchors of its last completed session
 * (OMA DS Protocol §5.2) and, if a sync was interrupted, where it stood (for Alert 225, resume).
 *
 * @param clientNext the client's Next anchor of the last completed session: its Last next time (null: none yet)
 * @param clientPrev the one before, accepted too, for a client that missed the last reply of that session
 * @param serverNext the server's Next anchor sent in that session: sent as Last next time
 * @param suspended  the interrupted sync that may be resumed, or null
 */
public record StoredAnchor(String datastore, String clientNext, String clientPrev, String serverNext,
                           Suspended suspended) {

    public StoredAnchor(String datastore, String clientNext, String clientPrev, String serverNext) {
        this(datastore, clientNext, clientPrev, serverNext, null);
    }

    /**
     * An interrupted sync (OMA DS Protocol §6.9 suspend/resume).
     *
     * @param mode          the Alert code of the sync that was agreed
     * @param clientLast    the client's Last anchor of that sync (a resume carries the same Last)
     * @param receivedLuids the items the client had sent in a slow sync or refresh from client
     */
    public record Suspended(int mode, String clientLast, List<String> receivedLuids) {
        public Suspended {
            receivedLuids = List.copyOf(receivedLuids);
        }
    }
}
