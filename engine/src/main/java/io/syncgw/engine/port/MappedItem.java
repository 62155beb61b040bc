package io.syncgw.engine.port;

/**
 * A server item as a device knows it: found through the device's LUID.
 *
 * @param changeSeq   the item's current change sequence
 * @param knownSeq    the change sequence the device is known to hold
 * @param deleted     the item was deleted on the server (a tombstone kept until every device learned it)
 * @param contentHash hash of the current content
 * @param updatedAt   when the server copy was last written (null: unknown), for newest-wins conflicts
 */
public record MappedItem(String luid, long itemId, long changeSeq, long knownSeq, boolean deleted,
                         String contentHash, java.time.Instant updatedAt) {

    public MappedItem(String luid, long itemId, long changeSeq, long knownSeq, boolean deleted, String contentHash) {
        this(luid, itemId, changeSeq, knownSeq, deleted, contentHash, null);
    }
}
