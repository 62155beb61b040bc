package io.syncgw.engine.port;

/**
 * The anchors of a device's datastore as committed by its last completed session (OMA DS Protocol §5.2).
 *
 * @param clientNext the client's Next anchor of the last completed session: its Last next time
 * @param clientPrev the one before, accepted too, for a client that missed the last reply of that session
 * @param serverNext the server's Next anchor sent in that session: sent as Last next time
 */
public record StoredAnchor(String datastore, String clientNext, String clientPrev, String serverNext) {
}
