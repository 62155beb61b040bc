package io.syncgw.engine.port;

/**
 * A change the server owes a device.
 *
 * @param op        what to send
 * @param luid      the device's id for Replace and Delete; null for Add
 * @param changeSeq the item's change sequence being sent
 * @param size      content length in characters, for packing messages before the content is loaded
 */
public record PendingChange(Op op, long itemId, String luid, long changeSeq, String contentType, int size) {

    /** The SyncML command that carries the change. */
    public enum Op { ADD, REPLACE, DELETE }
}
