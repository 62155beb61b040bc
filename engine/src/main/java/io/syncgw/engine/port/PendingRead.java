package io.syncgw.engine.port;

import java.util.Objects;

/**
 * A read of what a device is owed for a datastore ({@link SyncStore#pendingChanges}), to run right after a write in
 * the same round trip ({@link SyncStore#write(WriteBatch, PendingRead)}).
 *
 * @param contentBudget characters of content to read with the list
 */
public record PendingRead(String datastore, ItemFilter filter, int contentBudget) {
    public PendingRead {
        Objects.requireNonNull(datastore, "datastore");
        Objects.requireNonNull(filter, "filter");
    }
}
