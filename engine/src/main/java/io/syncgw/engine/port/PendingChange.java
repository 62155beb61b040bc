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
 * @param content   the item's content at {@code changeSeq} when the store read it with the list (the first Adds and
 *                  Replaces, within the budget asked for); null otherwise: loaded when the change is sent
 */
public record PendingChange(Op op, long itemId, String luid, long changeSeq, String contentType, int size,
                            boolean recurring, String content) {

    public PendingChange(Op op, long itemId, String luid, long changeSeq, String contentType, int size,
                         boolean recurring) {
        this(op, itemId, luid, changeSeq, contentType, size, recurring, null);
    }

    public PendingChange(Op op, long itemId, String luid, long changeSeq, String contentType, int size) {
        this(op, itemId, luid, changeSeq, contentType, size, false, null);
    }

    /** This change without its content (kept in a session between messages: the content is loaded again). */
    public PendingChange withoutContent() {
        return content == null ? this : new PendingChange(op, itemId, luid, changeSeq, contentType, size, recurring);
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
