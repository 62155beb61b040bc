package io.syncgw.engine.session;

import io.syncgw.engine.port.WriteBatch;
import java.util.ArrayList;
import java.util.List;

/** Collects a message's writes into one {@link WriteBatch}. */
final class BatchBuilder {
    private final long accountId;
    private final long deviceId;
    String nonce;
    WriteBatch.DevInfUpdate devInf;
    final List<String> resets = new ArrayList<>();
    final List<WriteBatch.NewItem> inserts = new ArrayList<>();
    final List<WriteBatch.ItemUpdate> updates = new ArrayList<>();
    final List<WriteBatch.ItemDelete> deletes = new ArrayList<>();
    /** One upsert per item (the port's contract): later facts about an item merge into the earlier ones. */
    private final java.util.LinkedHashMap<Long, WriteBatch.MapUpsert> mapUpserts = new java.util.LinkedHashMap<>();
    final List<WriteBatch.MapRemove> mapRemoves = new ArrayList<>();
    final List<WriteBatch.MappingPrune> prunes = new ArrayList<>();
    final List<WriteBatch.ItemPrune> itemPrunes = new ArrayList<>();
    final List<WriteBatch.AnchorCommit> anchors = new ArrayList<>();
    final List<WriteBatch.ChunkAppend> chunkAppends = new ArrayList<>();
    final List<WriteBatch.ChunkDiscard> chunkDiscards = new ArrayList<>();
    final List<WriteBatch.Checkpoint> checkpoints = new ArrayList<>();
    final List<String> resumeClears = new ArrayList<>();
    final List<WriteBatch.MapRemove> unmaps = new ArrayList<>();
    final List<WriteBatch.MapDetach> detaches = new ArrayList<>();
    boolean consumeNextSync;
    WriteBatch.DeviceLease lease;

    BatchBuilder(long accountId, long deviceId) {
        this.accountId = accountId;
        this.deviceId = deviceId;
    }

    /**
     * Sets the device's mapping of an item. The client's Status for an Add (known sequence, no LUID) and its Map
     * (the LUID) often arrive in one message: both end up in one upsert.
     */
    void mapUpsert(long itemId, String datastore, String luid, Long knownSeq) {
        WriteBatch.MapUpsert old = mapUpserts.get(itemId);
        if (old != null) {
            luid = luid != null ? luid : old.luid();
            knownSeq = knownSeq != null ? knownSeq : old.knownSeq();
        }
        mapUpserts.put(itemId, new WriteBatch.MapUpsert(itemId, datastore, luid, knownSeq));
    }

    WriteBatch build() {
        return new WriteBatch(accountId, deviceId, nonce, devInf, resets, inserts, updates, deletes,
                List.copyOf(mapUpserts.values()), mapRemoves, prunes, itemPrunes, anchors, chunkAppends, chunkDiscards,
                checkpoints, resumeClears, unmaps, detaches, consumeNextSync, lease);
    }

    boolean isEmpty() {
        return build().isEmpty();
    }

    /**
     * Whether the batch writes the device's sync state (items, mappings, anchors, spooled chunks): only such a batch
     * needs the device's lease. A nonce, the DevInf, a checkpoint, the consumed next-sync setting or the reset of a
     * refresh from the server (the device wiping its data: done twice, the same) alone do not, so a session that got
     * no further than its first message holds nothing when its client gives up and starts again.
     */
    boolean writesSyncState() {
        return writesItemsOrMappings() || !anchors.isEmpty() || !chunkAppends.isEmpty() || !chunkDiscards.isEmpty();
    }

    /** Whether the batch writes items or the device's mappings, which may make items owed to the device. */
    boolean writesItemsOrMappings() {
        return !inserts.isEmpty() || !updates.isEmpty() || !deletes.isEmpty()
                || !mapUpserts.isEmpty() || !mapRemoves.isEmpty() || !prunes.isEmpty() || !itemPrunes.isEmpty()
                || !unmaps.isEmpty() || !detaches.isEmpty();
    }
}
