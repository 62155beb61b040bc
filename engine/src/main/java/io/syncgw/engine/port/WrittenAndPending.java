package io.syncgw.engine.port;

import java.util.List;

/** What {@link SyncStore#write(WriteBatch, PendingRead)} did and read: the write's result, then the changes owed. */
public record WrittenAndPending(WriteResult result, List<PendingChange> pending) {
    public WrittenAndPending {
        pending = List.copyOf(pending);
    }
}
