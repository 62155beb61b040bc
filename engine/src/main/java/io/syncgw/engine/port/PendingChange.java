package io.syncgw.engine.port;

/**
 * A change the server owes a device.
 *
 * @param op        what to send
 * @param luid      the device's id for Replace and Delete; null for Add
 * @param changeSeq the item's change sequence being sent
 * @param size      content length in characters, for packing messages before the content is loaded
 * @param recurring a recurring event or task: whether an occurrence falls into the device's window is checked
 *                  once its content is loaded
 */
public record PendingChange(Op op, long itemId, String luid, long changeSeq, String contentType, int size,
                            boolean recurring) {

    public PendingChange(Op op, long itemId, String luid, long changeSeq, String contentType, int size) {
        this(op, itemId, luid, changeSeq, contentType, size, false);
    }

    /** The SyncML command that carries the change. */
    public enum Op {
        ADD, REPLACE,
        /** The item was deleted on the server. */
        DELETE,
        /** The item left the device's filter (categories, window): taken off the device, kept on the server. */
        REMOVE
    }
}
