package io.syncgw.engine.sync;

/**
 * Who wins when a device changes an item the server changed since the device last saw it (OMA DS Protocol §6.11).
 */
public enum ConflictPolicy {
    /** Keep the server's version; the device gets 419 and then the server's version. */
    SERVER_WINS,
    /** Take the device's version; status 208. */
    CLIENT_WINS
}
