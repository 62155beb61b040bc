package io.syncgw.engine.port;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything one SyncML message changes for one device, applied by {@link SyncStore#write} in a single transaction:
 * all of it or nothing, so an interrupted message never leaves a half-written item. Operations run in the order of
 * the components below.
 *
 * @param nonce      a new MD5 nonce for the device, or null
 * @param devInf     new device information, or null
 * @param resets     datastores whose mappings for this device are dropped first (refresh from server: the device
 *                   wipes its data)
 * @param inserts    new items from the device, each mapped to its LUID
 * @param updates    content from the device for existing items
 * @param deletes    items the device deleted
 * @param mapUpserts mappings set or confirmed (acknowledged server changes, Map, slow-sync matches); at most one per
 *                   item
 * @param mapRemoves mappings dropped (acknowledged server deletes, items the device no longer has)
 * @param prunes     after a slow sync: mappings of the datastore whose LUID the device did not send are dropped
 * @param itemPrunes after a refresh from the client: live items of the datastore not mapped to the device (those it
 *                   did not send) are deleted
 * @param anchors    anchors committed because the session completed
 * @param chunkAppends  chunks of large objects from the device, spooled until the last one arrives
 * @param chunkDiscards spooled chunks no longer needed (assembled, refused, abandoned)
 * @param checkpoints   where a sync of a datastore stands, for resuming it if the session is interrupted
 * @param resumeClears  datastores whose checkpoint is void (the sync completed, or a new one began)
 * @param unmaps        mappings dropped before anything else (a conflict resolved by duplicating: the device's LUID
 *                      moves to the new item, the server's version goes to the device as a new item)
 * @param detaches      mappings the device let go of without the deletion reaching the account (its policy keeps
 *                      deletions local): the LUID is dropped, the item is not sent again unless it changes
 * @param consumeNextSync the device's forced mode (its policy's nextSync) was applied: back to normal
 * @param lease         the session's hold on the device: claimed (the write fails with {@link DeviceBusyException}
 *                      when another session holds it), renewed, or released when the session completes; null: none
 */
public record WriteBatch(long accountId, long deviceId, String nonce, DevInfUpdate devInf, List<String> resets,
                         List<NewItem> inserts, List<ItemUpdate> updates, List<ItemDelete> deletes,
                         List<MapUpsert> mapUpserts, List<MapRemove> mapRemoves, List<MappingPrune> prunes,
                         List<ItemPrune> itemPrunes, List<AnchorCommit> anchors, List<ChunkAppend> chunkAppends,
                         List<ChunkDiscard> chunkDiscards, List<Checkpoint> checkpoints, List<String> resumeClears,
                         List<MapRemove> unmaps, List<MapDetach> detaches, boolean consumeNextSync,
                         DeviceLease lease) {

    /** A batch without unmaps, detaches or a consumed nextSync. */
    public WriteBatch(long accountId, long deviceId, String nonce, DevInfUpdate devInf, List<String> resets,
                      List<NewItem> inserts, List<ItemUpdate> updates, List<ItemDelete> deletes,
                      List<MapUpsert> mapUpserts, List<MapRemove> mapRemoves, List<MappingPrune> prunes,
                      List<ItemPrune> itemPrunes, List<AnchorCommit> anchors, List<ChunkAppend> chunkAppends,
                      List<ChunkDiscard> chunkDiscards, List<Checkpoint> checkpoints, List<String> resumeClears) {
        this(accountId, deviceId, nonce, devInf, resets, inserts, updates, deletes, mapUpserts, mapRemoves, prunes,
                itemPrunes, anchors, chunkAppends, chunkDiscards, checkpoints, resumeClears, List.of(), List.of(),
                false, null);
    }

    public WriteBatch {
        unmaps = List.copyOf(unmaps);
        detaches = List.copyOf(detaches);
        checkpoints = List.copyOf(checkpoints);
        resumeClears = List.copyOf(resumeClears);
        chunkAppends = List.copyOf(chunkAppends);
        chunkDiscards = List.copyOf(chunkDiscards);
        resets = List.copyOf(resets);
        inserts = List.copyOf(inserts);
        updates = List.copyOf(updates);
        deletes = List.copyOf(deletes);
        mapUpserts = List.copyOf(mapUpserts);
        mapRemoves = List.copyOf(mapRemoves);
        prunes = List.copyOf(prunes);
        itemPrunes = List.copyOf(itemPrunes);
        anchors = List.copyOf(anchors);
    }

    public boolean isEmpty() {
        return nonce == null && devInf == null && resets.isEmpty() && inserts.isEmpty() && updates.isEmpty()
                && deletes.isEmpty() && mapUpserts.isEmpty() && mapRemoves.isEmpty() && prunes.isEmpty()
                && itemPrunes.isEmpty() && anchors.isEmpty() && chunkAppends.isEmpty() && chunkDiscards.isEmpty()
                && checkpoints.isEmpty() && resumeClears.isEmpty() && unmaps.isEmpty() && detaches.isEmpty()
                && !consumeNextSync && lease == null;
    }

    /**
     * Records (or extends) the checkpoint of an ongoing sync: its mode and the client's Last anchor, and the LUIDs
     * the client sent in this message (added to those recorded before). Clears run before checkpoints.
     */
    public record Checkpoint(String datastore, int mode, String clientLast, Set<String> addLuids) {
        public Checkpoint {
            addLuids = Set.copyOf(addLuids);
        }
    }

    /**
     * One chunk of a large object (RepPro §5.1.13 MoreData), spooled so that a slow upload holds no memory between
     * messages. Discards run before appends, so a restarted object replaces its old chunks.
     *
     * @param index position of the chunk in its object, from 0
     */
    public record ChunkAppend(String datastore, String luid, int index, String data) {
    }

    /** Drops the spooled chunks of one object. */
    public record ChunkDiscard(String datastore, String luid) {
    }

    /**
     * Device information to store: the document as XML, its hash to skip rewriting an unchanged one, and the
     * manufacturer and model it names (shown to the account owner; may be null).
     */
    public record DevInfUpdate(String xml, String hash, String manufacturer, String model) {
        public DevInfUpdate {
            Objects.requireNonNull(xml, "xml");
            Objects.requireNonNull(hash, "hash");
        }

        public DevInfUpdate(String xml, String hash) {
            this(xml, hash, null, null);
        }
    }

    /**
     * A new item.
     *
     * @param ref a number unique in the batch, by which {@link WriteResult#insertedIds()} reports the new id
     */
    public record NewItem(int ref, String datastore, String contentType, String content, String twinKey,
                          String contentHash, String luid, ItemIndex index) {
        public NewItem {
            Objects.requireNonNull(index, "index");
        }

        public NewItem(int ref, String datastore, String contentType, String content, String twinKey,
                       String contentHash, String luid) {
            this(ref, datastore, contentType, content, twinKey, contentHash, luid, ItemIndex.NONE);
        }
    }

    /**
     * New content for an item, applied only when the item is still at {@code expectedSeq} (null: unconditionally);
     * otherwise the item is reported in {@link WriteResult#conflicts()} and left alone. The device's mapping is set
     * to {@code luid} at the new sequence, so the change is not echoed back to it.
     */
    public record ItemUpdate(long itemId, Long expectedSeq, String contentType, String content, String twinKey,
                             String contentHash, String datastore, String luid, ItemIndex index) {
        public ItemUpdate {
            Objects.requireNonNull(index, "index");
        }

        public ItemUpdate(long itemId, Long expectedSeq, String contentType, String content, String twinKey,
                          String contentHash, String datastore, String luid) {
            this(itemId, expectedSeq, contentType, content, twinKey, contentHash, datastore, luid, ItemIndex.NONE);
        }
    }

    /** Delete an item (kept as a tombstone while other devices map it) if still at {@code expectedSeq}. */
    public record ItemDelete(long itemId, Long expectedSeq) {
    }

    /**
     * Set the device's mapping of an item. A null {@code luid} keeps the mapped LUID; a null {@code knownSeq} keeps
     * the known sequence (0 for a new mapping). Only an item the session sent carries a known sequence: when such an
     * item no longer exists (deleted by another device while its Add was on the way) and a LUID is given, the store
     * maps a new tombstone to that LUID, so the device is sent a Delete next time; other vanished items are skipped.
     */
    public record MapUpsert(long itemId, String datastore, String luid, Long knownSeq) {
    }

    public record MapRemove(long itemId) {
    }

    /**
     * A session's hold on its device. {@code CLAIM}: take it unless another session holds it unexpired (then the
     * whole batch fails with {@link DeviceBusyException}); {@code TAKE_OVER}: take it in any case (a resume: the
     * device says its earlier session is over); {@code RENEW}: extend it; {@code RELEASE}: let go.
     *
     * @param key     the session's key (unique per session)
     * @param seconds how long the claim lasts without renewal
     */
    public record DeviceLease(Kind kind, String key, int seconds) {
        public enum Kind { CLAIM, TAKE_OVER, RENEW, RELEASE }

        public DeviceLease {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(key, "key");
        }
    }

    /** The device let go of an item without deleting it on the server; {@code knownSeq} is what it held. */
    public record MapDetach(long itemId, long knownSeq) {
    }

    public record MappingPrune(String datastore, Set<String> keepLuids) {
        public MappingPrune {
            keepLuids = Set.copyOf(keepLuids);
        }
    }

    /**
     * Deletes (tombstones) every live item of the datastore that has no mapping for this device: after a refresh
     * from the client, whose items are all mapped by then, that is everything the client did not send.
     */
    public record ItemPrune(String datastore) {
    }

    public record AnchorCommit(String datastore, String clientNext, String serverNext) {
    }
}
